/**
 * Generated traffic for sensitive-data detection, with its ground truth. Deterministic by seed; a new seed gives
 * endpoints, field names, placements and values never seen before. Each endpoint carries 1–3 sensitive types, each
 * placed in one location of the request or response — path, query, request header, cookie, form, multipart, JSON
 * (nested, arrays), XML, response JSON (plain, gzip, chunked), response XML, response header — mixed with decoys;
 * some endpoints carry only decoys (look-alikes that must not be reported). Some endpoints are called without
 * credentials, and some place a token or password in the query string.
 */
import { ScenarioBuilder } from '../scenario.builder.ts';
import type { Headers, RequestSpec, ResponseSpec } from '../http-message.builder.ts';
import type { Scenario } from '../scenario.types.ts';
import type { SeededRandom } from '../seeded.random.ts';
import { detectorById } from '../../../appliance/src/analyzers/sensitive/detector.registry.ts';
import { LocationBit, type SensitiveLocation } from '../../../appliance/src/analyzers/sensitive/detector.types.ts';
import { VALUE_KINDS, decoy, jwt, type ValueKind } from './sensitive-values.generator.ts';

/** Where a value is placed. */
export type Placement =
  | 'path'
  | 'query'
  | 'header'
  | 'cookie'
  | 'form'
  | 'multipart'
  | 'json-request'
  | 'xml-request'
  | 'json-response'
  | 'json-gzip-response'
  | 'json-chunked-response'
  | 'xml-response'
  | 'response-header';

/** Every placement, in a fixed order. */
export const PLACEMENTS: readonly Placement[] = [
  'path', 'query', 'header', 'cookie', 'form', 'multipart', 'json-request', 'xml-request', 'json-response',
  'json-gzip-response', 'json-chunked-response', 'xml-response', 'response-header',
];

const SCANNER_LOCATION: Record<Placement, SensitiveLocation> = {
  path: 'path',
  query: 'query',
  header: 'header',
  cookie: 'cookie',
  form: 'form',
  multipart: 'multipart',
  'json-request': 'json',
  'xml-request': 'xml',
  'json-response': 'json',
  'json-gzip-response': 'json',
  'json-chunked-response': 'json',
  'xml-response': 'xml',
  'response-header': 'header',
};

/** One placed type of an endpoint. */
export interface PlacedType {
  type: string;
  placement: Placement;
  field: string;
}

/** Ground truth of one endpoint. */
export interface EndpointTruth {
  host: string;
  method: string;
  /** The raw paths it was called with (the report lists raw paths until templating applies). */
  paths: string[];
  /** Types it carries. Empty for decoy-only endpoints. */
  types: string[];
  placed: PlacedType[];
  /** Only decoys: nothing may be reported. */
  decoyOnly: boolean;
  /** Called without any credential. */
  unauthenticated: boolean;
  /** The raw values placed outside the URL path (to check that none leaks into a report). */
  values: string[];
}

/** A generated scenario with its truth. */
export interface SensitiveScenario {
  scenario: Scenario;
  truth: EndpointTruth[];
}

/** Options of {@link buildSensitiveScenario}. */
export interface SensitiveScenarioOptions {
  /** Endpoints carrying data (default 40). */
  endpoints?: number;
  /** Decoy-only endpoints (default 12). */
  decoyEndpoints?: number;
  /** Calls per endpoint (default 3). */
  callsPerEndpoint?: number;
}

const RESOURCES = ['customers', 'accounts', 'members', 'loans', 'claims', 'orders', 'profiles', 'payees', 'merchants', 'staff', 'patients', 'tenants'];
const ACTIONS = ['detail', 'export', 'search', 'verify', 'bind', 'query', 'submit', 'list'];
const HOSTS = ['bank-api.example.cn', 'gov-portal.example.cn', 'crm.example.com', 'pay-gw.example.com'];

const REQUEST_BODY: readonly Placement[] = ['form', 'multipart', 'json-request', 'xml-request'];

function allowed(kind: ValueKind, p: Placement): boolean {
  const d = detectorById(kind.type);
  if (d === undefined) return false;
  // a secret in a request header or cookie is the call's own credential, not data the endpoint carries
  if (d.secret && (p === 'header' || p === 'cookie')) return false;
  if (p === 'path' && !kind.pathable) return false;
  if ((p === 'header' || p === 'response-header' || p === 'cookie' || p === 'query' || p === 'path') && /[^\x20-\x7e]/.test(kind.names.join(''))) return false;
  if (kind.type === 'private_key' && !['json-request', 'json-response', 'json-gzip-response', 'json-chunked-response', 'xml-response', 'multipart'].includes(p)) return false;
  return (d.locations & LocationBit[SCANNER_LOCATION[p]]) !== 0;
}

