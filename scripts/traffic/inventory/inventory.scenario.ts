/**
 * Generated API traffic with ground-truth endpoint templates, for scoring endpoint discovery
 * (`npm run score:inventory`). Several API styles — numeric ids, UUIDs, slugs with static siblings, nested
 * resources, versioned and date-versioned paths, hashes and ObjectIds, snowflake ids, literal suffixes after a value
 * (`{messageSid}.json`, `{fileId}.pdf`, `{userId}:activate`), a literal prefix before one (`thumbnail.{extension}`) —
 * and, when given, the real
 * OpenAPI specs of the shared corpus (every GET/POST operation filled with plausible values). Each template is called
 * with many distinct values so cardinality can decide; static siblings are called often enough to stay literal.
 * Deterministic by seed.
 */
import { ScenarioBuilder } from '../scenario.builder.ts';
import type { Scenario } from '../scenario.types.ts';
import type { SeededRandom } from '../seeded.random.ts';
import type { DeclaredSpec } from '../../../appliance/src/specs/spec.loader.ts';

/** One true endpoint: host, method, template with `{}` for every parameter, and how to fill it. */
export interface TrueEndpoint {
  host: string;
  method: string;
  /** Template with named parameters, e.g. `/v1/users/{userId}`. */
  template: string;
  /** A literal endpoint next to parameterised siblings (must stay literal). */
  staticSibling: boolean;
}

/** A generated scenario and its truth. */
export interface InventoryScenario {
  scenario: Scenario;
  truth: TrueEndpoint[];
}

type Filler = (rng: SeededRandom, i: number) => string;

const WORDS = ['red', 'blue', 'ocean', 'summer', 'garden', 'tiger', 'silver', 'maple', 'delta', 'river', 'stone', 'cloud', 'amber', 'north', 'pixel', 'lotus', 'cedar', 'ember', 'harbor', 'meadow'];

