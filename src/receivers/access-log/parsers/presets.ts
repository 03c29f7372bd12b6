// SPDX-License-Identifier: Apache-2.0
// Every format and named log_format preset the receiver knows, in one list: the receiver's
// README documents each in its preset table, and a test keeps the two in step.
import { accessLogSchema } from '../config.js';
import { APACHE_PRESETS } from './apache.js';
import { HAPROXY_PRESETS } from './haproxy.js';
import { NGINX_PRESETS } from './nginx.js';

export interface PresetEntry {
  format: string;
  /** A named `log_format` preset of that format ('' = the format's default). */
  logFormat: string;
}

export function presetRegistry(): PresetEntry[] {
  const formats = (accessLogSchema.properties as Record<string, { enum?: string[] }>).format.enum ?? [];
  const named: Record<string, Record<string, string>> = {
    nginx: NGINX_PRESETS,
    apache: APACHE_PRESETS,
    haproxy: HAPROXY_PRESETS,
  };
  const out: PresetEntry[] = [];
  for (const format of formats) {
    out.push({ format, logFormat: '' });
    for (const name of Object.keys(named[format] ?? {})) out.push({ format, logFormat: name });
  }
  return out;
}
