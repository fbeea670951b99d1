/**
 * The report data source over today's stores: the findings table (live findings), the sensitive field-exposure
 * table, and the reports of analysed capture uploads (endpoints, clients, findings, engine counters). "New in the
 * period" means first known in (start, end]: for stored rows their first-seen time, for capture content the finish
 * time of the first capture that contained it.
 */
import type { Severity } from '../analyzers/call.context.ts';
import type { FindingRecord } from '../analyzers/tracing/findings.repository.ts';
import type { AnalysisReport, ReportFinding } from '../analysis/analysis-report.types.ts';
import type { CaptureRun } from '../store/sqlite/capture-runs.repository.ts';
import type { FieldExposureRow } from '../store/sqlite/sensitive.repository.ts';
import {
  type ReportAttackerLine,
  type ReportData,
  type ReportDataSource,
  type ReportEndpointLine,
  type ReportFindingLine,
  type ReportLifecycleLine,
  type ReportPeriod,
  type ReportScope,
  type ReportSensitiveField,
} from './report.types.ts';

/** The stores this source reads (the repositories and the capture-runs service satisfy it). */
export interface StoredReportInputs {
  findings: { list(filter: { limit: number }): FindingRecord[] };
  sensitive: { fieldExposure(): FieldExposureRow[] };
  captures: { list(limit: number): CaptureRun[]; report(id: number): { run: CaptureRun; report: AnalysisReport } | undefined };
  /**
   * The stored inventory (every source, live capture included): when given, endpoints come from it — "new" meaning
   * recorded as new in the period — and its lifecycle changes are listed.
   */
  inventory?: {
    list(f: { limit: number }): { endpoints: Array<{ host: string; method: string; template: string; calls: number; sensitive: string[]; risk: number; firstSeen: number }> };
    changes(sinceMs: number, limit: number): Array<{ at: number; host: string; method: string; template: string; kind: string }>;
  };
  /** Endpoint risk history: when given, the report lists the period's risk movers. */
  risk?: { movers(fromMs: number, toMs: number, hosts: readonly string[], limit: number): Array<{ host: string; method: string; path: string; before: number | null; after: number }> };
}

const LIFECYCLE_KINDS = new Set(['revived', 'dormant', 'retired', 'merged']);

/** Lines listed per section (counts cover everything). */
export const REPORT_LIST_LIMIT = 10;

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
const MAX_CAPTURE_RUNS = 500;

interface FindingAgg {
  line: ReportFindingLine;
  since: number;
}

const findingKey = (f: { type: string; host: string; method: string; path: string; client: string }): string => `${f.type}\u0000${f.host}\u0000${f.method}\u0000${f.path}\u0000${f.client}`;
const endpointKey = (e: { host: string; method: string; path: string }): string => `${e.host}\u0000${e.method}\u0000${e.path}`;
const inPeriod = (t: number, p: ReportPeriod): boolean => t > p.start && t <= p.end;
const byFindingWeight = (a: ReportFindingLine, b: ReportFindingLine): number =>
  RANK[b.severity] - RANK[a.severity] || Number(b.outcome === 'likely_success') - Number(a.outcome === 'likely_success') || b.count - a.count || a.type.localeCompare(b.type);

/** A {@link ReportDataSource} over the findings and sensitive tables and the stored capture-run reports. */
export class StoredReportDataSource implements ReportDataSource {
  constructor(private readonly inputs: StoredReportInputs) {}

