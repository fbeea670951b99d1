/**
 * The inventory analyzer: learns endpoint templates from every call (path.templater.ts), tells later analyzers
 * which endpoint a call belongs to (`call.endpoint`), and aggregates per endpoint the calls, status distribution,
 * first/last seen, auth schemes and parameters (path parameters from the template, query parameters with types
 * inferred from their values), and deprecation announced by `Deprecation`/`Sunset` response headers (a zombie finding
 * when still called), and merged JSON schemas of sampled request and 2xx response bodies (body.schema.ts). Statistics live on the template tree's nodes, so when cardinality merges literals
 * into a parameter, their statistics merge with them; no raw path is kept.
 */
import { MAX_PARAM_EXAMPLES, type AnalysisReport, type ReportEndpoint, type ReportFinding, type ReportParam } from '../../analysis/analysis-report.types.ts';
import { maskedExample } from '../sensitive/sensitive.scanner.ts';
import { deprecationNotice, type DeprecationNotice } from './deprecation.headers.ts';
import { mergeShapes, shapeOfBody, toJsonSchema, type BodyShape } from './body.schema.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint } from '../call.context.ts';
import { DEFAULT_TEMPLATER_SETTINGS, ownString, PathTemplater, type TemplateDecision, type TemplaterSettings } from './path.templater.ts';

/** Inventory settings. */
export interface InventorySettings {
  templater: TemplaterSettings;
  /** Distinct query parameter names recorded per endpoint. */
  maxQueryParams: number;
  /** Query strings parsed per endpoint in full; after that one call in `querySampleEvery`. */
  queryFullCalls: number;
  querySampleEvery: number;
  /** Response headers read for `Deprecation`/`Sunset` per endpoint in full; after that one call in `headerSampleEvery`. */
  headerFullCalls: number;
  headerSampleEvery: number;
  /**
   * JSON bodies read for the merged schemas: the first `bodyFullCalls` samples of an endpoint, then its calls
   * numbered by a multiple of `bodySampleEvery`; and across endpoints at most one call in `bodySampleGap`.
   */
  bodyFullCalls: number;
  bodySampleEvery: number;
  bodySampleGap: number;
  /** Bodies larger than this are not parsed for the schema. */
  bodyMaxBytes: number;
}

/** Defaults. */
export const DEFAULT_INVENTORY_SETTINGS: InventorySettings = { templater: DEFAULT_TEMPLATER_SETTINGS, maxQueryParams: 64, queryFullCalls: 4, querySampleEvery: 32, headerFullCalls: 2, headerSampleEvery: 16, bodyFullCalls: 8, bodySampleEvery: 256, bodySampleGap: 256, bodyMaxBytes: 65_536 };

/** Float64 slots per endpoint in the analyzer's row array (the fields a call updates, on one 64-byte line). */
const ROW = 8;
const CALLS = 0;
const FIRST = 1;
const LAST = 2;
/** The first status code seen (0 = no response, -1 = none yet) and its calls. */
const STATUS0 = 3;
const STATUS0_CALLS = 4;
/** The first auth scheme seen, as an index into the analyzer's scheme list (-1 = none yet). */
const AUTH0 = 5;
/** Calls made once the endpoint was announced deprecated (at or after its date). */
const ZOMBIE_CALLS = 6;
/** The deprecation date in epoch ms from which calls count as zombie calls (+∞ while none was announced). */
const ZOMBIE_FROM = 7;

/**
 * What an endpoint rarely needs, allocated when it first occurs: other status codes and auth schemes, query
 * parameters, deprecation, body shapes.
 */
