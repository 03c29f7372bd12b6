// SPDX-License-Identifier: Apache-2.0
// Raw paths → route templates with bounded cardinality: query strings stripped, known LLM API
// routes kept, id-like segments replaced by `{id}`, and once `maxRoutes` distinct templates
// were seen, any new one becomes `other`.
import { detach } from './values.js';

const KNOWN = [
  '/v1/chat/completions',
  '/v1/completions',
  '/v1/embeddings',
  '/v1/models',
  '/v1/responses',
  '/v1/messages',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/audio/transcriptions',
  '/v1/audio/speech',
  '/chat/completions',
  '/completions',
  '/embeddings',
  '/models',
];

export const OTHER_ROUTE = 'other';

export class RouteNormalizer {
  private readonly known: Map<string, string>;
  private readonly templates = new Set<string>();
  private readonly cache = new Map<string, string>();
  private readonly userTemplates: Array<{ re: RegExp; template: string }>;

  constructor(
    private readonly maxRoutes = 100,
    templates: readonly string[] = [],
  ) {
    this.known = new Map(KNOWN.map((k) => [k, k]));
    this.userTemplates = templates.map((t) => ({
      template: t,
      re: new RegExp(
        `^${t
          .split(/\{[^}]+\}/)
          .map(escapeRe)
          .join('[^/]+')}/?$`,
      ),
    }));
  }

  normalize(path: string | undefined): string {
    if (path === undefined || path.length === 0) return OTHER_ROUTE;
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit;
    const t = this.compute(path);
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(detach(path), t);
    return t;
  }

  private compute(raw: string): string {
    let path = raw;
    const q = path.indexOf('?');
    if (q >= 0) path = path.slice(0, q);
    const h = path.indexOf('#');
    if (h >= 0) path = path.slice(0, h);
    if (path.charCodeAt(0) !== 47 /* / */) {
      // Absolute-form request targets (`http://host/v1/...`) keep their path only.
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(path);
      if (!m) return OTHER_ROUTE;
      path = m[1] ?? '/';
    }
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const known = this.known.get(path);
    if (known) return known;
    for (const u of this.userTemplates) if (u.re.test(path)) return u.template;
    if (path.startsWith('/v1/models/')) return '/v1/models/{model}';
    const segments = path.split('/');
    if (segments.length > 8) return OTHER_ROUTE;
    const template = segments.map((s) => (isIdLike(s) ? '{id}' : s.length > 64 ? '{long}' : s)).join('/');
    if (this.templates.has(template)) return template;
    if (this.templates.size >= this.maxRoutes) return OTHER_ROUTE;
    // Only printable ASCII makes a template; anything else is junk (TLS hellos, binary).
    if (!/^[\x21-\x7e]*$/.test(template)) return OTHER_ROUTE;
    this.templates.add(template);
    return template;
  }
}

function isIdLike(s: string): boolean {
  if (s.length === 0) return false;
  if (/^\d+$/.test(s)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return true;
  if (s.length >= 16 && /^[A-Za-z0-9_-]+$/.test(s) && /\d/.test(s)) return true;
  return false;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
