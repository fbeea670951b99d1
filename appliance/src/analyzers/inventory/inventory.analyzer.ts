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
import { DEFAULT_TEMPLATER_SETTINGS, PathTemplater, type PathTemplate, type TemplateDecision, type TemplaterSettings } from './path.templater.ts';

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

/**
 * Statistics of one endpoint (one shape for all). A call usually touches this object alone: the first status code
 * and auth scheme seen are fields; others, and the query parameter map, are allocated when they occur.
 */
class EndpointStats {
  calls = 0;
  /** The first status code seen (0 = no response) and its calls. */
  status0 = -1;
  status0Calls = 0;
  /** Other status codes and their calls, at the same index. */
  statusCodes: number[] | null = null;
  statusCalls: number[] | null = null;
  first: number;
  last: number;
  /** The first auth scheme seen, and the others. */
  auth0 = '';
  authMore: string[] | null = null;
  query: Map<string, string> | null = null;
  /**
   * The CallEndpoint handed to calls of this node, shared between them (consumers treat it as read-only), so its
   * key is built once per template and later analyzers can look it up by identity; rebuilt when the template changes.
   */
  endpoint: CallEndpoint | null = null;
  /** The template object `endpoint` was built from. */
  endpointTpl: PathTemplate | null = null;
  /** Responses announced deprecation (`Deprecation` header) or retirement (`Sunset`). */
  deprecated = false;
  /** Deprecation date and sunset date in epoch ms (0 = none given). */
  deprecatedSince = 0;
  sunset = 0;
  /** Calls made once the endpoint was announced deprecated (at or after its date). */
  callsAfterDeprecation = 0;
  /** Merged shapes of sampled JSON request bodies and successful (2xx) response bodies. */
  requestShape: BodyShape | null = null;
  responseShape: BodyShape | null = null;
  /** Calls whose bodies were sampled. */
  bodySamples = 0;

  constructor(ts: number) {
    this.first = ts;
    this.last = ts;
  }

  /** Counts `n` calls answered with `status`. */
  addStatus(status: number, n: number): void {
    if (this.status0 === status || this.status0 < 0) {
      this.status0 = status;
      this.status0Calls += n;
      return;
    }
    this.statusCodes ??= [];
    this.statusCalls ??= [];
    const i = this.statusCodes.indexOf(status);
    if (i >= 0) this.statusCalls[i] += n;
    else {
      this.statusCodes.push(status);
      this.statusCalls.push(n);
    }
  }

  /** Notes an auth scheme. */
  addAuth(scheme: string): void {
    if (this.auth0 === scheme) return;
    if (this.auth0 === '') this.auth0 = scheme;
    else if (this.authMore === null) this.authMore = [scheme];
    else if (!this.authMore.includes(scheme)) this.authMore.push(scheme);
  }

  /** Status code → calls, in code order. */
  statuses(): Array<[number, number]> {
    const out: Array<[number, number]> = this.status0 < 0 ? [] : [[this.status0, this.status0Calls]];
    if (this.statusCodes !== null) for (let i = 0; i < this.statusCodes.length; i++) out.push([this.statusCodes[i], this.statusCalls![i]]);
    return out.sort((x, y) => x[0] - y[0]);
  }

  /** Auth schemes seen, sorted. */
  authSchemes(): string[] {
    return [...(this.auth0 === '' ? [] : [this.auth0]), ...(this.authMore ?? [])].sort();
  }
}

