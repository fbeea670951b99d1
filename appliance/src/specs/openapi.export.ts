/**
 * Exports the reconstructed inventory of one host as an OpenAPI 3.1 document: a path per endpoint template with its
 * operations, path and query parameters with inferred types, the status codes seen, the auth schemes seen as security
 * schemes, and `x-api-radar` facts (calls, first/last seen, sensitive data types, risk, whether a spec declares it).
 * The only values observed in traffic that leave the appliance are parameter examples, which the inventory masked
 * where a detector found sensitive data in them (`110101********1234`, fingerprints for secrets). Valid for
 * @readme/openapi-parser (tested).
 */
import type { ReportEndpoint, ReportParam } from '../analysis/analysis-report.types.ts';

type Json = Record<string, unknown>;

const SECURITY: Record<string, Json> = {
  basic: { type: 'http', scheme: 'basic' },
  bearer: { type: 'http', scheme: 'bearer' },
  jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  digest: { type: 'http', scheme: 'digest' },
  api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key was seen; its carrier is reported by the appliance.' },
  cookie: { type: 'apiKey', in: 'cookie', name: 'session', description: 'A session cookie was seen.' },
};

function schemaOf(p: ReportParam): Json {
  const type = ['integer', 'number', 'boolean', 'string', 'array', 'object'].includes(p.type) ? p.type : 'string';
  const s: Json = { type };
  if (p.format !== undefined && p.format !== '') s.format = p.format;
  if (p.examples !== undefined && p.examples.length > 0) s.examples = p.examples.map((v) => exampleValue(type, v));
  return s;
}

/** An example in its schema's type where it reads as one (a masked value stays a string). */
function exampleValue(type: string, v: string): string | number {
  if ((type === 'integer' && /^-?\d{1,15}$/.test(v)) || (type === 'number' && /^-?\d{1,15}(\.\d+)?$/.test(v))) return Number(v);
  return v;
}

function reason(status: string): string {
  const n = Number(status);
  if (n >= 200 && n < 300) return 'Success.';
  if (n >= 300 && n < 400) return 'Redirect.';
  if (n >= 400 && n < 500) return 'Client error.';
  if (n >= 500) return 'Server error.';
  return 'Seen in traffic.';
}

/** Builds the OpenAPI 3.1 document of `host` from its endpoints. */
export function exportHostOpenApi(host: string, endpoints: readonly ReportEndpoint[], version: string): Json {
  const paths: Record<string, Json> = {};
  const usedSchemes = new Set<string>();
  const ids = new Set<string>();
  for (const e of endpoints) {
    if (e.host !== host) continue;
    const path = e.path.startsWith('/') ? e.path : `/${e.path}`;
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const parameters: Json[] = [];
    for (const name of pathParams) {
      const p = e.params.find((x) => x.in === 'path' && x.name === name);
      parameters.push({ name, in: 'path', required: true, schema: p === undefined ? { type: 'string' } : schemaOf(p) });
    }
    for (const p of e.params) {
      if (p.in === 'path' || p.in === 'body') continue;
      if (p.in === 'header' && ['accept', 'content-type', 'authorization'].includes(p.name.toLowerCase())) continue;
      parameters.push({ name: p.name, in: p.in, required: false, schema: schemaOf(p) });
    }
    const responses: Json = {};
    for (const status of Object.keys(e.statuses).sort()) {
      if (!/^[1-5]\d\d$/.test(status)) continue;
      responses[status] = { description: reason(status) };
      if (status.startsWith('2') && e.responseSchema !== undefined) (responses[status] as Json).content = { 'application/json': { schema: e.responseSchema } };
    }
    if (Object.keys(responses).length === 0) responses.default = { description: 'No response was seen.' };
    const security: Json[] = [];
    for (const a of e.auth) {
      if (SECURITY[a] === undefined) continue;
      usedSchemes.add(a);
      security.push({ [a]: [] });
    }
    let opId = `${e.method.toLowerCase()}${path.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
    while (ids.has(opId)) opId += '_';
    ids.add(opId);
    const op: Json = {
      operationId: opId,
      summary: `${e.method} ${path} (observed)`,
      parameters,
      responses,
      'x-api-radar': { calls: e.calls, firstSeen: e.firstSeen, lastSeen: e.lastSeen, sensitive: e.sensitive, risk: e.risk, declared: e.inSpec },
    };
    if (security.length > 0) op.security = security;
    else if (e.auth.includes('none')) op.security = [];
    if (e.deprecated) op.deprecated = true;
    if (e.requestSchema !== undefined) op.requestBody = { content: { 'application/json': { schema: e.requestSchema } } };
    else if (['POST', 'PUT', 'PATCH'].includes(e.method)) op.requestBody = { content: { 'application/json': { schema: { type: 'object' } } } };
    const item = (paths[path] ??= {});
    const method = e.method.toLowerCase();
    if (['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) item[method] = op;
  }
  const schemes: Json = {};
  for (const s of usedSchemes) schemes[s] = SECURITY[s];
  return {
    openapi: '3.1.0',
    info: { title: `${host} (reconstructed by API Radar)`, version, description: `Endpoints of ${host} as observed in traffic.` },
    servers: [{ url: `https://${host}` }],
    paths,
    components: { securitySchemes: schemes },
  };
}