  collect(period: ReportPeriod, scope: ReportScope): ReportData {
    const hostSet = new Set(scope.hosts);
    const inScope = (host: string): boolean => hostSet.size === 0 || hostSet.has(host);
    const runs = this.inputs.captures.list(MAX_CAPTURE_RUNS).filter((r) => r.startedAt <= period.end).sort((a, b) => a.id - b.id);
    const done = runs.filter((r) => r.status === 'done' && r.finishedAt !== null && r.finishedAt <= period.end);
    const reports = done.flatMap((r) => {
      const got = this.inputs.captures.report(r.id);
      return got === undefined ? [] : [{ run: r, at: r.finishedAt!, report: got.report }];
    });

    // Endpoints: known once a capture containing them finished.
    const endpoints = new Map<string, ReportEndpointLine & { since: number }>();
    for (const { at, report } of reports) {
      for (const e of report.endpoints) {
        if (!inScope(e.host)) continue;
        const k = endpointKey(e);
        const cur = endpoints.get(k);
        if (cur === undefined) endpoints.set(k, { host: e.host, method: e.method, path: e.path, calls: e.calls, sensitive: [...e.sensitive].sort(), risk: e.risk, since: at });
        else {
          cur.calls += e.calls;
          cur.risk = Math.max(cur.risk, e.risk);
          cur.sensitive = [...new Set([...cur.sensitive, ...e.sensitive])].sort();
        }
      }
    }

    // The stored inventory, when attached, is the endpoint list of record (it also holds what live capture saw).
    const lifecycle: ReportLifecycleLine[] = [];
    if (this.inputs.inventory !== undefined) {
      const changes = this.inputs.inventory.changes(0, 100_000).filter((c) => c.at <= period.end && inScope(c.host));
      const newAt = new Map<string, number>();
      for (const c of changes) {
        const k = endpointKey({ host: c.host, method: c.method, path: c.template });
        if (c.kind === 'new') newAt.set(k, Math.min(c.at, newAt.get(k) ?? Infinity));
        else if (LIFECYCLE_KINDS.has(c.kind) && inPeriod(c.at, period)) lifecycle.push({ kind: c.kind as ReportLifecycleLine['kind'], host: c.host, method: c.method, path: c.template, at: c.at });
      }
      for (const e of this.inputs.inventory.list({ limit: 5000 }).endpoints) {
        if (!inScope(e.host)) continue;
        const k = endpointKey({ host: e.host, method: e.method, path: e.template });
        const since = newAt.get(k) ?? e.firstSeen;
        if (since > period.end) continue;
        const cur = endpoints.get(k);
        if (cur === undefined) endpoints.set(k, { host: e.host, method: e.method, path: e.template, calls: e.calls, sensitive: [...e.sensitive].sort(), risk: e.risk, since });
        else {
          cur.calls = Math.max(cur.calls, e.calls);
          cur.since = Math.min(cur.since, since);
        }
      }
      lifecycle.sort((a, b) => b.at - a.at || a.kind.localeCompare(b.kind));
    }

    // Findings: stored rows win; capture findings fill in what the table does not hold.
    const findings = new Map<string, FindingAgg>();
    for (const { at, report } of reports) {
      for (const f of report.findings) if (inScope(f.host)) mergeCaptureFinding(findings, f, at);
    }
    for (const f of this.inputs.findings.list({ limit: 10_000 })) {
      if (!inScope(f.host)) continue;
      const since = Date.parse(f.firstSeen);
      if (!(since <= period.end)) continue;
      const prev = findings.get(findingKey(f));
      findings.set(findingKey(f), {
        since: Math.min(since, prev?.since ?? Infinity),
        line: { type: f.type, category: f.category, severity: f.severity, host: f.host, method: f.method, path: f.path, client: f.client, count: f.count, outcome: f.outcome, status: f.status, evidence: f.evidence },
      });
    }
    const allFindings = [...findings.values()];
    const open = allFindings.filter((f) => f.line.status === 'open' || f.line.status === 'acknowledged').map((f) => f.line);
    const newFindings = allFindings.filter((f) => inPeriod(f.since, period)).map((f) => f.line).sort(byFindingWeight);

    // Sensitive exposure: stored field rows, plus the types capture reports list per endpoint.
    const fieldRows = this.inputs.sensitive.fieldExposure().filter((r) => inScope(r.host));
    const newFields: ReportSensitiveField[] = [];
    const byType = new Map<string, { endpoints: Set<string>; fields: Set<string>; hits: number }>();
    const typeOf = (t: string) => {
      let v = byType.get(t);
      if (v === undefined) byType.set(t, (v = { endpoints: new Set(), fields: new Set(), hits: 0 }));
      return v;
    };
    const storedTypes = new Set<string>();
    for (const r of fieldRows) {
      if (r.firstSeenUs / 1000 > period.end) continue;
      const t = typeOf(r.typeId);
      t.endpoints.add(endpointKey(r));
      t.fields.add(`${endpointKey(r)}\u0000${r.direction}\u0000${r.location}\u0000${r.field}`);
      t.hits += r.hits;
      storedTypes.add(`${endpointKey(r)}\u0000${r.typeId}`);
      if (inPeriod(r.firstSeenUs / 1000, period)) newFields.push({ host: r.host, method: r.method, path: r.path, direction: r.direction, location: r.location, field: r.field, typeId: r.typeId });
    }
    for (const e of endpoints.values()) {
      for (const typeId of e.sensitive) {
        typeOf(typeId).endpoints.add(endpointKey(e));
        if (!storedTypes.has(`${endpointKey(e)}\u0000${typeId}`) && inPeriod(e.since, period)) newFields.push({ host: e.host, method: e.method, path: e.path, direction: '', location: '', field: '', typeId });
      }
    }
    newFields.sort((a, b) => a.typeId.localeCompare(b.typeId) || a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.field.localeCompare(b.field));

    // Clients in the period's captures, and the clients behind findings.
    const calls = new Map<string, number>();
    for (const { at, report } of reports) if (inPeriod(at, period)) for (const c of report.clients) calls.set(c.ip, (calls.get(c.ip) ?? 0) + c.calls);
    const attackers = new Map<string, ReportAttackerLine>();
    for (const f of open) {
      if (f.client === '' || f.category === 'inventory' || f.category === 'sensitive') continue;
      const a = attackers.get(f.client) ?? { client: f.client, findings: 0, events: 0, worstSeverity: 'info' as Severity, likelySuccess: false, calls: calls.get(f.client) ?? 0 };
      a.findings += 1;
      a.events += f.count;
      if (RANK[f.severity] > RANK[a.worstSeverity]) a.worstSeverity = f.severity;
      a.likelySuccess ||= f.outcome === 'likely_success';
      attackers.set(f.client, a);
    }
    const topAttackers = [...attackers.values()]
      .sort((a, b) => RANK[b.worstSeverity] - RANK[a.worstSeverity] || Number(b.likelySuccess) - Number(a.likelySuccess) || b.events - a.events || a.client.localeCompare(b.client))
      .slice(0, REPORT_LIST_LIMIT);

    // Capture health of the runs started in the period.
    const periodRuns = runs.filter((r) => inPeriod(r.startedAt, period));
    const weird = new Map<string, number>();
    const capture = { runs: periodRuns.length, failedRuns: periodRuns.filter((r) => r.status === 'failed').length, transactions: 0, packets: 0, bytes: 0, parseErrors: 0, tcpGaps: 0 };
    for (const { run, report } of reports) {
      if (!inPeriod(run.startedAt, period)) continue;
      const s = report.stats;
      capture.transactions += s.transactions;
      capture.packets += s.packets;
      capture.bytes += s.bytes;
      capture.parseErrors += s.parseErrors;
      capture.tcpGaps += s.tcpGaps;
      for (const [k, v] of Object.entries(s.weird)) weird.set(k, (weird.get(k) ?? 0) + v);
    }

    const openBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const f of open) openBySeverity[f.severity] += 1;
    const endpointList = [...endpoints.values()];
    const newEndpoints = endpointList.filter((e) => inPeriod(e.since, period)).sort((a, b) => b.risk - a.risk || b.calls - a.calls || a.host.localeCompare(b.host) || a.path.localeCompare(b.path));
    const sensitiveEndpoints = new Set<string>();
    for (const t of byType.values()) for (const e of t.endpoints) sensitiveEndpoints.add(e);
    const hosts = new Set<string>([...endpointList.map((e) => e.host), ...fieldRows.map((r) => r.host)]);
    const strip = ({ since: _since, ...e }: ReportEndpointLine & { since: number }): ReportEndpointLine => e;