class EndpointCold {
  /** Other status codes than the first and their calls, at the same index. */
  statusCodes: number[] | null = null;
  statusCalls: number[] | null = null;
  /** Other auth schemes than the first. */
  authMore: string[] | null = null;
  /** Query parameter names and types (interned: shared by endpoints with the same ones). */
  query: QueryShape = NO_QUERY;
  /** Raw example values per query parameter: `MAX_PARAM_EXAMPLES` slots per name, in the shape's order. */
  queryExamples: string[] | null = null;
  /** Responses announced deprecation (`Deprecation` header) or retirement (`Sunset`). */
  deprecated = false;
  /** Deprecation date and sunset date in epoch ms (0 = none given). */
  deprecatedSince = 0;
  sunset = 0;
  /** Merged shapes of sampled JSON request bodies and successful (2xx) response bodies. */
  requestShape: BodyShape | null = null;
  responseShape: BodyShape | null = null;
  /** Calls whose bodies were sampled. */
  bodySamples = 0;
}

/** Query parameter names with their types; immutable, interned by the analyzer. */
class QueryShape {
  readonly index = new Map<string, number>();
  /** The shape this one becomes with a value of a type (outer key) for a name (inner key), once computed. */
  readonly next = new Map<string, Map<string, QueryShape>>();
  constructor(
    readonly names: readonly string[],
    readonly types: readonly string[],
  ) {
    for (let i = 0; i < names.length; i++) this.index.set(names[i], i);
  }
}

const NO_QUERY = new QueryShape([], []);

/** The data the analyzer keeps on an endpoint node: the CallEndpoint its calls get, with the endpoint's id. */
interface NodeEndpoint extends CallEndpoint {
  /** Index of the endpoint's row and cold part. */
  readonly id: number;
}

/** A parameter's example values for the report: distinct, at most {@link MAX_PARAM_EXAMPLES}, sensitive ones masked. */
function maskedExamples(values: readonly string[], where: 'path' | 'query', name: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    const shown = maskedExample(v, where, name);
    if (!out.includes(shown)) out.push(shown);
    if (out.length >= MAX_PARAM_EXAMPLES) break;
  }
  return out;
}

/** Discovers endpoints. */
export class InventoryAnalyzer implements Analyzer {
  readonly id = 'inventory';
  readonly templater: PathTemplater;
  /** Calls since a body was last sampled (any endpoint). */
  private sinceBodySample = Number.MAX_SAFE_INTEGER;
  /**
   * Per endpoint id (a tree node's `data`), {@link ROW} numbers: what every call updates, in one typed array the
   * garbage collector does not trace.
   */
  private rows = new Float64Array(ROW * 1024);
  private count = 0;
  /** Per endpoint id: what it rarely needs. */
  private readonly colds: Array<EndpointCold | null> = [];
  /** Auth schemes seen, by index (rows hold the index of an endpoint's first). */
  private readonly schemes: string[] = [];
  /** Hosts as strings of their own, by the request's host (so an endpoint does not keep a request head alive). */
  private readonly hosts = new Map<string, string>();
  /** Query shapes by their names and types, shared between endpoints. */
  private readonly queryShapes = new Map<string, QueryShape>();

  constructor(
    private readonly settings: InventorySettings = DEFAULT_INVENTORY_SETTINGS,
    /** User decisions on templates (pin, split, dissolve), honoured from the first call. */
    decisions: readonly TemplateDecision[] = [],
    /**
     * Internal: false keeps the templating stage alone (templates, endpoints and their call counts, which the templater
     * reads) and skips every other per-endpoint fact, so `bench:analysis --inventory-split` can time each part.
     */
    private readonly facts = true,
  ) {
    this.templater = new PathTemplater(
      settings.templater,
      (a, b) => this.merge(a as NodeEndpoint, b as NodeEndpoint),
      (node) => (node.data === null ? 0 : this.rows[(node.data as NodeEndpoint).id * ROW + CALLS]),
    );
    if (decisions.length > 0) this.templater.setDecisions(decisions);
  }

  /** Replaces the user decisions while calls flow (live capture). */
  setDecisions(decisions: readonly TemplateDecision[]): void {
    this.templater.setDecisions(decisions);
  }

