/**
 * The findings repository (SQLite state database, migration 0200): aggregated findings keyed by (type, host,
 * method, path, client) with counts, first/last seen, latest evidence, and the status users set. Merging new
 * occurrences adds counts and widens first/last seen; a `resolved` finding that occurs again after it was resolved
 * is reopened, while `acknowledged` and `false_positive` stay as the user set them. All SQL is parameterised.
 */
import type { StateDatabase } from '../../store/sqlite/state.database.ts';
import type { ReportFinding } from '../../analysis/analysis-report.types.ts';
import type { AttackOutcome, FindingCategory, Severity } from '../call.context.ts';

/** The statuses a user can give a finding. */
export const FINDING_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;

/** A finding's status. */
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** True when `s` is a finding status. */
export function isFindingStatus(s: unknown): s is FindingStatus {
  return typeof s === 'string' && (FINDING_STATUSES as readonly string[]).includes(s);
}

/** A stored finding. */
export interface FindingRecord {
  id: number;
  type: string;
  category: FindingCategory;
  severity: Severity;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  evidence: string;
  outcome: AttackOutcome | null;
  status: FindingStatus;
  statusNote: string;
  statusBy: string;
  statusAt: string | null;
}

/** Filters of {@link FindingsRepository.list}. */
export interface FindingFilter {
  clients?: string[];
  status?: FindingStatus[];
  category?: FindingCategory;
  host?: string;
  path?: string;
  method?: string;
  /** Most rows (default 500, at most 10,000). */
  limit?: number;
}

/** A row of the findings table. */
export interface FindingRow {
  id: number;
  type: string;
  category: string;
  severity: string;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  first_seen: string;
  last_seen: string;
  evidence: string;
  outcome: string | null;
  status: string;
  status_note: string;
  status_by: string;
  status_at: string | null;
}

/** A findings-table row as a {@link FindingRecord}. */
export function toFindingRecord(r: FindingRow): FindingRecord {
  return {
    id: r.id,
    type: r.type,
    category: r.category as FindingCategory,
    severity: r.severity as Severity,
    host: r.host,
    method: r.method,
    path: r.path,
    client: r.client,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    evidence: r.evidence,
    outcome: r.outcome as AttackOutcome | null,
    status: r.status as FindingStatus,
    statusNote: r.status_note,
    statusBy: r.status_by,
    statusAt: r.status_at,
  };
}

const SEVERITY_SQL = "CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END";

/** Stores and queries findings in the state database. */
export class FindingsRepository {
  private readonly upsertStmt;
  private readonly byIdStmt;
  private readonly statusStmt;

  constructor(private readonly db: StateDatabase) {
    // Severity only rises; evidence follows the latest occurrence; outcome keeps likely_success once seen.
    this.upsertStmt = db.prepare(`
      INSERT INTO findings (type, category, severity, host, method, path, client, count, first_seen, last_seen, evidence, outcome)
      VALUES (@type, @category, @severity, @host, @method, @path, @client, @count, @firstSeen, @lastSeen, @evidence, @outcome)
      ON CONFLICT (type, host, method, path, client) DO UPDATE SET
        count = findings.count + excluded.count,
        first_seen = min(findings.first_seen, excluded.first_seen),
        evidence = CASE WHEN excluded.last_seen >= findings.last_seen THEN excluded.evidence ELSE findings.evidence END,
        last_seen = max(findings.last_seen, excluded.last_seen),
        severity = CASE WHEN ${SEVERITY_SQL.replaceAll('severity', 'excluded.severity')} > ${SEVERITY_SQL.replaceAll('severity', 'findings.severity')}
                        THEN excluded.severity ELSE findings.severity END,
        outcome = CASE WHEN findings.outcome = 'likely_success' OR excluded.outcome = 'likely_success' THEN 'likely_success'
                       ELSE coalesce(excluded.outcome, findings.outcome) END,
        status = CASE WHEN findings.status = 'resolved' AND excluded.last_seen > coalesce(findings.status_at, '') THEN 'open' ELSE findings.status END`);
    this.byIdStmt = db.prepare('SELECT * FROM findings WHERE id = ?');
    this.statusStmt = db.prepare('UPDATE findings SET status = ?, status_note = ?, status_by = ?, status_at = ? WHERE id = ?');
  }

  /** Merges aggregated findings (e.g. a report's, or a live flush) in one transaction. */
  upsertMany(findings: readonly ReportFinding[]): void {
    const run = this.db.transaction((list: readonly ReportFinding[]) => {
      for (const f of list) {
        this.upsertStmt.run({
          type: f.type,
          category: f.category,
          severity: f.severity,
          host: f.host,
          method: f.method,
          path: f.path,
          client: f.client,
          count: f.count,
          firstSeen: f.firstSeen,
          lastSeen: f.lastSeen,
          evidence: f.evidence,
          outcome: f.outcome ?? null,
        });
      }
    });
    run(findings);
  }

  /** One finding, or null. */
  get(id: number): FindingRecord | null {
    const r = this.byIdStmt.get(id) as FindingRow | undefined;
    return r === undefined ? null : toFindingRecord(r);
  }

  /** Sets a finding's status; returns the updated record, or null when no finding has that id. */
  setStatus(id: number, status: FindingStatus, by: string, note: string, at: string): FindingRecord | null {
    if (!isFindingStatus(status)) throw new RangeError(`unknown finding status: ${String(status)}`);
    const res = this.statusStmt.run(status, note.slice(0, 2000), by.slice(0, 200), at, id);
    return res.changes === 0 ? null : this.get(id);
  }

  /** Findings matching `filter`, most severe and most recent first. */
  list(filter: FindingFilter = {}): FindingRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.clients !== undefined) {
      if (filter.clients.length === 0) return [];
      where.push(`client IN (${filter.clients.map(() => '?').join(', ')})`);
      params.push(...filter.clients);
    }
    if (filter.status !== undefined) {
      if (filter.status.length === 0) return [];
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.category !== undefined) {
      where.push('category = ?');
      params.push(filter.category);
    }
    for (const [col, v] of [['host', filter.host], ['path', filter.path], ['method', filter.method]] as const) {
      if (v !== undefined) {
        where.push(`${col} = ?`);
        params.push(v);
      }
    }
    const limit = Math.max(1, Math.min(10_000, Math.floor(filter.limit ?? 500)));
    const sql = `SELECT * FROM findings ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${SEVERITY_SQL} DESC, last_seen DESC, id LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...params) as FindingRow[]).map(toFindingRecord);
  }
}