function mergeStats(a: unknown, b: unknown): unknown {
  const x = a as EndpointStats;
  const y = b as EndpointStats;
  x.calls += y.calls;
  for (const [code, n] of y.statuses()) x.addStatus(code, n);
  if (y.first < x.first) x.first = y.first;
  if (y.last > x.last) x.last = y.last;
  for (const s of y.authSchemes()) x.addAuth(s);
  if (y.query !== null) {
    x.query ??= new Map();
    for (const [name, type] of y.query) x.query.set(name, mergeType(x.query.get(name), type));
  }
  x.endpoint = null;
  x.endpointTpl = null;
  x.deprecated ||= y.deprecated;
  if (y.deprecatedSince !== 0 && (x.deprecatedSince === 0 || y.deprecatedSince < x.deprecatedSince)) x.deprecatedSince = y.deprecatedSince;
  if (y.sunset !== 0 && (x.sunset === 0 || y.sunset < x.sunset)) x.sunset = y.sunset;
  x.callsAfterDeprecation += y.callsAfterDeprecation;
  x.bodySamples += y.bodySamples;
  if (y.requestShape !== null) x.requestShape = x.requestShape === null ? y.requestShape : mergeShapes(x.requestShape, y.requestShape);
  if (y.responseShape !== null) x.responseShape = x.responseShape === null ? y.responseShape : mergeShapes(x.responseShape, y.responseShape);
  return x;
}

/** A parameter's example values for the report: distinct, at most {@link MAX_PARAM_EXAMPLES}, sensitive ones masked. */
function pathExamples(values: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    const shown = maskedExample(v, 'path', name);
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

  constructor(
    private readonly settings: InventorySettings = DEFAULT_INVENTORY_SETTINGS,
    /** User decisions on templates (pin, split, dissolve), honoured from the first call. */
    decisions: readonly TemplateDecision[] = [],
  ) {
    this.templater = new PathTemplater(settings.templater, mergeStats);
    if (decisions.length > 0) this.templater.setDecisions(decisions);
  }

  /** Replaces the user decisions while calls flow (live capture). */
  setDecisions(decisions: readonly TemplateDecision[]): void {
    this.templater.setDecisions(decisions);
  }

  onCall(call: CallContext): void {
    const tx = call.tx;
    const host = call.host;
    const node = this.templater.observe(host, tx.method, tx.path);
    const t = this.templater.templateOf(node);
    let st = node.data as EndpointStats | null;
    if (st === null) {
      st = new EndpointStats(tx.startTs);
      node.data = st;
    }
    let ep = st.endpoint;
    // A node belongs to one host and method, so the endpoint changes only with the template.
    if (ep === null || st.endpointTpl !== t) {
      ep = { key: `${host} ${tx.method} ${t.template}`, host, method: tx.method, template: t.template, inSpec: false };
      st.endpoint = ep;
      st.endpointTpl = t;
    }
    call.endpoint = ep;
    const calls = ++st.calls;
    const status = tx.status ?? 0;
    if (st.status0 === status) st.status0Calls++;
    else st.addStatus(status, 1);
    if (tx.startTs < st.first) st.first = tx.startTs;
    if (tx.startTs > st.last) st.last = tx.startTs;
    const scheme = call.auth?.scheme ?? 'none';
    if (st.auth0 !== scheme) st.addAuth(scheme);
    // Deprecation is a property of the endpoint: the first calls and then a sample of them are read for it, so most
    // calls do not build their response header list here.
    if (calls <= this.settings.headerFullCalls || calls % this.settings.headerSampleEvery === 0) {
      const headers = tx.responseHeaders;
      if (headers.length > 0) {
        const notice = deprecationNotice(headers);
        if (notice !== null) noteDeprecation(st, notice);
      }
    }
    if (st.deprecated && tx.startTs / 1000 >= st.deprecatedSince) st.callsAfterDeprecation++;
    if (++this.sinceBodySample >= this.settings.bodySampleGap && (st.bodySamples < this.settings.bodyFullCalls || st.calls % this.settings.bodySampleEvery === 0)) {
      this.sinceBodySample = 0;
      st.bodySamples++;
      noteBodies(tx, st, this.settings.bodyMaxBytes);
    }
    if (tx.query !== '' && (calls <= this.settings.queryFullCalls || calls % this.settings.querySampleEvery === 0)) {
      noteQuery(tx.query, (st.query ??= new Map()), this.settings.maxQueryParams);
    }
  }

  contribute(report: AnalysisReport): void {
    const list: ReportEndpoint[] = [];
    const zombies: ReportFinding[] = [];
    for (const { host, method, node } of this.templater.endpoints()) {
      const st = node.data as EndpointStats;
      const t = this.templater.templateOf(node);
      const params: ReportParam[] = t.params.map((p) => {
        const rp: ReportParam = { in: 'path', name: p.name, type: p.type };
        if (p.format !== undefined) rp.format = p.format;
        const examples = pathExamples(p.examples, p.name);
        if (examples.length > 0) rp.examples = examples;
        return rp;
      });
      if (st.query !== null) for (const [name, type] of [...st.query].sort((x, y) => x[0].localeCompare(y[0]))) params.push({ in: 'query', name, type });
      list.push({
        host,
        method,
        path: t.template,
        calls: st.calls,
        statuses: Object.fromEntries(st.statuses().map(([code, n]) => [code === 0 ? 'none' : String(code), n])),
        auth: st.authSchemes(),
        sensitive: [],
        params,
        inSpec: false,
        deprecated: false,
        risk: 0,
        firstSeen: isoTime(st.first),
        lastSeen: isoTime(st.last),
      });
      const last = list[list.length - 1];
      if (st.requestShape !== null) last.requestSchema = toJsonSchema(st.requestShape);
      if (st.responseShape !== null) last.responseSchema = toJsonSchema(st.responseShape);
      if (st.deprecated) {
        const e = last;
        e.deprecated = st.deprecatedSince <= st.last / 1000;
        e.deprecation = { since: st.deprecatedSince === 0 ? null : new Date(st.deprecatedSince).toISOString(), sunset: st.sunset === 0 ? null : new Date(st.sunset).toISOString(), source: 'header' };
        if (st.callsAfterDeprecation > 0) zombies.push(zombieFinding(e, st.callsAfterDeprecation));
      }
    }
    report.findings.push(...zombies);
    list.sort((x, y) => x.host.localeCompare(y.host) || x.path.localeCompare(y.path) || x.method.localeCompare(y.method));
    report.endpoints = list;
  }
}

