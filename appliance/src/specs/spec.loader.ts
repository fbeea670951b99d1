/**
 * Declared API specs: reads an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML text), validates and
 * dereferences it with @readme/openapi-parser (external references are never fetched: a spec is untrusted input), and
 * reduces it to what the inventory compares traffic with: per operation the host(s), method, full path template
 * (server base path included), deprecation, parameters with their types, request media types and documented status
 * codes.
 */
import type * as OpenApiParser from '@readme/openapi-parser';
import type * as Yaml from 'yaml';

/** One declared parameter. */
export interface DeclaredParam {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required: boolean;
  /** JSON Schema type (`string`, `integer`, ...), '' when not given. */
  type: string;
  format: string;
}

/** One declared operation. */
export interface DeclaredOperation {
  method: string;
  /** Full path template (base path + path), e.g. `/v2/Services/{ServiceSid}`. */
  template: string;
  /** Hosts the operation is served on ([] when the spec names none: it applies to the hosts it is attached to). */
  hosts: string[];
  deprecated: boolean;
  operationId: string;
  summary: string;
  params: DeclaredParam[];
  /** Documented response status codes (`200`, `4XX`, `default`). */
  statuses: string[];
  requestMediaTypes: string[];
  /** Declared JSON Schema of the JSON request body, and of the first successful (2xx, else default) JSON response. */
  requestSchema?: Record<string, unknown>;
  responseSchema?: Record<string, unknown>;
}

/** A declared spec reduced for comparison. */
export interface DeclaredSpec {
  /** `openapi 3.0.0`, `openapi 3.1.0` or `swagger 2.0`. */
  format: string;
  title: string;
  version: string;
  /** Hosts named by the spec's servers (lower case, default ports dropped). */
  hosts: string[];
  operations: DeclaredOperation[];
}