const fill: Record<string, Filler> = {
  int: (r) => String(r.int(1, 9_999_999)),
  uuid: (r) => `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)}`,
  slug: (r, i) => `${r.pick(WORDS)}-${r.pick(WORDS)}-${i}`,
  hash: (r) => r.hex(40),
  objectId: (r) => r.hex(24),
  snowflake: (r) => String(1_500_000_000_000_000_000n + BigInt(r.int(0, 2 ** 31))),
  sid: (r) => `AC${r.hex(32)}`,
  date: (r) => `2024-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
  word: (r, i) => `${r.pick(WORDS)}${i}`,
};

/** The project's own API styles: template with `{name:kind}` parameters. */
const STYLES: Array<{ host: string; method: string; path: string; static?: boolean }> = [
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/products/{product:slug}' },
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/products/search', static: true },
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/products/featured', static: true },
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/users/{userId:int}' },
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/users/me', static: true },
  { host: 'shop.example.com', method: 'GET', path: '/api/v1/users/{userId:int}/orders/{orderId:uuid}' },
  { host: 'shop.example.com', method: 'POST', path: '/api/v1/users/{userId:int}/orders' },
  { host: 'shop.example.com', method: 'GET', path: '/api/v2/categories/{category:word}/items' },
  { host: 'git.example.com', method: 'GET', path: '/repos/{owner:word}/{repo:slug}/commits/{sha:hash}' },
  { host: 'git.example.com', method: 'GET', path: '/repos/{owner:word}/{repo:slug}/issues/{number:int}' },
  { host: 'docs.example.com', method: 'GET', path: '/v1/documents/{docId:objectId}' },
  { host: 'docs.example.com', method: 'GET', path: '/v1/messages/{messageId:snowflake}' },
  { host: 'telco.example.com', method: 'GET', path: '/2010-04-01/Accounts/{accountSid:sid}/Calls.json' },
  { host: 'telco.example.com', method: 'GET', path: '/2010-04-01/Accounts/{accountSid:sid}/Messages/{messageSid:sid}.json' },
  { host: 'stats.example.com', method: 'GET', path: '/api/reports/daily/{day:date}' },
  { host: 'files.example.com', method: 'GET', path: '/files/{fileId:int}' },
  { host: 'files.example.com', method: 'GET', path: '/files/{fileId:int}.pdf' },
  { host: 'files.example.com', method: 'GET', path: '/exports/{name:slug}.csv' },
  { host: 'files.example.com', method: 'GET', path: '/images/{imageId:int}/thumbnail.{extension:word}' },
  { host: 'iam.example.com', method: 'GET', path: '/v1/users/{userId:uuid}' },
  { host: 'iam.example.com', method: 'POST', path: '/v1/users/{userId:uuid}:activate' },
  { host: 'iam.example.com', method: 'POST', path: '/v1/projects/{project:slug}:undelete' },
];

/** The filler for a spec parameter: by its declared type and name. */
function specFiller(name: string, type: string): Filler {
  if (type === 'integer' || type === 'number') return fill.int;
  if (/uuid|guid/i.test(name)) return fill.uuid;
  if (/sid$/i.test(name)) return fill.sid;
  if (/id$/i.test(name)) return fill.objectId;
  return fill.slug;
}

function render(template: string, fillers: Map<string, Filler>, rng: SeededRandom, i: number): string {
  return template.replace(/\{([^}:]+)(?::[^}]+)?\}/g, (_m, name: string) => encodeURIComponent((fillers.get(name) ?? fill.slug)(rng, i)));
}

/**
 * Builds the scenario: `callsPerTemplate` calls per parameterised template (distinct values), 3× that per static
 * sibling; `specs` adds the corpus specs' GET and POST operations (host from the spec's servers).
 */
export function generateInventoryScenario(seed: number, opts: { callsPerTemplate?: number; specs?: DeclaredSpec[] } = {}): InventoryScenario {
  const b = new ScenarioBuilder(seed);
  const n = opts.callsPerTemplate ?? 40;
  const items: Array<{ host: string; method: string; template: string; fillers: Map<string, Filler>; static: boolean }> = [];
  for (const s of STYLES) {
    const fillers = new Map<string, Filler>();
    const template = s.path.replace(/\{([^}:]+):([^}]+)\}/g, (_m, name: string, kind: string) => {
      fillers.set(name, fill[kind]);
      return `{${name}}`;
    });
    items.push({ host: s.host, method: s.method, template, fillers, static: s.static === true });
  }
  for (const spec of opts.specs ?? []) {
    const host = spec.hosts[0] ?? 'api.example.com';
    for (const op of spec.operations) {
      if (op.method !== 'GET' && op.method !== 'POST') continue;
      // `/files/{id}#get_shared_link`: a fragment only tells spec operations apart; HTTP never carries it.
      if (op.template.includes('#')) continue;
      const fillers = new Map<string, Filler>();
      for (const p of op.params) if (p.in === 'path') fillers.set(p.name, specFiller(p.name, p.type));
      const isStatic = !op.template.includes('{');
      items.push({ host: op.hosts[0] ?? host, method: op.method, template: op.template, fillers, static: isStatic });
    }
  }
  // Interleave calls across templates over a few keep-alive connections per host, as clients would.
  const calls: Array<{ host: string; method: string; uri: string }> = [];
  for (const it of items) {
    const count = it.static ? n * 3 : n;
    for (let i = 0; i < count; i++) calls.push({ host: it.host, method: it.method, uri: render(it.template, it.fillers, b.rng, i) });
  }
  for (let i = calls.length - 1; i > 0; i--) {
    const j = b.rng.int(0, i);
    [calls[i], calls[j]] = [calls[j], calls[i]];
  }
  const conns = new Map<string, ReturnType<ScenarioBuilder['conn']>[]>();
  let k = 0;
  for (const c of calls) {
    let list = conns.get(c.host);
    if (list === undefined) {
      const server = `10.30.${conns.size}.10`;
      list = Array.from({ length: 4 }, (_, x) => b.conn({ clientIp: `192.168.7.${x + 10}`, serverIp: server }));
      conns.set(c.host, list);
    }
    const conn = list[k++ % list.length];
    const body = c.method === 'POST' ? '{"name":"x"}' : null;
    conn.exchange(
      { method: c.method, uri: c.uri, host: c.host, headers: body === null ? [] : [['Content-Type', 'application/json']], body },
      { status: c.method === 'POST' ? 201 : 200, headers: [['Content-Type', 'application/json']], body: '{"ok":true}' },
      { thinkUs: 2000 },
    );
  }
  const truth = items.map((it) => ({ host: it.host, method: it.method, template: it.template, staticSibling: it.static && items.some((o) => o !== it && o.host === it.host && !o.static && sameParent(o.template, it.template)) }));
  return { scenario: b.build({ name: 'inventory-styles', description: 'API styles with ground-truth templates', formats: ['pcap'], lossy: false, notes: 'every call is complete' }, seed), truth };
}

function sameParent(a: string, b: string): boolean {
  const pa = a.split('/');
  const pb = b.split('/');
  return pa.length === pb.length && pa.slice(0, -1).join('/') === pb.slice(0, -1).join('/');
}
