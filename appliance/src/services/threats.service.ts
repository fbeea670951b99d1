/**
 * Threats in the service: findings from every source kept in SQLite with the status users set (open, acknowledged,
 * resolved, false positive), merged idempotently (a source's cumulative counts add only their growth), the actor
 * links the pipelines drain (which IP used which identity, what each touched), and the attacker view over them and
 * the call log.
 */
import type { AnalysisReport, ReportFinding } from '../analysis/analysis-report.types.ts';
import type { StateDatabase } from '../store/sqlite/state.database.ts';
import type { FindingFilter, FindingRecord, FindingStatus, FindingsRepository } from '../analyzers/tracing/findings.repository.ts';
import type { ActivityDelta, ActorLink, ActorLinksRepository } from '../analyzers/tracing/actor-links.repository.ts';
import { TracingService, type AttackerTrace, type CallEventsSource, type TracedCall } from '../analyzers/tracing/tracing.service.ts';
import type { CallEventStore } from '../store/events/call-event.types.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import type { Principal } from './auth.service.ts';

const key = (f: ReportFinding): string => `${f.type}\u0000${f.host}\u0000${f.method}\u0000${f.path}\u0000${f.client}`;

/** Calls of an actor group from the call log (DuckDB): one query whatever the group's size. */
export class CallLogEvents implements CallEventsSource {
  constructor(private readonly store: CallEventStore) {}

  async callsOf(ips: readonly string[], identities: readonly string[], limit: number): Promise<TracedCall[]> {
    const calls = await this.store.callsOfActors(ips, identities, Math.min(500, limit));
    return calls.reverse().map((c) => ({ ts: new Date(Math.floor(c.tsUs / 1000)).toISOString(), clientIp: c.clientIp, identity: c.identity, method: c.method, host: c.host, path: c.template || c.uri, status: c.status, detections: c.detections }));
  }
}

/** Findings with status, actor links and attacker views. */
export class ThreatsService {
  private readonly statusListeners: Array<(finding: FindingRecord) => void> = [];

  private readonly tracing: TracingService;

  constructor(
    private readonly db: StateDatabase,
    private readonly findings: FindingsRepository,
    private readonly links: ActorLinksRepository,
    callLog: CallEventStore,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {
    this.tracing = new TracingService(findings, links, new CallLogEvents(callLog), () => new Date(clock.now()));
  }

  /**
   * Merges the findings of `report` as `source`'s cumulative contribution: only the growth of each count since the
   * source's previous merge is added, so re-imports and repeated live snapshots never count twice.
   */
  ingest(report: AnalysisReport, source: string): { merged: number } {
    const getPrev = this.db.prepare('SELECT count FROM finding_contributions WHERE source = ? AND finding_key = ?');
    const setPrev = this.db.prepare('INSERT INTO finding_contributions (source, finding_key, count) VALUES (?, ?, ?) ON CONFLICT (source, finding_key) DO UPDATE SET count = excluded.count');
    const deltas: ReportFinding[] = [];
    this.db.transaction(() => {
      for (const f of report.findings) {
        const k = key(f);
        const prev = (getPrev.get(source, k) as { count: number } | undefined)?.count ?? 0;
        if (f.count > prev) deltas.push({ ...f, count: f.count - prev });
        if (f.count !== prev) setPrev.run(source, k, Math.max(prev, f.count));
      }
      if (deltas.length > 0) this.findings.upsertMany(deltas);
    })();
    return { merged: deltas.length };
  }

  /** Merges actor-link deltas drained from a pipeline. */
  mergeActors(links: readonly ActorLink[], activity: readonly ActivityDelta[]): void {
    if (links.length > 0 || activity.length > 0) this.links.merge(links, activity);
  }

  list(filter: FindingFilter): FindingRecord[] {
    return this.findings.list(filter);
  }

  get(id: number): FindingRecord {
    const f = this.findings.get(id);
    if (f === null) throw new ApiError('not_found');
    return f;
  }

  /** Sets a finding's status (acknowledge, resolve, false positive, reopen), audited; status listeners follow. */
  setStatus(id: number, status: FindingStatus, note: string, who: Principal, ip: string): FindingRecord {
    const f = this.tracing.setFindingStatus(id, status, who.username, note);
    if (f === null) throw new ApiError('not_found');
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'finding.status', target: `finding:${id}`, ip, detail: { status, type: f.type } });
    for (const l of this.statusListeners) l(f);
    return f;
  }

  /** Calls `listener` after each finding status change (the endpoint's risk is re-scored at once). */
  onStatusChange(listener: (finding: FindingRecord) => void): void {
    this.statusListeners.push(listener);
  }

  /** The attacker view of a client IP or identity. */
  trace(seed: { ip: string } | { identity: string }): Promise<AttackerTrace> {
    return this.tracing.trace(seed);
  }
}
