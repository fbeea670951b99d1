// Pure helpers of the inventory and threats pages: filters read from and written to the page URL (so a filtered view
// can be shared as a link) and turned into API queries, the status actions a finding offers, and the overview's
// counts (findings by severity, top attackers). Tested in tests/unit/ui/.
import type { MessageKey } from '../../lib/i18n/en.ts';
import { ENDPOINT_STATES, FINDING_CATEGORIES, FINDING_STATUSES, SEVERITIES, type EndpointState, type Finding, type FindingStatus, type InventoryDiff } from './inventory.types.ts';

/** Auth schemes an endpoint list can be filtered by (`none`: calls without credentials). */
export const AUTH_FILTERS = ['none', 'basic', 'bearer', 'jwt', 'api_key', 'cookie', 'digest', 'other'] as const;
/** Minimum risk scores offered as filters. */
export const RISK_FILTERS = [25, 50, 75] as const;

/** Filters of the endpoint list ('' / 0 = not filtered). */
export interface EndpointFilters {
  host: string;
  state: '' | EndpointState;
  q: string;
  sensitive: boolean;
  auth: '' | (typeof AUTH_FILTERS)[number];
  /** Minimum risk score (0: any). */
  minRisk: number;
}

/** Reads endpoint filters from a page query; invalid values fall back to "not filtered". */
export function endpointFiltersFromQuery(query: URLSearchParams): EndpointFilters {
  const state = query.get('state') ?? '';
  return {
    host: (query.get('host') ?? '').slice(0, 300),
    state: (ENDPOINT_STATES as readonly string[]).includes(state) ? (state as EndpointState) : '',
    q: (query.get('q') ?? '').slice(0, 300),
    sensitive: query.get('sensitive') === 'true',
    auth: (AUTH_FILTERS as readonly string[]).includes(query.get('auth') ?? '') ? (query.get('auth') as EndpointFilters['auth']) : '',
    minRisk: (RISK_FILTERS as readonly number[]).includes(Number(query.get('minRisk'))) ? Number(query.get('minRisk')) : 0,
  };
}

/** Writes endpoint filters as a page query ('' when none is set), in a stable order. */
export function endpointFiltersToQuery(f: EndpointFilters): string {
  const qs = new URLSearchParams();
  if (f.host.trim() !== '') qs.set('host', f.host.trim());
  if (f.state !== '') qs.set('state', f.state);
  if (f.q.trim() !== '') qs.set('q', f.q.trim());
  if (f.sensitive) qs.set('sensitive', 'true');
  if (f.auth !== '') qs.set('auth', f.auth);
  if (f.minRisk > 0) qs.set('minRisk', String(f.minRisk));
  const s = qs.toString();
  return s === '' ? '' : `?${s}`;
}

/** The `GET /inventory/apis` query of endpoint filters. */
export function endpointApiQuery(f: EndpointFilters, limit: number): Record<string, string | number | undefined> {
  return { host: f.host.trim() || undefined, state: f.state || undefined, q: f.q.trim() || undefined, sensitive: f.sensitive ? 'true' : undefined, auth: f.auth || undefined, minRisk: f.minRisk > 0 ? f.minRisk : undefined, limit };
}

/** Filters of the findings list ('' = not filtered; status '' means open and acknowledged). */
export interface FindingFilters {
  status: '' | 'all' | FindingStatus;
  category: string;
  host: string;
  client: string;
}

/** Reads finding filters from a page query; invalid values fall back to "not filtered". */
export function findingFiltersFromQuery(query: URLSearchParams): FindingFilters {
  const status = query.get('status') ?? '';
  const category = query.get('category') ?? '';
  return {
    status: status === 'all' || (FINDING_STATUSES as readonly string[]).includes(status) ? (status as FindingFilters['status']) : '',
    category: (FINDING_CATEGORIES as readonly string[]).includes(category) ? category : '',
    host: (query.get('host') ?? '').slice(0, 300),
    client: (query.get('client') ?? '').slice(0, 100),
  };
}

/** Writes finding filters as a page query ('' when none is set), in a stable order. */
export function findingFiltersToQuery(f: FindingFilters): string {
  const qs = new URLSearchParams();
  for (const k of ['status', 'category', 'host', 'client'] as const) if (f[k].trim() !== '') qs.set(k, f[k].trim());
  const s = qs.toString();
  return s === '' ? '' : `?${s}`;
}

