/**
 * The call-log service: turns API query strings into call-log searches (times as ISO 8601 or epoch milliseconds,
 * status as `200` or `4xx`, `finding` as the calls behind a finding), shapes stored calls for the API (ISO times,
 * latency in ms), one call with the findings it contributed to, one endpoint's clients, writes Parquet exports into
 * the data directory for download and streams CSV exports of a search.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../errors/error.catalogue.ts';
import type { CallEventStore, CallQuery, FindingCallKey, StoredCall } from '../store/events/call-event.types.ts';
import type { EndpointBucketView, EndpointClientView, SensitiveCallsView, SensitiveTypeView } from './calls.views.ts';
import type { FindingFilter, FindingRecord } from '../analyzers/tracing/findings.repository.ts';
import type { TypeLevelView } from '../analyzers/sensitive/sensitivity-levels.service.ts';
import type { Clock } from '../store/clock.repository.ts';
import { parseQuery as parse } from '../server/route.params.ts';
import { callCsvHeader, callCsvLine } from './calls.csv.ts';

const DAY_MS = 86_400_000;
/** Most calls one CSV export holds. */
export const CSV_MAX_ROWS = 100_000;

/** A time given as ISO 8601 text or epoch milliseconds. */
const TimeParam = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const ms = /^\d{10,16}$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be ISO 8601 or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const Text = z.string().min(1).max(512);

/** The query string of a call-log search. */
export const CallSearchParams = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  host: Text.optional(),
  template: Text.optional(),
  method: z.string().regex(/^[A-Za-z-]{1,32}$/).optional(),
  client: Text.optional(),
  identity: Text.optional(),
  status: z.string().regex(/^([1-5]xx|\d{3})$/, 'a status such as 200 or 4xx').optional(),
  sensitive: Text.optional(),
  detection: Text.optional(),
  source: Text.optional(),
  finding: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  q: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(100).optional(),
});

/** A call as the API returns it. */
export interface CallView extends Omit<StoredCall, 'tsUs' | 'latencyUs'> {
  time: string;
  latencyMs: number | null;
}

/** Shapes a stored call for the API. */
export function toCallView(c: StoredCall): CallView {
  const { tsUs, latencyUs, ...rest } = c;
  return { ...rest, time: new Date(Math.floor(tsUs / 1000)).toISOString(), latencyMs: latencyUs === null ? null : Math.round(latencyUs / 100) / 10 };
}

/** The `GET /calls/endpoint-timeline` query: one endpoint (host, method, template) and a range. */
const EndpointTimelineParams = z
  .object({ host: Text, method: z.string().regex(/^[A-Za-z-]{1,32}$/), template: z.string().max(512) })
  .loose();

/** Where the call log reads findings (the threats service): one by id, and a filtered list. */
export interface FindingsLookup {
  /** The finding; throws `not_found` when there is none. */
  get(id: number): FindingRecord;
  list(filter: FindingFilter): FindingRecord[];
}

/** Most findings read for one endpoint when matching them to calls or clients. */
const FINDINGS_READ = 10_000;

/** The calls a finding aggregates: its key and its first to last seen (ms times widened to whole µs ranges). */
export function findingCallKey(f: FindingRecord): FindingCallKey {
  return { type: f.type, host: f.host, method: f.method, path: f.path, client: f.client, fromUs: Date.parse(f.firstSeen) * 1000, toUs: (Date.parse(f.lastSeen) + 1) * 1000 };
}

/** The path findings aggregate a call under: its template, or its request path when it has none. */
function findingPath(c: StoredCall): string {
  if (c.template !== '') return c.template;
  const q = c.uri.indexOf('?');
  return q < 0 ? c.uri : c.uri.slice(0, q);
}

/** Whether a stored call is one of those a finding aggregates (the rule of {@link findingCallKey} applied to one call). */
export function callOfFinding(c: StoredCall, f: FindingRecord): boolean {
  const k = findingCallKey(f);
  return c.host === k.host && c.method === k.method && findingPath(c) === k.path && c.detections.includes(k.type) && (k.client === '' || k.client === c.clientIp) && c.tsUs >= k.fromUs && c.tsUs < k.toUs;
}

const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
const ms = (us: number | null): number | null => (us === null ? null : Math.round(us / 100) / 10);

/** The chart bucket of a range: the smallest step that keeps a chart at ~400 points at most. */
function bucketFor(fromMs: number, toMs: number): number {
  const steps = [60, 300, 900, 3600, 6 * 3600, 86400];
  return steps.find((s) => (toMs - fromMs) / 1000 / s <= 400) ?? 86400;
}