  onCall(call: CallContext): void {
    const tx = call.tx;
    const templater = this.templater;
    const node = templater.observe(call.host, tx.method, tx.path);
    const ts = tx.startTs;
    // A repeated call whose templates did not change finds its endpoint with its cached walk, without its node.
    let ep = templater.walkData() as NodeEndpoint | null;
    if (ep === null) {
      const text = templater.templateText(node);
      ep = node.data as NodeEndpoint | null;
      // A node belongs to one host and method, so the endpoint changes only with the template text.
      if (ep === null || ep.template !== text) {
        ep = this.callEndpoint(call.host, tx.method, text, ep === null ? this.newEndpoint(ts) : ep.id);
        node.data = ep;
      }
      templater.rememberWalk(ep);
    }
    call.endpoint = ep;
    const id = ep.id;
    const r = this.rows;
    const o = id * ROW;
    const calls = ++r[o + CALLS];
    if (!this.facts) return;
    const status = tx.status ?? 0;
    if (r[o + STATUS0] === status) r[o + STATUS0_CALLS]++;
    else this.addStatus(id, status, 1);
    if (ts < r[o + FIRST]) r[o + FIRST] = ts;
    if (ts > r[o + LAST]) r[o + LAST] = ts;
    const scheme = call.auth?.scheme ?? 'none';
    const auth0 = r[o + AUTH0];
    if (auth0 < 0 || this.schemes[auth0 | 0] !== scheme) this.addAuth(id, scheme);
    // Deprecation is a property of the endpoint: the first calls and then a sample of them are read for it, so most
    // calls do not build their response header list here.
    if (calls <= this.settings.headerFullCalls || calls % this.settings.headerSampleEvery === 0) {
      const headers = tx.responseHeaders;
      if (headers.length > 0) {
        const notice = deprecationNotice(headers);
        if (notice !== null) this.noteDeprecation(id, notice);
      }
    }
    if (ts / 1000 >= r[o + ZOMBIE_FROM]) r[o + ZOMBIE_CALLS]++;
    if (++this.sinceBodySample >= this.settings.bodySampleGap) {
      const cold = this.cold(id);
      if (cold.bodySamples < this.settings.bodyFullCalls || calls % this.settings.bodySampleEvery === 0) {
        this.sinceBodySample = 0;
        cold.bodySamples++;
        noteBodies(tx, cold, this.settings.bodyMaxBytes);
      }
    }
    if (tx.query !== '' && (calls <= this.settings.queryFullCalls || calls % this.settings.querySampleEvery === 0)) this.noteQuery(tx.query, this.cold(id));
  }

  contribute(report: AnalysisReport): void {
    const list: ReportEndpoint[] = [];
    const zombies: ReportFinding[] = [];
    const r = this.rows;
    for (const { host, method, node } of this.templater.endpoints()) {
      const id = (node.data as NodeEndpoint).id;
      const o = id * ROW;
      const cold = this.colds[id];
      const t = this.templater.templateOf(node);
      const params: ReportParam[] = t.params.map((p) => {
        const rp: ReportParam = { in: 'path', name: p.name, type: p.type };
        if (p.format !== undefined) rp.format = p.format;
        const examples = maskedExamples(p.examples, 'path', p.name);
        if (examples.length > 0) rp.examples = examples;
        return rp;
      });
      if (cold !== null) params.push(...queryParams(cold));
      const e: ReportEndpoint = {
        host,
        method,
        path: t.template,
        calls: r[o + CALLS],
        statuses: Object.fromEntries(this.statuses(id).map(([code, n]) => [code === 0 ? 'none' : String(code), n])),
        auth: this.authSchemes(id),
        sensitive: [],
        params,
        inSpec: false,
        deprecated: false,
        risk: 0,
        firstSeen: isoTime(r[o + FIRST]),
        lastSeen: isoTime(r[o + LAST]),
      };
      list.push(e);
      if (cold === null) continue;
      if (cold.requestShape !== null) e.requestSchema = toJsonSchema(cold.requestShape);
      if (cold.responseShape !== null) e.responseSchema = toJsonSchema(cold.responseShape);
      if (cold.deprecated) {
        e.deprecated = cold.deprecatedSince <= r[o + LAST] / 1000;
        e.deprecation = { since: cold.deprecatedSince === 0 ? null : new Date(cold.deprecatedSince).toISOString(), sunset: cold.sunset === 0 ? null : new Date(cold.sunset).toISOString(), source: 'header' };
        if (r[o + ZOMBIE_CALLS] > 0) zombies.push(zombieFinding(e, r[o + ZOMBIE_CALLS]));
      }
    }
    report.findings.push(...zombies);
    list.sort((x, y) => x.host.localeCompare(y.host) || x.path.localeCompare(y.path) || x.method.localeCompare(y.method));
    report.endpoints = list;
  }

