/**
 * API-like content for generated traffic: hosts (some on :8080, some with upper-case Host headers), REST paths with
 * numeric / UUID / slug identifiers and query strings, JSON bodies, and the headers real clients send (bearer
 * tokens, cookies, user agents). Deterministic for a given random source.
 */
import type { Headers, RequestSpec, ResponseSpec } from './http-message.builder.ts';
import type { SeededRandom } from './seeded.random.ts';

/** One API host as clients address it. */
export interface ApiHost {
  /** Host header value as sent (may have upper case letters or a port). */
  header: string;
  /** What the engine must report: lower case, no ":80". */
  normalized: string;
  port: number;
  ip: string;
}

const RESOURCES = ['users', 'orders', 'products', 'accounts', 'invoices', 'payments', 'customers', 'carts', 'sessions', 'devices'];
const SUBS = ['items', 'addresses', 'history', 'comments', 'permissions', 'attachments'];
const SLUGS = ['summer-sale', 'blue-widget-2000', 'getting-started', 'terms-of-service', 'red-shoes', 'api-v2-migration'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'MyShop-iOS/5.2.1 CFNetwork/1485 Darwin/23.1.0',
];
const NAMES = ['Zhang Wei', 'Li Na', 'Alice Martin', 'Bob Stone', 'Wang Fang', 'Chen Jie', 'Maria Garcia'];

/** Lower-cases a Host header value and drops a default ":80". */
export function normalizeHost(header: string): string {
  const h = header.toLowerCase();
  return h.endsWith(':80') ? h.slice(0, -3) : h;
}

/** Generates API hosts, requests and responses. */
export class ApiContent {
  private readonly rng: SeededRandom;

  constructor(rng: SeededRandom) {
    this.rng = rng;
  }

  /** A list of `n` distinct API hosts on 10.20.x.y; about a quarter on :8080, some with mixed-case Host headers. */
  hosts(n: number): ApiHost[] {
    const names = ['api', 'shop-api', 'payments', 'auth', 'orders', 'catalog', 'partner-gw', 'mobile-bff', 'admin', 'search'];
    const out: ApiHost[] = [];
    for (let i = 0; i < n; i++) {
      const base = `${names[i % names.length]}${i >= names.length ? i : ''}.example.com`;
      const port = i % 4 === 1 ? 8080 : 80;
      let header = port === 8080 ? `${base}:8080` : base;
      if (i % 3 === 2) header = header.replace(/^./, (c) => c.toUpperCase()).replace('.example.', '.Example.');
      if (i % 5 === 4 && port === 80) header = `${header}:80`;
      out.push({ header, normalized: normalizeHost(header), port, ip: `10.20.${Math.floor(i / 200)}.${(i % 200) + 10}` });
    }
    return out;
  }

  /** A REST identifier: number, UUID or slug. */
  id(): string {
    const r = this.rng.next();
    if (r < 0.5) return String(this.rng.int(1, 9_999_999));
    if (r < 0.8) return this.rng.uuid();
    return this.rng.pick(SLUGS);
  }

  /** A REST path such as /api/v1/orders/123/items, optionally with a query string. */
  path(): string {
    const version = this.rng.pick(['/api/v1', '/api/v2', '/v1', '/rest']);
    const res = this.rng.pick(RESOURCES);
    const r = this.rng.next();
    let p: string;
    if (r < 0.3) p = `${version}/${res}`;
    else if (r < 0.75) p = `${version}/${res}/${this.id()}`;
    else p = `${version}/${res}/${this.id()}/${this.rng.pick(SUBS)}`;
    if (this.rng.chance(0.3)) {
      p += `?page=${this.rng.int(1, 50)}&limit=${this.rng.pick([10, 20, 50, 100])}`;
      if (this.rng.chance(0.3)) p += `&q=${encodeURIComponent(this.rng.pick(NAMES))}&sort=-created_at`;
    }
    return p;
  }

  /** A fake JWT (three base64url parts; the signature is random). */
  jwt(): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = b64({ sub: `user-${this.rng.int(1, 5000)}`, iat: 1_700_000_000, exp: 1_700_003_600, scope: 'read write' });
    return `${header}.${payload}.${Buffer.from(this.rng.hex(64), 'hex').toString('base64url')}`;
  }

  /** Client headers: user agent, accept, and usually a bearer token or a session cookie. */
  clientHeaders(): Headers {
    const h: Headers = [
      ['User-Agent', this.rng.pick(AGENTS)],
      ['Accept', 'application/json'],
    ];
    const r = this.rng.next();
    if (r < 0.5) h.push(['Authorization', `Bearer ${this.jwt()}`]);
    else if (r < 0.8) h.push(['Cookie', `session=${this.rng.hex(32)}; theme=dark; _ga=GA1.2.${this.rng.int(1e8, 9e8)}`]);
    else h.push(['X-API-Key', `ak_live_${this.rng.hex(24)}`]);
    if (this.rng.chance(0.3)) h.push(['Accept-Encoding', 'gzip, deflate, br']);
    if (this.rng.chance(0.2)) h.push(['X-Request-ID', this.rng.uuid()]);
    return h;
  }

  /** A JSON object of roughly `size` bytes, with personal-data-like fields. */
  json(size: number): string {
    const items: unknown[] = [];
    let s = '';
    let i = 0;
    do {
      items.push({
        id: this.rng.int(1, 1_000_000),
        name: this.rng.pick(NAMES),
        email: `user${this.rng.int(1, 99999)}@example.com`,
        phone: `13${this.rng.int(100000000, 999999999)}`,
        amount: Math.round(this.rng.next() * 100000) / 100,
        status: this.rng.pick(['active', 'pending', 'closed']),
        tags: [this.rng.pick(SLUGS)],
        createdAt: new Date(1_700_000_000_000 + i * 3_600_000).toISOString(),
      });
      s = JSON.stringify({ data: items, page: 1, total: items.length });
      i++;
    } while (s.length < size);
    return s;
  }

  /** A random API request on `host` (GET mostly; JSON POST/PUT/PATCH; DELETE). */
  request(host: ApiHost): RequestSpec {
    const r = this.rng.next();
    const method = r < 0.6 ? 'GET' : r < 0.78 ? 'POST' : r < 0.88 ? 'PUT' : r < 0.94 ? 'PATCH' : 'DELETE';
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    return {
      method,
      uri: this.path(),
      host: host.header,
      headers: this.clientHeaders(),
      body: hasBody ? this.json(this.rng.int(40, 600)) : null,
    };
  }

  /** A plausible response to `req`: mostly 200/201 JSON, some 204/404/401/500. */
  response(req: RequestSpec): ResponseSpec {
    const r = this.rng.next();
    const headers: Headers = [
      ['Date', 'Tue, 14 Nov 2023 22:13:20 GMT'],
      ['Server', this.rng.pick(['nginx/1.25.3', 'envoy', 'Kestrel', 'gunicorn'])],
    ];
    if (this.rng.chance(0.3)) headers.push(['Cache-Control', 'no-store']);
    if (req.method === 'DELETE') return { status: r < 0.8 ? 204 : 404, headers, body: r < 0.8 ? null : '{"error":"not_found"}' };
    if (r < 0.05) return { status: 401, headers, body: '{"error":"invalid_token"}' };
    if (r < 0.08) return { status: 500, headers, body: '{"error":"internal"}' };
    if (r < 0.12) return { status: 404, headers, body: '{"error":"not_found"}' };
    const status = req.method === 'POST' ? 201 : 200;
    return { status, headers, body: this.json(this.rng.int(100, 3000)) };
  }
}