/** Search, charts and export over the call log. */
export class CallsService {
  private readonly exportDir: string;
  private levels: () => TypeLevelView[] = () => [];
  private findings: FindingsLookup = {
    get: () => {
      throw new ApiError('not_found');
    },
    list: () => [],
  };

  constructor(
    private readonly store: CallEventStore,
    private readonly clock: Clock,
    dataDir: string,
  ) {
    this.exportDir = join(dataDir, 'exports');
    mkdirSync(this.exportDir, { recursive: true, mode: 0o750 });
  }

  /** Where `sensitive` reads the sensitivity levels (defaults and user edits) from. */
  useLevels(levels: () => TypeLevelView[]): void {
    this.levels = levels;
  }

  /** Where `finding` filters, call details and endpoint clients read findings from. */
  useFindings(findings: FindingsLookup): void {
    this.findings = findings;
  }

  /** Searches the call log with the filters of an API query string. */
  async search(query: unknown): Promise<{ calls: CallView[]; next: string | null }> {
    const p = parse(CallSearchParams, query);
    const q: CallQuery = {
      fromUs: p.from === undefined ? undefined : p.from * 1000,
      toUs: p.to === undefined ? undefined : p.to * 1000,
      host: p.host,
      template: p.template,
      method: p.method?.toUpperCase(),
      clientIp: p.client,
      identity: p.identity,
      sensitiveType: p.sensitive,
      detection: p.detection,
      source: p.source,
      finding: p.finding === undefined ? undefined : findingCallKey(this.findings.get(p.finding)),
      text: p.q,
      limit: p.limit,
      cursor: p.cursor,
    };
    if (p.status !== undefined) {
      if (p.status.endsWith('xx')) q.statusClass = Number(p.status[0]);
      else q.status = Number(p.status);
    }
    try {
      const page = await this.store.search(q);
      return { calls: page.calls.map(toCallView), next: page.next };
    } catch (err) {
      if (err instanceof RangeError) throw new ApiError('validation_failed', [{ path: 'cursor', message: err.message }]);
      throw err;
    }
  }

  /**
   * The calls matching a call-log search (same filters as {@link search}) as CSV text, header first, newest first, at
   * most `max` calls; read page by page, so memory stays bounded. Invalid filters throw before the first line.
   */
  async *exportCsv(query: unknown, max = CSV_MAX_ROWS): AsyncGenerator<string, number> {
    const filters = { ...(query as Record<string, unknown>), limit: '500', cursor: undefined };
    let page = await this.search(filters);
    yield callCsvHeader();
    let rows = 0;
    for (;;) {
      let chunk = '';
      for (const c of page.calls) {
        if (rows >= max) break;
        chunk += callCsvLine(c);
        rows++;
      }
      if (chunk !== '') yield chunk;
      if (page.next === null || rows >= max) return rows;
      page = await this.search({ ...filters, cursor: page.next });
    }
  }

  /** The time range of a query (default: the last 24 hours). */
  range(query: unknown): { fromMs: number; toMs: number } {
    const p = parse(z.object({ from: TimeParam.optional(), to: TimeParam.optional() }).loose(), query);
    const toMs = p.to ?? this.clock.now();
    const fromMs = p.from ?? toMs - DAY_MS;
    if (fromMs >= toMs) throw new ApiError('validation_failed', [{ path: 'from', message: 'must be before to' }]);
    return { fromMs, toMs };
  }

  /** Calls per bucket for charts; the bucket grows with the range so a chart has at most ~400 points. */
  async timeline(query: unknown): Promise<{ bucketSeconds: number; buckets: Array<{ time: string; calls: number; errors: number; sensitiveCalls: number; detections: number; bytes: number }> }> {
    const { fromMs, toMs } = this.range(query);
    const host = parse(z.object({ host: Text.optional() }).loose(), query).host;
    const bucketSeconds = bucketFor(fromMs, toMs);
    const buckets = await this.store.timeline(fromMs * 1000, toMs * 1000, bucketSeconds, host);
    return { bucketSeconds, buckets: buckets.map(({ startUs, ...b }) => ({ time: new Date(startUs / 1000).toISOString(), ...b })) };
  }

  /** One endpoint's calls per bucket (statuses by class, mean and p95 latency); buckets sized as in {@link timeline}. */
  async endpointTimeline(query: unknown): Promise<{ bucketSeconds: number; buckets: EndpointBucketView[] }> {
    const { fromMs, toMs } = this.range(query);
    const e = parse(EndpointTimelineParams, query);
    const bucketSeconds = bucketFor(fromMs, toMs);
    const buckets = await this.store.endpointTimeline(fromMs * 1000, toMs * 1000, bucketSeconds, { host: e.host, method: e.method.toUpperCase(), template: e.template });
    return {
      bucketSeconds,
      buckets: buckets.map(({ startUs, latencyAvgUs, latencyP95Us, ...b }) => ({ time: iso(startUs), ...b, latencyAvgMs: ms(latencyAvgUs), latencyP95Ms: ms(latencyP95Us) })),
    };
  }

