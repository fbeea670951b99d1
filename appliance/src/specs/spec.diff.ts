/**
 * Compares the discovered inventory with the declared specs:
 * - declared templates win: discovered endpoints matching a declared operation take its template (several
 *   discovered templates matching one operation merge), and are marked `inSpec` / `deprecated`;
 * - shadow APIs: seen on a host a spec covers, but not declared;
 * - zombie APIs: declared deprecated (or announced so by `Deprecation`/`Sunset` response headers), still called;
 * - orphan APIs: declared, never seen;
 * - drift: undeclared query parameters, undeclared response status codes, parameter values of another type than
 *   declared, and on body fields (merged JSON schemas against the declared ones) undeclared fields and type changes.
 * Shadow and zombie endpoints also become findings (`shadow_api`, `zombie_api`, category `inventory`).
 */
import type { AnalysisReport, ReportEndpoint, ReportEndpointRisk, ReportFinding, ReportParam } from '../analysis/analysis-report.types.ts';
import { mergeRiskFactors, riskScore } from '../analyzers/risk/risk.factors.ts';
import type { Severity } from '../analyzers/call.context.ts';
import type { SpecMatcher } from './spec.matcher.ts';
import type { DeclaredOperation } from './spec.loader.ts';

/** A shadow or zombie endpoint. */
export interface DiffEndpoint {
  host: string;
  method: string;
  path: string;
  calls: number;
  firstSeen: string;
  lastSeen: string;
  sensitive: string[];
  /** The spec it is declared in (zombies). */
  spec?: string;
  /** Zombies: deprecated by the spec, or announced deprecated by the API's own responses (`Deprecation`/`Sunset`). */
  by?: 'spec' | 'header';
}

/** A declared operation never seen. */
export interface OrphanOperation {
  /** Host it is declared for; '' when the spec names none. */
  host: string;
  method: string;
  path: string;
  spec: string;
  operationId: string;
}

/** One difference between traffic and a declared operation. */
export interface DriftItem {
  host: string;
  method: string;
  path: string;
  spec: string;
  kind: 'undeclared_param' | 'undeclared_status' | 'type_mismatch' | 'undeclared_field' | 'field_type_mismatch';
  /** Parameter name, status code, or body field path (`request.items[].price`). */
  name: string;
  detail: string;
}

/** The comparison. */
export interface InventoryDiff {
  /** The endpoints with declared templates applied. */
  endpoints: ReportEndpoint[];
  shadow: DiffEndpoint[];
  zombie: DiffEndpoint[];
  orphan: OrphanOperation[];
  drift: DriftItem[];
  findings: ReportFinding[];
}

function statusDeclared(declared: readonly string[], status: string): boolean {
  if (status === 'none' || declared.includes('default') || declared.includes(status)) return true;
  return declared.some((d) => /^[1-5]XX$/i.test(d) && d[0] === status[0]);
}

const STRICT_TYPES = new Set(['integer', 'number', 'boolean']);

function typeCompatible(declared: string, observed: string): boolean {
  if (declared === '' || !STRICT_TYPES.has(declared)) return true;
  if (declared === observed) return true;
  return declared === 'number' && observed === 'integer';
}

/** Most body-field drift items reported per endpoint and direction. */
const MAX_FIELD_DRIFT = 20;

/** Types a declared schema allows, or null when it does not say (no `type`, or a composition). */
function declaredTypes(d: Record<string, unknown>): string[] | null {
  if (d.oneOf !== undefined || d.anyOf !== undefined || d.allOf !== undefined || d.not !== undefined) return null;
  const t = d.type;
  const list = typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  if (list.length === 0) return null;
  if (d.nullable === true) list.push('null');
  return list;
}

