/**
 * Endpoint risk across sources and time. Each analysed report brings the risk analyzer's traffic factors (sensitivity,
 * authentication) per endpoint and source; re-scoring combines the worst of every source's traffic factors with the
 * exposure, attack and abuse factors recomputed from the stored findings that are still open or acknowledged, so
 * resolving a finding or marking it a false positive lowers the score at the next re-scoring. Score changes are kept
 * as history, from which reports list the risk movers of a period.
 */
import type { AnalysisReport } from '../analysis/analysis-report.types.ts';
import { DEFAULT_RISK_WEIGHTS, scoreEndpoint, type RiskFactor, type RiskWeights } from '../analyzers/risk/risk.model.ts';
import { mergeRiskFactors, riskScore, TRAFFIC_FACTORS } from '../analyzers/risk/risk.factors.ts';
import type { Clock } from '../store/clock.repository.ts';
import { riskEndpointKey, type RiskRepository, type StoredRisk } from '../store/sqlite/risk.repository.ts';

/** Smallest score change listed as a risk mover. */
export const RISK_MOVER_MIN_DELTA = 5;

/** Days of score history kept (each endpoint's newest row is always kept). */
export const RISK_HISTORY_DAYS = 400;

/** The outcome of a re-scoring pass. */
export interface RescoreResult {
  scored: number;
  changed: number;
}

/** An endpoint whose score moved in a period. */
export interface RiskMover {
  endpointId: number;
  host: string;
  method: string;
  path: string;
  /** Score at the period's start (null: first scored in the period). */
  before: number | null;
  after: number;
  delta: number;
}

/** Re-scores stored endpoints and answers risk history questions. */
export class RiskService {
  constructor(
    private readonly repo: RiskRepository,
    private readonly clock: Clock,
    private readonly weights: RiskWeights = DEFAULT_RISK_WEIGHTS,
  ) {}

  /**
   * Records the traffic factors of `report` (after the declared specs and the inventory ingest applied it) for
   * `source`, then re-scores the endpoints it named. Endpoints not in the stored inventory are skipped.
   */
  recordReport(report: AnalysisReport, source: string): RescoreResult {
    const now = this.clock.now();
    const ids: number[] = [];
    this.repo.transaction(() => {
      for (const r of report.endpointRisk ?? []) {
        const id = this.repo.endpointId(r.host, r.method, r.path);
        if (id === undefined) continue;
        this.repo.setSourceFactors(id, source, r.factors.filter((f) => TRAFFIC_FACTORS.has(f.factor)), now);
        ids.push(id);
      }
    });
    return this.rescore(ids);
  }

  /** Re-scores the given endpoints, or every stored endpoint. */
  rescore(ids?: readonly number[]): RescoreResult {
    const now = this.clock.now();
    return this.repo.transaction(() => {
      const endpoints = this.repo.endpoints(ids);
      const findings = this.repo.openFindingsByEndpoint(ids === undefined ? undefined : endpoints);
      let changed = 0;
      for (const e of endpoints) {
        const traffic = mergeRiskFactors(...this.repo.sourceFactors(e.id)).filter((f) => TRAFFIC_FACTORS.has(f.factor));
        const fromFindings = scoreEndpoint(
          { calls: 0, anonymousCalls: 0, schemes: [], carriers: [], responseSensitive: [], requestSensitive: [], findings: findings.get(riskEndpointKey(e.host, e.method, e.template)) ?? [] },
          this.weights,
        ).factors.filter((f) => !TRAFFIC_FACTORS.has(f.factor));
        const factors: RiskFactor[] = mergeRiskFactors(traffic, fromFindings);
        let score = riskScore(factors);
        // The stored score is the newest history row's, so it tells whether the score moved.
        const stored = this.repo.get(e.id);
        // Endpoints stored before per-source factors existed keep their score until traffic re-scores them.
        if (traffic.length === 0 && stored === undefined) score = Math.max(score, e.score);
        const moved = stored?.score !== score;
        if (moved) changed++;
        this.repo.setScore(e.id, score, factors, now, moved);
      }
      return { scored: endpoints.length, changed };
    });
  }

  /** Re-scores the stored endpoint `host method template` (after one of its findings changed status), if stored. */
  rescoreEndpoint(host: string, method: string, template: string): RescoreResult {
    const id = this.repo.endpointId(host, method, template);
    return id === undefined ? { scored: 0, changed: 0 } : this.rescore([id]);
  }

  /** The stored breakdown of an endpoint's score with its recent history (newest first), if it was scored. */
  breakdown(endpointId: number, historyLimit = 100): (StoredRisk & { history: Array<{ at: number; score: number }> }) | undefined {
    const r = this.repo.get(endpointId);
    return r === undefined ? undefined : { ...r, history: this.repo.history(endpointId, historyLimit) };
  }

  /**
   * Endpoints whose score moved by at least {@link RISK_MOVER_MIN_DELTA} between `fromMs` and `toMs` (an endpoint
   * first scored in the period moves from 0), biggest moves first.
   */
  movers(fromMs: number, toMs: number, hosts: readonly string[] = [], limit = 50): RiskMover[] {
    return this.repo
      .moves(fromMs, toMs, hosts)
      .map((r) => ({ endpointId: r.id, host: r.host, method: r.method, path: r.template, before: r.before, after: r.after, delta: r.after - (r.before ?? 0) }))
      .filter((m) => Math.abs(m.delta) >= RISK_MOVER_MIN_DELTA)
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || b.after - a.after || a.endpointId - b.endpointId)
      .slice(0, Math.max(1, limit));
  }

  /** Drops score history older than {@link RISK_HISTORY_DAYS} (each endpoint keeps its newest row). */
  pruneHistory(): number {
    return this.repo.pruneHistory(this.clock.now() - RISK_HISTORY_DAYS * 86_400_000);
  }
}
