// SPDX-License-Identifier: Apache-2.0
// Builds the line parser a receiver config asks for.
import { ConfigError } from '../../../component/errors.js';
import type { LineParser } from '../fields.js';
import type { AccessLogConfig } from '../config.js';
import { compileEnvoy } from './envoy.js';
import { JSON_DERIVE, JSON_PRESETS, JsonLineParser } from './json.js';
import { compileAwsAlb } from './alb.js';
import { APACHE_COMBINED, compileApache } from './apache.js';
import { compileHaproxy, HAPROXY_HTTPLOG } from './haproxy.js';
import { compileTraefikClf } from './traefik-clf.js';
import type { FieldMapping } from './json.js';
import { compileNginx, NGINX_COMBINED } from './nginx.js';
import { RegexLineParser } from './regex.js';

export type ParserConfig = Pick<AccessLogConfig, 'format' | 'log_format' | 'escape' | 'fields' | 'regex'>;

export function createLineParser(c: ParserConfig): LineParser {
  switch (c.format) {
    case 'nginx':
    case 'nginx_combined':
      return compileNginx(c.log_format || NGINX_COMBINED, c.escape);
    case 'envoy':
      return c.log_format ? compileEnvoy(c.log_format) : compileEnvoy();
    case 'apache':
      return compileApache(c.log_format || APACHE_COMBINED);
    case 'haproxy':
      return compileHaproxy(c.log_format || HAPROXY_HTTPLOG);
    case 'traefik_clf':
      return compileTraefikClf();
    case 'aws_alb':
      return compileAwsAlb();
    case 'regex':
      if (!c.regex) throw new ConfigError(['regex: format "regex" needs a `regex` pattern']);
      return new RegexLineParser(c.regex);
    default: {
      const preset = c.format === 'envoy_json' ? 'envoy' : c.format;
      const base: FieldMapping = preset === 'json' ? {} : (JSON_PRESETS[preset] ?? {});
      const mapping = { ...base, ...(c.fields as FieldMapping) };
      if (Object.keys(mapping).length === 0)
        throw new ConfigError(['fields: format "json" needs a field mapping (e.g. status: response.status)']);
      return new JsonLineParser(mapping, JSON_DERIVE[preset]);
    }
  }
}