  /** A new endpoint id whose first call is at `ts`. */
  private newEndpoint(ts: number): number {
    const id = this.count++;
    if ((id + 1) * ROW > this.rows.length) {
      const grown = new Float64Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const o = id * ROW;
    const r = this.rows;
    r[o + FIRST] = ts;
    r[o + LAST] = ts;
    r[o + STATUS0] = -1;
    r[o + AUTH0] = -1;
    r[o + ZOMBIE_FROM] = Infinity;
    this.colds.push(null);
    return id;
  }

  /** The CallEndpoint of a template for endpoint `id`, its strings flat and of their own. */
  private callEndpoint(host: string, method: string, template: string, id: number): NodeEndpoint {
    let own = this.hosts.get(host);
    if (own === undefined) {
      own = ownString(host);
      this.hosts.set(own, own);
    }
    return { key: [own, method, template].join(' '), host: own, method, template, inSpec: false, id };
  }

  private cold(id: number): EndpointCold {
    return this.colds[id] ?? (this.colds[id] = new EndpointCold());
  }

  /** Counts `n` calls of endpoint `id` answered with `status`. */
  private addStatus(id: number, status: number, n: number): void {
    const o = id * ROW;
    if (this.rows[o + STATUS0] === status || this.rows[o + STATUS0] < 0) {
      this.rows[o + STATUS0] = status;
      this.rows[o + STATUS0_CALLS] += n;
      return;
    }
    const cold = this.cold(id);
    const codes = (cold.statusCodes ??= []);
    const calls = (cold.statusCalls ??= []);
    const i = codes.indexOf(status);
    if (i >= 0) calls[i] += n;
    else {
      codes.push(status);
      calls.push(n);
    }
  }

  /** Notes an auth scheme of endpoint `id`. */
  private addAuth(id: number, scheme: string): void {
    const o = id * ROW;
    if (this.rows[o + AUTH0] < 0) {
      let k = this.schemes.indexOf(scheme);
      if (k < 0) k = this.schemes.push(scheme) - 1;
      this.rows[o + AUTH0] = k;
      return;
    }
    if (this.schemes[this.rows[o + AUTH0]] === scheme) return;
    const more = (this.cold(id).authMore ??= []);
    if (!more.includes(scheme)) more.push(scheme);
  }

  /** Status code → calls of endpoint `id`, in code order. */
  private statuses(id: number): Array<[number, number]> {
    const o = id * ROW;
    const out: Array<[number, number]> = this.rows[o + STATUS0] < 0 ? [] : [[this.rows[o + STATUS0], this.rows[o + STATUS0_CALLS]]];
    const cold = this.colds[id];
    if (cold !== null && cold.statusCodes !== null) for (let i = 0; i < cold.statusCodes.length; i++) out.push([cold.statusCodes[i], cold.statusCalls![i]]);
    return out.sort((x, y) => x[0] - y[0]);
  }

  /** Auth schemes seen on endpoint `id`, sorted. */
  private authSchemes(id: number): string[] {
    const a = this.rows[id * ROW + AUTH0];
    return [...(a < 0 ? [] : [this.schemes[a]]), ...(this.colds[id]?.authMore ?? [])].sort();
  }

  /**
   * Merges the endpoint of node `eb` into that of node `ea` (their nodes merged by cardinality; `eb`'s id is not used
   * again). The merged node's template changes, so its calls get a new CallEndpoint.
   */
  private merge(ea: NodeEndpoint, eb: NodeEndpoint): NodeEndpoint {
    const a = ea.id;
    const b = eb.id;
    const r = this.rows;
    const x = a * ROW;
    const y = b * ROW;
    r[x + CALLS] += r[y + CALLS];
    for (const [code, n] of this.statuses(b)) this.addStatus(a, code, n);
    if (r[y + FIRST] < r[x + FIRST]) r[x + FIRST] = r[y + FIRST];
    if (r[y + LAST] > r[x + LAST]) r[x + LAST] = r[y + LAST];
    for (const s of this.authSchemes(b)) this.addAuth(a, s);
    r[x + ZOMBIE_CALLS] += r[y + ZOMBIE_CALLS];
    const from = this.colds[b];
    this.colds[b] = null;
    if (from === null) return ea;
    const into = this.cold(a);
    if (from.query !== NO_QUERY) {
      for (let i = 0; i < from.query.names.length; i++) {
        const name = from.query.names[i];
        const k = this.queryParam(into, name, from.query.types[i]);
        if (k < 0) continue;
        for (let j = 0; j < MAX_PARAM_EXAMPLES; j++) {
          const v = from.queryExamples?.[i * MAX_PARAM_EXAMPLES + j];
          if (v !== undefined && v !== '') addQueryExample(into, k, v);
        }
      }
    }
    into.deprecated ||= from.deprecated;
    if (from.deprecatedSince !== 0 && (into.deprecatedSince === 0 || from.deprecatedSince < into.deprecatedSince)) into.deprecatedSince = from.deprecatedSince;
    if (from.sunset !== 0 && (into.sunset === 0 || from.sunset < into.sunset)) into.sunset = from.sunset;
    into.bodySamples += from.bodySamples;
    if (from.requestShape !== null) into.requestShape = into.requestShape === null ? from.requestShape : mergeShapes(into.requestShape, from.requestShape);
    if (from.responseShape !== null) into.responseShape = into.responseShape === null ? from.responseShape : mergeShapes(into.responseShape, from.responseShape);
    if (into.deprecated) r[x + ZOMBIE_FROM] = into.deprecatedSince;
    return ea;
  }

  /**
   * Notes what a response announced. A `Sunset` alone also marks the endpoint deprecated (retirement announced); a
   * `Deprecation` date in the future is kept as the date calls start to count as zombie calls.
   */
  private noteDeprecation(id: number, n: DeprecationNotice): void {
    const cold = this.cold(id);
    cold.deprecated = true;
    const since = n.deprecated ? n.since : n.sunset;
    if (since !== 0 && (cold.deprecatedSince === 0 || since < cold.deprecatedSince)) cold.deprecatedSince = since;
    if (n.sunset !== 0 && (cold.sunset === 0 || n.sunset < cold.sunset)) cold.sunset = n.sunset;
    this.rows[id * ROW + ZOMBIE_FROM] = cold.deprecatedSince;
  }

  /** Records the query parameter names of `query` with the type their value suggests, and example values. */
  private noteQuery(query: string, cold: EndpointCold): void {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
      if (name === '' || name.length > 128) continue;
      const raw = eq < 0 ? '' : pair.slice(eq + 1);
      const k = this.queryParam(cold, name, valueType(raw));
      if (k >= 0 && raw !== '' && raw.length <= MAX_QUERY_EXAMPLE) addQueryExample(cold, k, decodeQueryPart(raw));
    }
  }