function asciiName(kind: ValueKind, rng: SeededRandom): string {
  const ascii = kind.names.filter((n) => /^[\x20-\x7e]+$/.test(n));
  return rng.pick(ascii.length > 0 ? ascii : kind.names);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toXml(root: string, fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${root}><item>${inner}</item></${root}>`;
}

interface CallPlan {
  path: string;
  query: Array<[string, string]>;
  reqHeaders: Headers;
  cookies: Array<[string, string]>;
  form: Array<[string, string]> | null;
  multipart: Array<[string, string]> | null;
  reqJson: Record<string, string | number> | null;
  reqXml: Record<string, string | number> | null;
  resFields: Record<string, string | number>;
  resItems: number;
  resMode: 'json' | 'gzip' | 'chunked' | 'xml';
  resHeaders: Headers;
}

/** The scenario's catalogue description. */
export const SENSITIVE_SCENARIO_INFO = {
  name: 'sensitive-data',
  description: 'Sensitive values (CN and global types) in every location — path, query, headers, cookies, form, multipart, JSON, XML, gzip and chunked responses — with look-alike decoys.',
};

/** Builds the scenario for `seed`. */
export function buildSensitiveScenario(seed: number, opts: SensitiveScenarioOptions = {}): SensitiveScenario {
  const b = new ScenarioBuilder(seed);
  const truth = populateSensitiveScenario(b, opts);
  const scenario = b.build({ ...SENSITIVE_SCENARIO_INFO, formats: ['pcap', 'pcapng'], lossy: false, notes: 'Lossless: every transaction must match exactly (flags included).' }, seed);
  return { scenario, truth };
}

/** Adds the sensitive-data exchanges to `b` (for the scenario catalogue) and returns their ground truth. */
export function populateSensitiveScenario(b: ScenarioBuilder, opts: SensitiveScenarioOptions = {}): EndpointTruth[] {
  const rng = b.rng;
  const nData = opts.endpoints ?? 40;
  const nDecoy = opts.decoyEndpoints ?? 12;
  const calls = opts.callsPerEndpoint ?? 3;
  const truth: EndpointTruth[] = [];
  let startUs = 0;
  const usedPaths = new Set<string>();

  for (let e = 0; e < nData + nDecoy; e++) {
    const decoyOnly = e >= nData;
    const host = rng.pick(HOSTS);
    const resource = rng.pick(RESOURCES);
    let base = `/api/v${rng.int(1, 3)}/${resource}/${rng.pick(ACTIONS)}`;
    while (usedPaths.has(`${host} ${base}`)) base += `/${rng.pick(ACTIONS)}`;
    usedPaths.add(`${host} ${base}`);
    const placed: PlacedType[] = [];
    if (!decoyOnly) {
      const n = rng.int(1, 3);
      const kinds = [...VALUE_KINDS];
      for (let k = 0; k < n && kinds.length > 0; k++) {
        const kind = kinds.splice(rng.int(0, kinds.length - 1), 1)[0];
        // spread placements: endpoint e prefers placement e mod 13, then any allowed one
        const preferred = PLACEMENTS[(e + k * 5) % PLACEMENTS.length];
        const options = PLACEMENTS.filter((p) => allowed(kind, p));
        if (options.length === 0) continue;
        let placement = allowed(kind, preferred) ? preferred : rng.pick(options);
        if (placement === 'path' && placed.some((p) => p.placement === 'path')) continue;
        // one request body per call: a second body placement joins the first one's body
        const body = placed.find((p) => REQUEST_BODY.includes(p.placement))?.placement;
        if (body !== undefined && REQUEST_BODY.includes(placement) && placement !== body) {
          if (!allowed(kind, body)) continue;
          placement = body;
        }
        const field = placement === 'header' || placement === 'response-header' || placement === 'cookie' || placement === 'query' || placement === 'path' ? asciiName(kind, rng) : rng.pick(kind.names);
        placed.push({ type: kind.type, placement, field });
      }
    }
    const hasRequestBody = placed.some((p) => ['form', 'multipart', 'json-request', 'xml-request'].includes(p.placement));
    const method = hasRequestBody ? rng.pick(['POST', 'PUT']) : 'GET';
    const unauthenticated = rng.chance(0.2) && !placed.some((p) => p.placement === 'cookie');
    const bodyPlacement = placed.find((p) => ['form', 'multipart', 'json-request', 'xml-request'].includes(p.placement))?.placement;
    const resMode = placed.find((p) => p.placement.endsWith('-response') && p.placement !== 'response-header')?.placement;
    const paths: string[] = [];
    const values: string[] = [];

    for (let c = 0; c < calls; c++) {
      const plan: CallPlan = {
        path: base,
        query: [],
        reqHeaders: [['User-Agent', 'okhttp/4.12.0'], ['Accept', 'application/json']],
        cookies: [],
        form: bodyPlacement === 'form' ? [] : null,
        multipart: bodyPlacement === 'multipart' ? [] : null,
        reqJson: bodyPlacement === 'json-request' ? {} : null,
        reqXml: bodyPlacement === 'xml-request' ? {} : null,
        resFields: { id: rng.int(1, 99999) },
        resItems: rng.int(1, 4),
        resMode: resMode === 'json-gzip-response' ? 'gzip' : resMode === 'json-chunked-response' ? 'chunked' : resMode === 'xml-response' ? 'xml' : 'json',
        resHeaders: [],
      };
      if (!unauthenticated) plan.reqHeaders.push(['Authorization', `Bearer ${jwt(rng)}`]);
      for (const p of placed) {
        const kind = VALUE_KINDS.find((k) => k.type === p.type) as ValueKind;
        const value = kind.make(rng);
        if (p.placement !== 'path') values.push(value);
        switch (p.placement) {
          case 'path':
            plan.path = `${base}/${p.field}/${encodeURIComponent(value)}`;
            break;
          case 'query':
            plan.query.push([p.field, value]);
            break;
          case 'header':
            plan.reqHeaders.push([`X-${p.field}`, value]);
            break;
          case 'cookie':
            plan.cookies.push([p.field, encodeURIComponent(value)]);
            break;
          case 'form':
            plan.form?.push([p.field, value]);
            break;
          case 'multipart':
            plan.multipart?.push([p.field, value]);
            break;
          case 'json-request':
            if (plan.reqJson) plan.reqJson[p.field] = value;
            break;
          case 'xml-request':
            if (plan.reqXml) plan.reqXml[p.field] = value;
            break;
          case 'response-header':
            plan.resHeaders.push([`X-${p.field}`, value]);
            break;
          default:
            plan.resFields[p.field] = value;
        }
      }
      for (let d = 0; d < (decoyOnly ? 4 : 2); d++) {
        const dec = decoy(rng);
        plan.resFields[dec.name] = dec.value;
      }
      if (rng.chance(0.3)) plan.query.push(['page', String(rng.int(1, 9))]);
      const uri = plan.path + (plan.query.length > 0 ? '?' + plan.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '');
      paths.push(plan.path);
      const client = `192.168.${rng.int(1, 3)}.${rng.int(10, 60)}`;
      const conn = b.conn({ clientIp: client, serverIp: `10.30.0.${HOSTS.indexOf(host) + 10}` }, startUs);
      startUs += 5_000;
      conn.conv.handshake();
      conn.exchange(request(method, uri, host, plan, rng), response(plan, rng));
      conn.conv.close();
    }
    truth.push({ host, method, paths: [...new Set(paths)], types: [...new Set(placed.map((p) => p.type))].sort(), placed, decoyOnly, unauthenticated, values });
  }
  return truth;
}

function request(method: string, uri: string, host: string, plan: CallPlan, rng: SeededRandom): RequestSpec {
  const headers: Headers = [...plan.reqHeaders];
  if (plan.cookies.length > 0) headers.push(['Cookie', plan.cookies.map(([k, v]) => `${k}=${v}`).join('; ')]);
  const spec: RequestSpec = { method, uri, host, headers, body: null };
  if (plan.form !== null) {
    spec.body = plan.form.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') + '&channel=web';
    spec.contentType = 'application/x-www-form-urlencoded';
  } else if (plan.multipart !== null) {
    const boundary = `----radar${rng.hex(12)}`;
    const parts = [...plan.multipart, ['note', 'see attachment']].map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    spec.body = parts.join('') + `--${boundary}--\r\n`;
    spec.contentType = `multipart/form-data; boundary=${boundary}`;
  } else if (plan.reqJson !== null) {
    spec.body = JSON.stringify({ requestId: rng.uuid(), customer: { ...plan.reqJson, level: 'gold' } });
    spec.contentType = 'application/json';
  } else if (plan.reqXml !== null) {
    spec.body = toXml('request', plan.reqXml);
    spec.contentType = 'application/xml';
  } else if (method !== 'GET') {
    spec.body = '{}';
  }
  return spec;
}

function response(plan: CallPlan, rng: SeededRandom): ResponseSpec {
  const headers: Headers = [...plan.resHeaders];
  if (plan.resMode === 'xml') return { status: 200, headers, body: toXml('response', plan.resFields), contentType: 'application/xml; charset=utf-8' };
  const items = [];
  for (let i = 0; i < plan.resItems; i++) items.push(i === 0 ? plan.resFields : { id: rng.int(1, 99999), status: 'active' });
  const body = JSON.stringify({ code: 0, data: { total: items.length, list: items } });
  if (plan.resMode === 'gzip') return { status: 200, headers, body, coding: 'gzip', chunked: rng.chance(0.5), contentType: 'application/json' };
  if (plan.resMode === 'chunked') return { status: 200, headers, body, chunked: true, contentType: 'application/json' };
  return { status: 200, headers, body, contentType: 'application/json' };
}
