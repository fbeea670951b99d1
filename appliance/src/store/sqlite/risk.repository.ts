/**
 * Stored endpoint risk (migration 0203): the traffic factors each source last reported per endpoint, the consolidated
 * score with its breakdown (mirrored into `inventory_endpoints.risk`), the score history, and the open findings the
 * re-scoring reads. Every query is parameterised.
 */
import { prepared, type StateDatabase } from './state.database.ts';
import type { RiskFactor } from '../../analyzers/risk/risk.model.ts';
import type { ReportFinding } from '../../analysis/analysis-report.types.ts';
import { toFindingRecord, type FindingRow } from '../../analyzers/tracing/findings.repository.ts';

/** An endpoint as the re-scoring sees it. */
export interface RiskEndpointRef {
  id: number;
  host: string;
  method: string;
  template: string;
  /** The score stored now. */
  score: number;
}

/** An endpoint's score at the start and at the end of a period. */
export interface RiskMoveRow {
  id: number;
  host: string;
  method: string;
  template: string;
  /** Score at the period's start; null when the endpoint had no score yet. */
  before: number | null;
  after: number;
}

/** The stored breakdown of one endpoint. */
export interface StoredRisk {
  score: number;
  factors: RiskFactor[];
  scoredAt: number;
}

/** Endpoint key used to group findings. */
function key(host: string, method: string, path: string): string {
  return `${host}\u0000${method}\u0000${path}`;
}

