// SPDX-License-Identifier: Apache-2.0
// Anything else: a regular expression whose named groups say what they hold. Group names are
// the canonical JSON field names; durations take a unit suffix: `duration_s`, `duration_ms`,
// `upstream_duration_us`, `ttfb_ns`...
import { ConfigError } from '../../../component/errors.js';
import type { LineFields, LineParser } from '../fields.js';
import { setRequestLine } from './nginx.js';
import { JSON_FIELDS, JsonLineParser } from './json.js';
import type { FieldMapping, JsonField, Unit } from './json.js';

export class RegexLineParser implements LineParser {
  private readonly re: RegExp;
  private readonly map: Array<{ group: string; field: JsonField | 'request'; unit?: Unit }> = [];
  private readonly assign: JsonLineParser;

  constructor(pattern: string) {
    try {
      this.re = new RegExp(pattern);
    } catch (err) {
      throw new ConfigError([`regex: ${(err as Error).message}`]);
    }
    const names = [...pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]);
    const mapping: FieldMapping = {};
    for (const group of names) {
      if (group === 'request') {
        this.map.push({ group, field: 'request' });
        continue;
      }
      const u = /^(.*)_(s|ms|us|ns)$/.exec(group);
      const field = (u && (JSON_FIELDS as readonly string[]).includes(u[1]) ? u[1] : group) as JsonField;
      if (!(JSON_FIELDS as readonly string[]).includes(field))
        throw new ConfigError([
          `regex: unknown group name "${group}" (known: request, ${JSON_FIELDS.join(', ')})`,
        ]);
      mapping[field] = { path: group, unit: u ? (u[2] as Unit) : undefined };
      this.map.push({ group, field });
    }
    if (this.map.length === 0) throw new ConfigError(['regex: the pattern has no named groups']);
    // Reuse the JSON mapper's conversions on the groups object.
    this.assign = new JsonLineParser(mapping);
  }

  parse(line: string): LineFields | undefined {
    const m = this.re.exec(line);
    if (!m || !m.groups) return undefined;
    const f = this.assign.fromObject(m.groups);
    const req = m.groups.request;
    if (req !== undefined) setRequestLine(f, req);
    return f;
  }
}