function asSchema(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * Compares an observed body schema with the declared one: fields sent but not declared (where the declared object
 * lists its properties and does not describe additional ones) and values of a type the declaration does not allow.
 */
function fieldDrift(base: Omit<DriftItem, 'kind' | 'name' | 'detail'>, where: 'request' | 'response', declared: Record<string, unknown>, observed: Record<string, unknown>, out: DriftItem[], path: string = where, depth = 0): void {
  if (depth > 8 || out.length >= MAX_FIELD_DRIFT) return;
  const allowed = declaredTypes(declared);
  const seen = typeof observed.type === 'string' ? [observed.type] : Array.isArray(observed.type) ? (observed.type as string[]) : [];
  if (allowed !== null) {
    const bad = seen.filter((t) => !allowed.includes(t) && !(t === 'integer' && allowed.includes('number')));
    if (bad.length > 0) {
      out.push({ ...base, kind: 'field_type_mismatch', name: path, detail: `${path} is declared ${allowed.join(' or ')} but carries ${bad.join(' or ')}` });
      return;
    }
  }
  const dProps = asSchema(declared.properties);
  const oProps = asSchema(observed.properties);
  if (dProps !== null && oProps !== null) {
    const open = asSchema(declared.additionalProperties) !== null;
    for (const [name, o] of Object.entries(oProps)) {
      const d = Object.hasOwn(dProps, name) ? asSchema(dProps[name]) : null;
      if (d === null) {
        if (!open && !Object.hasOwn(dProps, name)) out.push({ ...base, kind: 'undeclared_field', name: `${path}.${name}`, detail: `${path}.${name} is sent but not declared` });
      } else {
        const os = asSchema(o);
        if (os !== null) fieldDrift(base, where, d, os, out, `${path}.${name}`, depth + 1);
      }
    }
  }
  const dItems = asSchema(declared.items);
  const oItems = asSchema(observed.items);
  if (dItems !== null && oItems !== null) fieldDrift(base, where, dItems, oItems, out, `${path}[]`, depth + 1);
}

function mergeInto(target: ReportEndpoint, e: ReportEndpoint): void {
  target.calls += e.calls;
  for (const [k, v] of Object.entries(e.statuses)) target.statuses[k] = (target.statuses[k] ?? 0) + v;
  target.auth = [...new Set([...target.auth, ...e.auth])].sort();
  target.sensitive = [...new Set([...target.sensitive, ...e.sensitive])].sort();
  for (const p of e.params) if (!target.params.some((q) => q.in === p.in && q.name === p.name)) target.params.push(p);
  target.risk = Math.max(target.risk, e.risk);
  if (e.firstSeen < target.firstSeen) target.firstSeen = e.firstSeen;
  if (e.lastSeen > target.lastSeen) target.lastSeen = e.lastSeen;
}

/** Path parameters renamed to the declared names (by position), other parameters kept. */
function renamePathParams(params: ReportParam[], discovered: string, declared: string): ReportParam[] {
  const d = discovered.split('/');
  const s = declared.split('/');
  const rename = new Map<string, string>();
  for (let i = 0; i < Math.min(d.length, s.length); i++) {
    const a = /^\{(.+)\}$/.exec(d[i]);
    const b = /^\{(.+)\}$/.exec(s[i]);
    if (a !== null && b !== null) rename.set(a[1], b[1]);
  }
  return params.map((p) => (p.in === 'path' && rename.has(p.name) ? { ...p, name: rename.get(p.name)! } : p));
}

function severityFor(kind: 'shadow' | 'zombie', sensitive: readonly string[]): Severity {
  if (kind === 'zombie') return sensitive.length > 0 ? 'high' : 'medium';
  return sensitive.length > 0 ? 'high' : 'medium';
}

/** Compares `endpoints` with the specs of `matcher`. The input endpoints are not modified. */
export function diffInventory(endpoints: readonly ReportEndpoint[], matcher: SpecMatcher): InventoryDiff {
  if (matcher.empty) return { endpoints: endpoints.map((e) => ({ ...e })), shadow: [], zombie: [], orphan: [], drift: [], findings: [] };
  const out = new Map<string, ReportEndpoint>();
  const matchedOps = new Set<object>();
  const specOf = new Map<string, { spec: string; op: DeclaredOperation }>();
  const shadow: DiffEndpoint[] = [];
  const coveredHosts = new Set<string>();
  let coversAll = false;
  for (const o of matcher.operations) {
    if (o.hosts === null) coversAll = true;
    else for (const h of o.hosts) coveredHosts.add(h);
  }
  for (const e of endpoints) {
    const m = matcher.match(e.host, e.method, e.path);
    if (m === null) {
      const key = `${e.host} ${e.method} ${e.path}`;
      out.set(key, { ...e, statuses: { ...e.statuses }, params: [...e.params], inSpec: false });
      if (coversAll || coveredHosts.has(e.host.toLowerCase().replace(/:(80|443)$/, ''))) {
        shadow.push({ host: e.host, method: e.method, path: e.path, calls: e.calls, firstSeen: e.firstSeen, lastSeen: e.lastSeen, sensitive: e.sensitive });
      }
      continue;
    }
    matchedOps.add(m.operation);
    const key = `${e.host} ${e.method} ${m.operation.template}`;
    const renamed: ReportEndpoint = {
      ...e,
      path: m.operation.template,
      statuses: { ...e.statuses },
      params: renamePathParams(e.params, e.path, m.operation.template),
      inSpec: true,
      deprecated: e.deprecated || m.operation.deprecated,
    };
    const existing = out.get(key);
    if (existing === undefined) out.set(key, renamed);
    else mergeInto(existing, renamed);
    specOf.set(key, { spec: m.specName, op: m.operation });
  }

  const zombie: DiffEndpoint[] = [];
  const drift: DriftItem[] = [];
  for (const [key, e] of out) {
    const s = specOf.get(key);
    if (s === undefined) continue;
    if (e.deprecated) zombie.push({ host: e.host, method: e.method, path: e.path, calls: e.calls, firstSeen: e.firstSeen, lastSeen: e.lastSeen, sensitive: e.sensitive, spec: s.spec, by: s.op.deprecated ? 'spec' : 'header' });
    const base = { host: e.host, method: e.method, path: e.path, spec: s.spec };
    for (const p of e.params) {
      if (p.in !== 'query' && p.in !== 'path') continue;
      const d = s.op.params.find((x) => x.in === p.in && x.name === p.name);
      if (d === undefined) {
        if (p.in === 'query') drift.push({ ...base, kind: 'undeclared_param', name: p.name, detail: `query parameter ${p.name} is sent but not declared` });
      } else if (!typeCompatible(d.type, p.type)) {
        drift.push({ ...base, kind: 'type_mismatch', name: p.name, detail: `${p.in} parameter ${p.name} is declared ${d.type} but carries ${p.type} values` });
      }
    }
    for (const [where, declared, observed] of [['request', s.op.requestSchema, e.requestSchema], ['response', s.op.responseSchema, e.responseSchema]] as const) {
      if (declared === undefined || observed === undefined) continue;
      const fields: DriftItem[] = [];
      fieldDrift(base, where, declared, observed, fields);
      drift.push(...fields.slice(0, MAX_FIELD_DRIFT));
    }
    if (s.op.statuses.length > 0) {
      for (const status of Object.keys(e.statuses)) {
        if (!statusDeclared(s.op.statuses, status)) drift.push({ ...base, kind: 'undeclared_status', name: status, detail: `status ${status} is answered but not declared` });
      }
    }
  }

  const orphan: OrphanOperation[] = [];
  for (const o of matcher.operations) {
    if (matchedOps.has(o.op)) continue;
    const hosts = o.hosts ?? [''];
    for (const host of hosts) orphan.push({ host, method: o.op.method, path: o.op.template, spec: o.specName, operationId: o.op.operationId });
  }

  const findings: ReportFinding[] = [];
  for (const s of shadow) {
    findings.push({
      type: 'shadow_api', category: 'inventory', severity: severityFor('shadow', s.sensitive), host: s.host, method: s.method, path: s.path, client: '',
      count: s.calls, firstSeen: s.firstSeen, lastSeen: s.lastSeen,
      evidence: `called ${s.calls} times but declared in no spec for ${s.host}${s.sensitive.length > 0 ? `; carries ${s.sensitive.join(', ')}` : ''}`,
    });
  }
  for (const z of zombie) {
    findings.push({
      type: 'zombie_api', category: 'inventory', severity: severityFor('zombie', z.sensitive), host: z.host, method: z.method, path: z.path, client: '',
      count: z.calls, firstSeen: z.firstSeen, lastSeen: z.lastSeen,
      evidence: z.by === 'header' ? `announced deprecated by its responses (Deprecation/Sunset headers) but still called ${z.calls} times` : `declared deprecated in ${z.spec} but still called ${z.calls} times`,
    });
  }
  const sorted = [...out.values()].sort((a, b) => a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return { endpoints: sorted, shadow, zombie, orphan, drift, findings };
}

/** Risk breakdowns moved to the declared templates their paths match (paths folded together keep each factor's worst). */
function declaredRisk(risks: readonly ReportEndpointRisk[], matcher: SpecMatcher): ReportEndpointRisk[] {
  const out = new Map<string, ReportEndpointRisk>();
  for (const r of risks) {
    const path = matcher.match(r.host, r.method, r.path)?.operation.template ?? r.path;
    const key = `${r.host} ${r.method} ${path}`;
    const prev = out.get(key);
    const factors = prev === undefined ? r.factors : mergeRiskFactors(prev.factors, r.factors);
    out.set(key, { host: r.host, method: r.method, path, score: riskScore(factors), factors });
  }
  return [...out.values()];
}

/** A report with the declared specs applied: endpoints re-templated and marked, shadow/zombie findings added. */
export function applySpecsToReport(report: AnalysisReport, matcher: SpecMatcher): { report: AnalysisReport; diff: InventoryDiff } {
  const diff = diffInventory(report.endpoints, matcher);
  if (matcher.empty) return { report, diff };
  const declared = new Set(diff.findings.map((f) => `${f.type} ${f.host} ${f.method} ${f.path}`));
  const kept = report.findings.filter((f) => !declared.has(`${f.type} ${f.host} ${f.method} ${f.path}`));
  const endpointRisk = report.endpointRisk === undefined ? undefined : declaredRisk(report.endpointRisk, matcher);
  return { report: { ...report, endpoints: diff.endpoints, findings: [...kept, ...diff.findings], endpointRisk }, diff };
}