/** Reads and writes the stored risk of endpoints. */
export class RiskRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The id of the stored endpoint `host method template`, if any. */
  endpointId(host: string, method: string, template: string): number | undefined {
    const r = prepared(this.db, 'SELECT id FROM inventory_endpoints WHERE host = ? AND method = ? AND template = ?').get(host, method, template) as
      | { id: number }
      | undefined;
    return r?.id;
  }

  /**
   * Records the traffic factors `source` reported for an endpoint (replacing that source's earlier report); the same
   * factors again write nothing (`reported_at` is when they last changed).
   */
  setSourceFactors(endpointId: number, source: string, factors: readonly RiskFactor[], at: number): void {
    prepared(
      this.db,
      `INSERT INTO endpoint_risk_sources (endpoint_id, source, factors, reported_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (endpoint_id, source) DO UPDATE SET factors = excluded.factors, reported_at = excluded.reported_at
       WHERE endpoint_risk_sources.factors IS NOT excluded.factors`,
    ).run(endpointId, source, JSON.stringify(factors), at);
  }

  /** The traffic factors every source reported for an endpoint. */
  sourceFactors(endpointId: number): RiskFactor[][] {
    const rows = prepared(this.db, 'SELECT factors FROM endpoint_risk_sources WHERE endpoint_id = ?').all(endpointId) as Array<{ factors: string }>;
    return rows.map((r) => JSON.parse(r.factors) as RiskFactor[]);
  }

  /** Stored endpoints (all, or those with the given ids), with their current score. */
  endpoints(ids?: readonly number[]): RiskEndpointRef[] {
    const base = 'SELECT id, host, method, template, risk AS score FROM inventory_endpoints';
    if (ids === undefined) return prepared(this.db, `${base} ORDER BY id`).all() as RiskEndpointRef[];
    const out: RiskEndpointRef[] = [];
    const one = prepared(this.db, `${base} WHERE id = ?`);
    for (const id of ids) {
      const r = one.get(id) as RiskEndpointRef | undefined;
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /**
   * Findings that still count for risk (open or acknowledged), grouped by endpoint key. With `endpoints`, only theirs.
   */
  openFindingsByEndpoint(endpoints?: readonly RiskEndpointRef[]): Map<string, ReportFinding[]> {
    const out = new Map<string, ReportFinding[]>();
    const add = (r: FindingRow): void => {
      const k = key(r.host, r.method, r.path);
      let list = out.get(k);
      if (list === undefined) out.set(k, (list = []));
      const f = toFindingRecord(r);
      list.push({ ...f, outcome: f.outcome ?? undefined });
    };
    if (endpoints === undefined) {
      for (const r of prepared(this.db, `SELECT * FROM findings WHERE status IN ('open', 'acknowledged')`).iterate()) add(r as FindingRow);
      return out;
    }
    const one = prepared(this.db, `SELECT * FROM findings WHERE host = ? AND path = ? AND method = ? AND status IN ('open', 'acknowledged')`);
    for (const e of endpoints) for (const r of one.iterate(e.host, e.template, e.method)) add(r as FindingRow);
    return out;
  }

  /**
   * Stores a score: breakdown, the inventory's risk column, and a history row when the score changed. An unchanged
   * score and breakdown write nothing (live capture re-scores every endpoint of each report), so `scored_at` is when
   * the current breakdown was first computed.
   */
  setScore(endpointId: number, score: number, factors: readonly RiskFactor[], at: number, changed: boolean): void {
    prepared(
      this.db,
      `INSERT INTO endpoint_risk (endpoint_id, score, factors, scored_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (endpoint_id) DO UPDATE SET score = excluded.score, factors = excluded.factors, scored_at = excluded.scored_at
       WHERE endpoint_risk.score IS NOT excluded.score OR endpoint_risk.factors IS NOT excluded.factors`,
    ).run(endpointId, score, JSON.stringify(factors), at);
    prepared(this.db, 'UPDATE inventory_endpoints SET risk = ? WHERE id = ? AND risk IS NOT ?').run(score, endpointId, score);
    if (changed) {
      prepared(this.db, 'INSERT INTO endpoint_risk_history (endpoint_id, at, score) VALUES (?, ?, ?) ON CONFLICT (endpoint_id, at) DO UPDATE SET score = excluded.score').run(endpointId, at, score);
    }
  }

  /** An endpoint's score history, newest first. */
  history(endpointId: number, limit: number): Array<{ at: number; score: number }> {
    return prepared(this.db, 'SELECT at, score FROM endpoint_risk_history WHERE endpoint_id = ? ORDER BY at DESC LIMIT ?').all(endpointId, limit) as Array<{
      at: number;
      score: number;
    }>;
  }

  /** The stored breakdown of an endpoint. */
  get(endpointId: number): StoredRisk | undefined {
    const r = prepared(this.db, 'SELECT score, factors, scored_at FROM endpoint_risk WHERE endpoint_id = ?').get(endpointId) as
      | { score: number; factors: string; scored_at: number }
      | undefined;
    return r === undefined ? undefined : { score: r.score, factors: JSON.parse(r.factors) as RiskFactor[], scoredAt: r.scored_at };
  }

  /**
   * Endpoints whose score changed in (`fromMs`, `toMs`]: the score in force at `fromMs` (null if none) and at `toMs`.
   * Restricted to `hosts` when given.
   */
  moves(fromMs: number, toMs: number, hosts: readonly string[]): RiskMoveRow[] {
    const hostSql = hosts.length > 0 ? `AND e.host IN (${hosts.map(() => '?').join(', ')})` : '';
    const sql = `
      WITH moved AS (SELECT DISTINCT endpoint_id FROM endpoint_risk_history WHERE at > ? AND at <= ?)
      SELECT e.id, e.host, e.method, e.template,
        (SELECT h.score FROM endpoint_risk_history h WHERE h.endpoint_id = e.id AND h.at <= ? ORDER BY h.at DESC LIMIT 1) AS before,
        (SELECT h.score FROM endpoint_risk_history h WHERE h.endpoint_id = e.id AND h.at <= ? ORDER BY h.at DESC LIMIT 1) AS after
      FROM moved m JOIN inventory_endpoints e ON e.id = m.endpoint_id
      WHERE 1 = 1 ${hostSql}`;
    return prepared(this.db, sql).all(fromMs, toMs, fromMs, toMs, ...hosts) as RiskMoveRow[];
  }

  /** Removes history rows older than `beforeMs`, keeping each endpoint's newest row. Returns the rows removed. */
  pruneHistory(beforeMs: number): number {
    return prepared(
      this.db,
      `DELETE FROM endpoint_risk_history WHERE at < ?
         AND at < (SELECT max(h.at) FROM endpoint_risk_history h WHERE h.endpoint_id = endpoint_risk_history.endpoint_id)`,
    ).run(beforeMs).changes;
  }
}

/** The grouping key of findings for an endpoint (see {@link RiskRepository.openFindingsByEndpoint}). */
export function riskEndpointKey(host: string, method: string, template: string): string {
  return key(host, method, template);
}