    const movers = (this.inputs.risk?.movers(period.start, period.end, scope.hosts, 1000) ?? []).map((m) => ({ host: m.host, method: m.method, path: m.path, before: m.before, after: m.after }));
    return {
      period,
      scope: { hosts: [...scope.hosts] },
      posture: {
        hosts: hosts.size,
        endpoints: endpointList.length,
        sensitiveEndpoints: sensitiveEndpoints.size,
        openFindings: open.length,
        openBySeverity,
        likelySuccess: open.filter((f) => f.category === 'attack' && f.outcome === 'likely_success').length,
      },
      changes: {
        newEndpoints: newEndpoints.slice(0, REPORT_LIST_LIMIT).map(strip),
        newEndpointCount: newEndpoints.length,
        newSensitiveFields: newFields.slice(0, REPORT_LIST_LIMIT),
        newSensitiveFieldCount: newFields.length,
        newFindings: newFindings.slice(0, REPORT_LIST_LIMIT),
        newFindingCount: newFindings.length,
        lifecycle: lifecycle.slice(0, REPORT_LIST_LIMIT),
        lifecycleCount: lifecycle.length,
        shadowApis: open.filter((f) => f.type === 'shadow_api').length,
        zombieApis: open.filter((f) => f.type === 'zombie_api').length,
        riskMovers: movers.slice(0, REPORT_LIST_LIMIT),
        riskMoverCount: movers.length,
      },
      topFindings: [...open].sort(byFindingWeight).slice(0, REPORT_LIST_LIMIT),
      topAttackers,
      sensitive: {
        byType: [...byType.entries()]
          .map(([typeId, t]) => ({ typeId, endpoints: t.endpoints.size, fields: t.fields.size, hits: t.hits }))
          .sort((a, b) => b.endpoints - a.endpoints || b.hits - a.hits || a.typeId.localeCompare(b.typeId)),
      },
      capture: {
        ...capture,
        weird: [...weird.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)).slice(0, 8),
        lastCaptureAt: done.length > 0 ? Math.max(...done.map((r) => r.finishedAt!)) : null,
      },
    };
  }
}

function mergeCaptureFinding(into: Map<string, FindingAgg>, f: ReportFinding, at: number): void {
  const k = findingKey(f);
  const cur = into.get(k);
  if (cur === undefined) {
    into.set(k, { since: at, line: { type: f.type, category: f.category, severity: f.severity, host: f.host, method: f.method, path: f.path, client: f.client, count: f.count, outcome: f.outcome ?? null, status: 'open', evidence: f.evidence } });
    return;
  }
  cur.line.count += f.count;
  if (RANK[f.severity] > RANK[cur.line.severity]) cur.line.severity = f.severity;
  if (f.outcome === 'likely_success' || cur.line.outcome === null) cur.line.outcome = f.outcome ?? cur.line.outcome;
  cur.line.evidence = f.evidence;
}