/** Why a spec was refused (message for the user). */
export class SpecError extends Error {
  override readonly name = 'SpecError';
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Host and base path of a server URL (variables replaced by their defaults); host '' when the URL is relative. */
export function parseServerUrl(url: string, variables: Obj = {}): { host: string; basePath: string } {
  const filled = url.replace(/\{([^}]+)\}/g, (_m, name: string) => str(asObj(variables[name]).default) || name);
  const m = /^(?:([a-z][a-z0-9+.-]*):)?\/\/([^/?#]*)([^?#]*)/i.exec(filled);
  if (m === null) return { host: '', basePath: normaliseBase(filled) };
  let host = m[2].toLowerCase().replace(/^[^@]*@/, '');
  const scheme = (m[1] ?? '').toLowerCase();
  if ((scheme === 'http' && host.endsWith(':80')) || (scheme === 'https' && host.endsWith(':443'))) host = host.replace(/:\d+$/, '');
  return { host, basePath: normaliseBase(m[3]) };
}

function normaliseBase(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t === '' || t === '/' ? '' : t.startsWith('/') ? t : `/${t}`;
}

function joinPath(base: string, path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${base}${p}`.replace(/\/{2,}/g, '/') || '/';
}

function paramsOf(list: unknown, swagger: boolean): DeclaredParam[] {
  if (!Array.isArray(list)) return [];
  const out: DeclaredParam[] = [];
  for (const raw of list) {
    const p = asObj(raw);
    const where = str(p.in);
    if (where !== 'path' && where !== 'query' && where !== 'header' && where !== 'cookie') continue;
    const schema = swagger ? p : asObj(p.schema);
    out.push({ in: where, name: str(p.name), required: p.required === true || where === 'path', type: str(schema.type), format: str(schema.format) });
  }
  return out;
}

function mergeParams(pathLevel: DeclaredParam[], opLevel: DeclaredParam[]): DeclaredParam[] {
  const byKey = new Map<string, DeclaredParam>();
  for (const p of pathLevel) byKey.set(`${p.in}:${p.name}`, p);
  for (const p of opLevel) byKey.set(`${p.in}:${p.name}`, p);
  return [...byKey.values()];
}

/** The JSON schema in an OpenAPI 3 `content` map (`application/json` or another JSON media type), if any. */
function jsonContentSchema(content: unknown): Obj | undefined {
  const c = asObj(content);
  const key = Object.keys(c).find((k) => /^application\/(?:[\w.+-]*\+)?json\b/i.test(k) || k === '*/*');
  const schema = key === undefined ? undefined : asObj(c[key]).schema;
  return schema !== undefined && typeof schema === 'object' && schema !== null ? (schema as Obj) : undefined;
}

/** The declared request and success-response body schemas of an operation. */
function bodySchemas(op: Obj, swagger: boolean): { requestSchema?: Obj; responseSchema?: Obj } {
  const out: { requestSchema?: Obj; responseSchema?: Obj } = {};
  const responses = asObj(op.responses);
  const code = Object.keys(responses).filter((k) => /^2(\d\d|XX)$/i.test(k)).sort()[0] ?? ('default' in responses ? 'default' : undefined);
  if (swagger) {
    const body = Array.isArray(op.parameters) ? op.parameters.map(asObj).find((p) => p.in === 'body') : undefined;
    if (body !== undefined && typeof body.schema === 'object' && body.schema !== null) out.requestSchema = body.schema as Obj;
    const r = code === undefined ? undefined : asObj(responses[code]).schema;
    if (typeof r === 'object' && r !== null) out.responseSchema = r as Obj;
  } else {
    const req = jsonContentSchema(asObj(op.requestBody).content);
    if (req !== undefined) out.requestSchema = req;
    const res = code === undefined ? undefined : jsonContentSchema(asObj(responses[code]).content);
    if (res !== undefined) out.responseSchema = res;
  }
  return out;
}

let parsers: Promise<[typeof OpenApiParser, typeof Yaml]> | undefined;

/** The OpenAPI parser and YAML packages, imported with the first spec (a quarter of the service's start otherwise). */
function specParsers(): Promise<[typeof OpenApiParser, typeof Yaml]> {
  return (parsers ??= Promise.all([import('@readme/openapi-parser'), import('yaml')]));
}

/** Parses JSON or YAML text into an object; SpecError when it is neither. */
function parseText(text: string, yaml: typeof Yaml): Obj {
  const trimmed = text.trimStart();
  try {
    const v: unknown = trimmed.startsWith('{') ? JSON.parse(text) : yaml.parse(text, { maxAliasCount: 100 });
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SpecError('The file is not an OpenAPI or Swagger document.');
    return v as Obj;
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError(`The file is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Loads a spec from its text. Throws SpecError with a readable reason when it is not a valid spec. */
export async function loadSpec(text: string): Promise<DeclaredSpec> {
  if (text.length > 20 * 1024 * 1024) throw new SpecError('The spec is larger than 20 MB.');
  const [{ validate, dereference }, yaml] = await specParsers();
  const doc = parseText(text, yaml);
  const swagger = str(doc.swagger).startsWith('2');
  const openapi = str(doc.openapi);
  if (!swagger && !/^3\.[01]\./.test(openapi)) throw new SpecError('Only OpenAPI 3.0, 3.1 and Swagger 2.0 documents are supported.');
  const options = { resolve: { external: false }, dereference: { circular: 'ignore' as const } };
  const check = await validate(structuredClone(doc) as never, options as never);
  if (!check.valid) {
    const first = check.errors[0];
    throw new SpecError(`The spec is not valid: ${first?.message ?? 'unknown error'}`);
  }
  let api: Obj;
  try {
    api = (await dereference(structuredClone(doc) as never, options as never)) as unknown as Obj;
  } catch (err) {
    throw new SpecError(`The spec's references cannot be resolved: ${(err as Error).message.split('\n')[0]}`);
  }

  const servers = (list: unknown): Array<{ host: string; basePath: string }> =>
    Array.isArray(list) ? list.map((s) => parseServerUrl(str(asObj(s).url), asObj(asObj(s).variables))) : [];
  let rootServers: Array<{ host: string; basePath: string }>;
  if (swagger) rootServers = [{ host: str(api.host).toLowerCase(), basePath: normaliseBase(str(api.basePath)) }];
  else rootServers = servers(api.servers);
  if (rootServers.length === 0) rootServers = [{ host: '', basePath: '' }];

  const operations: DeclaredOperation[] = [];
  for (const [path, rawItem] of Object.entries(asObj(api.paths))) {
    const item = asObj(rawItem);
    const itemServers = servers(item.servers);
    const pathParams = paramsOf(item.parameters, swagger);
    for (const method of METHODS) {
      if (!(method in item)) continue;
      const op = asObj(item[method]);
      const opServers = servers(op.servers);
      const where = opServers.length > 0 ? opServers : itemServers.length > 0 ? itemServers : rootServers;
      const bases = [...new Set(where.map((s) => s.basePath))];
      const hosts = [...new Set(where.map((s) => s.host).filter((h) => h !== ''))];
      const requestMediaTypes = swagger ? (Array.isArray(op.consumes) ? op.consumes.map(str) : Array.isArray(api.consumes) ? api.consumes.map(str) : []) : Object.keys(asObj(asObj(op.requestBody).content));
      for (const base of bases) {
        operations.push({
          method: method.toUpperCase(),
          template: joinPath(base, path),
          hosts,
          deprecated: op.deprecated === true,
          operationId: str(op.operationId),
          summary: str(op.summary),
          params: mergeParams(pathParams, paramsOf(op.parameters, swagger)),
          statuses: Object.keys(asObj(op.responses)),
          requestMediaTypes,
          ...bodySchemas(op, swagger),
        });
      }
    }
  }
  const info = asObj(api.info);
  return {
    format: swagger ? 'swagger 2.0' : `openapi ${openapi}`,
    title: str(info.title),
    version: str(info.version),
    hosts: [...new Set(rootServers.map((s) => s.host).filter((h) => h !== ''))],
    operations,
  };
}