/** The `GET /threats/findings` query of finding filters: no status filter shows what still needs work. */
export function findingApiQuery(f: FindingFilters, limit: number): Record<string, string | number | undefined> {
  const status = f.status === '' ? 'open,acknowledged' : f.status === 'all' ? undefined : f.status;
  return { status, category: f.category || undefined, host: f.host.trim() || undefined, client: f.client.trim() || undefined, limit };
}

/** The statuses a finding in `status` can be moved to, in the order the buttons show them. */
export function statusActions(status: FindingStatus): FindingStatus[] {
  if (status === 'open') return ['acknowledged', 'resolved', 'false_positive'];
  if (status === 'acknowledged') return ['resolved', 'false_positive', 'open'];
  return ['open'];
}

/** The attacker-view seed of a page query: `ip` wins over `identity`; null when neither is given. */
export function traceSeed(query: URLSearchParams): { ip: string } | { identity: string } | null {
  const ip = query.get('ip')?.trim() ?? '';
  if (ip !== '') return { ip: ip.slice(0, 64) };
  const identity = query.get('identity')?.trim() ?? '';
  return identity !== '' ? { identity: identity.slice(0, 300) } : null;
}

/** Findings counted by severity, every severity present (most severe first). */
export function countBySeverity(findings: readonly Pick<Finding, 'severity'>[]): Array<{ severity: string; count: number }> {
  const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...counts].map(([severity, count]) => ({ severity, count }));
}

/** The catalogue key of a severity's name (`ops.sev.high`). */
export function severityKey(severity: string): MessageKey {
  return `ops.sev.${severity}` as MessageKey;
}

/** Rank of a severity (0 = critical); unknown severities rank last. */
export function severityRank(severity: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(severity);
  return i < 0 ? SEVERITIES.length : i;
}

/** The clients with the most findings (ties: worse severity, then more occurrences); findings without a client are left out. */
export function topAttackers(findings: readonly Pick<Finding, 'client' | 'severity' | 'count'>[], n: number): Array<{ client: string; findings: number; occurrences: number; worst: string }> {
  const by = new Map<string, { client: string; findings: number; occurrences: number; worst: string }>();
  for (const f of findings) {
    if (f.client === '') continue;
    const a = by.get(f.client) ?? { client: f.client, findings: 0, occurrences: 0, worst: 'info' };
    a.findings++;
    a.occurrences += f.count;
    if (severityRank(f.severity) < severityRank(a.worst)) a.worst = f.severity;
    by.set(f.client, a);
  }
  return [...by.values()]
    .sort((a, b) => b.findings - a.findings || severityRank(a.worst) - severityRank(b.worst) || b.occurrences - a.occurrences || a.client.localeCompare(b.client))
    .slice(0, n);
}

/** Endpoint counts by state summed over hosts, every state present. */
export function stateTotals(hosts: ReadonlyArray<{ states: Partial<Record<string, number>> }>): Record<EndpointState, number> {
  const out = Object.fromEntries(ENDPOINT_STATES.map((s) => [s, 0])) as Record<EndpointState, number>;
  for (const h of hosts) for (const s of ENDPOINT_STATES) out[s] += h.states[s] ?? 0;
  return out;
}

/** The host list of a spec upload: names separated by commas, spaces or lines, lower-cased, distinct. */
export function parseHostList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''))];
}

/** Response statuses sorted by code, with their counts ("none" last). */
export function sortedStatuses(statuses: Record<string, number>): Array<{ status: string; count: number }> {
  return Object.entries(statuses)
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => (a.status === 'none' ? 1 : b.status === 'none' ? -1 : a.status.localeCompare(b.status)));
}

/**
 * The specs comparison of one host ('' = every host): its shadow, zombie and drift rows, and the orphan operations
 * declared for it or for every host (a spec attached to no host has orphan rows with host '').
 */
export function diffForHost(diff: InventoryDiff, host: string): InventoryDiff {
  if (host === '') return diff;
  const h = host.toLowerCase();
  const mine = (r: { host: string }): boolean => r.host.toLowerCase() === h;
  return { run: diff.run, shadow: diff.shadow.filter(mine), zombie: diff.zombie.filter(mine), orphan: diff.orphan.filter((r) => r.host === '' || mine(r)), drift: diff.drift.filter(mine) };
}