  /**
   * The index of query parameter `name` in `cold.query` after noting a value of `type` (the shape is replaced by the
   * interned one with the name added or its type widened), or -1 when the endpoint has its most names already.
   */
  private queryParam(cold: EndpointCold, name: string, type: string): number {
    const shape = cold.query;
    const k = shape.index.get(name);
    if (k !== undefined && shape.types[k] === type) return k;
    if (k === undefined && shape.names.length >= this.settings.maxQueryParams) return -1;
    let byName = shape.next.get(type);
    const known = byName?.get(name);
    if (known !== undefined) {
      cold.query = known;
      return known.index.get(name)!;
    }
    const names = k === undefined ? [...shape.names, ownString(name)] : shape.names;
    const types = [...shape.types];
    if (k === undefined) types.push(type);
    else types[k] = mergeType(types[k], type);
    const key = JSON.stringify([names, types]);
    let next = this.queryShapes.get(key);
    if (next === undefined) {
      next = new QueryShape(names, types);
      this.queryShapes.set(key, next);
    }
    cold.query = next;
    if (byName === undefined) shape.next.set(type, (byName = new Map()));
    byName.set(next.names[k ?? names.length - 1], next);
    return k ?? names.length - 1;
  }
}

/** Query values longer than this are not kept as examples. */
const MAX_QUERY_EXAMPLE = 256;