/**
 * Notes what a response announced. A `Sunset` alone also marks the endpoint deprecated (retirement announced); a
 * `Deprecation` date in the future is kept as the date calls start to count as zombie calls.
 */
function noteDeprecation(st: EndpointStats, n: DeprecationNotice): void {
  st.deprecated = true;
  const since = n.deprecated ? n.since : n.sunset;
  if (since !== 0 && (st.deprecatedSince === 0 || since < st.deprecatedSince)) st.deprecatedSince = since;
  if (n.sunset !== 0 && (st.sunset === 0 || n.sunset < st.sunset)) st.sunset = n.sunset;
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
function noteBodies(tx: CallContext['tx'], st: EndpointStats, maxBytes: number): void {
  const req = tx.requestBody === null ? null : shapeOfBody(tx.requestBody.data, maxBytes);
  if (req !== null) st.requestShape = st.requestShape === null ? req : mergeShapes(st.requestShape, req);
  const status = tx.status ?? 0;
  if (status < 200 || status > 299 || tx.responseBody === null) return;
  const res = shapeOfBody(tx.responseBody.data, maxBytes);
  if (res !== null) st.responseShape = st.responseShape === null ? res : mergeShapes(st.responseShape, res);
}

/** Records the query parameter names of `query` with the type their value suggests. */
function noteQuery(query: string, into: Map<string, string>, max: number): void {
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name = eq < 0 ? pair : pair.slice(0, eq);
    if (name.includes('%') || name.includes('+')) {
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        /* keep the raw name */
      }
    }
    if (name === '' || name.length > 128) continue;
    const type = valueType(eq < 0 ? '' : pair.slice(eq + 1));
    const prev = into.get(name);
    if (prev === undefined && into.size >= max) continue;
    if (prev !== type) into.set(name, mergeType(prev, type));
  }
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