  /** One stored call with the findings it counts in (those whose key and time span select it). */
  async call(idText: string): Promise<{ call: CallView; findings: FindingRecord[] }> {
    const id = /^\d{1,15}$/.test(idText) ? Number(idText) : NaN;
    const c = Number.isSafeInteger(id) ? await this.store.byId(id) : null;
    if (c === null) throw new ApiError('not_found');
    const findings = c.detections.length === 0 ? [] : this.findings.list({ host: c.host, method: c.method, path: findingPath(c), limit: FINDINGS_READ }).filter((f) => callOfFinding(c, f));
    return { call: toCallView(c), findings };
  }

  /**
   * One endpoint's clients over a range (default 24 h): per client address and identity the calls, error share,
   * sensitive values received, first/last seen, and the findings raised on the endpoint for that client address.
   */
  async endpointClients(query: unknown): Promise<{ from: string; to: string; total: number; clients: EndpointClientView[] }> {
    const { fromMs, toMs } = this.range(query);
    const e = parse(EndpointTimelineParams, query);
    const limit = parse(z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).loose(), query).limit ?? 100;
    const key = { host: e.host, method: e.method.toUpperCase(), template: e.template };
    const r = await this.store.endpointClients(fromMs * 1000, toMs * 1000, key, limit);
    const findings = new Map<string, number>();
    for (const f of this.findings.list({ host: key.host, method: key.method, path: key.template, limit: FINDINGS_READ })) {
      if (f.client !== '') findings.set(f.client, (findings.get(f.client) ?? 0) + 1);
    }
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      total: r.total,
      clients: r.clients.map(({ firstUs, lastUs, ...c }) => ({ ...c, errorShare: c.calls === 0 ? 0 : c.errors / c.calls, findings: findings.get(c.clientIp) ?? 0, first: iso(firstUs), last: iso(lastUs) })),
    };
  }

  /** Sensitive types over a range (default 24 h) with their levels, busiest endpoints and clients (`top` each, ≤ 100). */
  async sensitive(query: unknown): Promise<SensitiveCallsView> {
    const { fromMs, toMs } = this.range(query);
    const top = parse(z.object({ top: z.coerce.number().int().min(1).max(100).optional() }).loose(), query).top ?? 10;
    const summary = await this.store.sensitiveSummary(fromMs * 1000, toMs * 1000, top);
    const seen = new Map(summary.types.map((x) => [x.type, x]));
    const levels = this.levels();
    const known = new Set(levels.map((l) => l.typeId));
    const types: SensitiveTypeView[] = levels.map((l) => {
      const c = seen.get(l.typeId);
      return { type: l.typeId, label: l.label, level: l.level, defaultLevel: l.defaultLevel, edited: l.edited, calls: c?.calls ?? 0, endpoints: c?.endpoints ?? 0, clients: c?.clients ?? 0, last: c === undefined ? null : iso(c.lastUs) };
    });
    for (const c of summary.types) {
      if (!known.has(c.type)) types.push({ type: c.type, label: null, level: null, defaultLevel: null, edited: false, calls: c.calls, endpoints: c.endpoints, clients: c.clients, last: iso(c.lastUs) });
    }
    types.sort((a, b) => b.calls - a.calls || (b.level ?? 0) - (a.level ?? 0) || a.type.localeCompare(b.type));
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      types,
      endpoints: summary.endpoints.map(({ lastUs, ...e }) => ({ ...e, last: iso(lastUs) })),
      clients: summary.clients,
    };
  }

  /** Totals over a range. */
  async totals(query: unknown): Promise<Record<string, unknown>> {
    const { fromMs, toMs } = this.range(query);
    const t = await this.store.totals(fromMs * 1000, toMs * 1000);
    const iso = (us: number | null): string | null => (us === null ? null : new Date(us / 1000).toISOString());
    return { ...t, firstUs: undefined, lastUs: undefined, first: iso(t.firstUs), last: iso(t.lastUs), from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  }

  /** Writes a Parquet export of a range; returns its path (the caller streams and then removes it). */
  async exportParquet(query: unknown): Promise<{ path: string; rows: number; name: string; cleanup: () => void }> {
    const { fromMs, toMs } = this.range(query);
    const name = `calls-${new Date(fromMs).toISOString().replace(/[:.]/g, '-')}.parquet`;
    const path = join(this.exportDir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.parquet`);
    const rows = await this.store.exportParquet(fromMs * 1000, toMs * 1000, path);
    return { path, rows, name, cleanup: () => rmSync(path, { force: true }) };
  }
}