/** Adds a raw example value of query parameter number `k`, unless known or the parameter has its examples. */
function addQueryExample(cold: EndpointCold, k: number, value: string): void {
  const at = k * MAX_PARAM_EXAMPLES;
  const ex = (cold.queryExamples ??= []);
  for (let j = 0; j < MAX_PARAM_EXAMPLES; j++) {
    const v = ex[at + j];
    if (v === value) return;
    if (v === undefined || v === '') {
      while (ex.length < at) ex.push('');
      ex[at + j] = ownString(value);
      return;
    }
  }
}

/** The query parameters of an endpoint for the report, by name, with masked examples. */
function queryParams(cold: EndpointCold): ReportParam[] {
  const out: ReportParam[] = [];
  const { names, types } = cold.query;
  for (let i = 0; i < names.length; i++) {
    const raw = (cold.queryExamples ?? []).slice(i * MAX_PARAM_EXAMPLES, (i + 1) * MAX_PARAM_EXAMPLES).filter((v) => v !== '');
    const p: ReportParam = { in: 'query', name: names[i], type: types[i] };
    const examples = maskedExamples(raw, 'query', names[i]);
    if (examples.length > 0) p.examples = examples;
    out.push(p);
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

/** A query name or value, `+` and percent escapes decoded (kept as sent when an escape is bad). */
function decodeQueryPart(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The `zombie_api` finding of an endpoint its own responses announce deprecated. */
function zombieFinding(e: ReportEndpoint, calls: number): ReportFinding {
  const d = e.deprecation!;
  const what = [d.since === null ? 'Deprecation' : `Deprecation ${d.since.slice(0, 10)}`, ...(d.sunset === null ? [] : [`Sunset ${d.sunset.slice(0, 10)}`])].join(', ');
  return {
    type: 'zombie_api', category: 'inventory', severity: e.sensitive.length > 0 ? 'high' : 'medium', host: e.host, method: e.method, path: e.path, client: '',
    count: calls, firstSeen: e.firstSeen, lastSeen: e.lastSeen,
    evidence: `responses announce deprecation (${what}) but it was still called ${calls} times`,
  };
}

/** Merges the shapes of a call's JSON request body and successful response body into the endpoint's. */
function noteBodies(tx: CallContext['tx'], st: EndpointCold, maxBytes: number): void {
  const req = tx.requestBody === null ? null : shapeOfBody(tx.requestBody.data, maxBytes);
  if (req !== null) st.requestShape = st.requestShape === null ? req : mergeShapes(st.requestShape, req);
  const status = tx.status ?? 0;
  if (status < 200 || status > 299 || tx.responseBody === null) return;
  const res = shapeOfBody(tx.responseBody.data, maxBytes);
  if (res !== null) st.responseShape = st.responseShape === null ? res : mergeShapes(st.responseShape, res);
}

/** The JSON-schema type a query value suggests. */
function valueType(v: string): string {
  if (v === '') return 'string';
  if (/^-?\d{1,15}$/.test(v)) return 'integer';
  if (/^-?\d+\.\d+$/.test(v)) return 'number';
  if (v === 'true' || v === 'false') return 'boolean';
  return 'string';
}

/** Two observations of one parameter: integers widen to numbers, anything else to strings. */
function mergeType(a: string | undefined, b: string): string {
  if (a === undefined || a === b) return b;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  return 'string';
}
