/**
 * Combining risk factor breakdowns: the same endpoint scored by several runs or sources (or several observed paths
 * folded into one declared template) keeps, per factor, the breakdown with the most points; the score is the capped
 * sum. Used by the spec mapping of a report and by the stored risk re-scoring.
 */
import type { RiskFactor } from './risk.model.ts';

/** The factors whose points come from traffic facts; the other factors come from findings. */
export const TRAFFIC_FACTORS: ReadonlySet<RiskFactor['factor']> = new Set(['sensitivity', 'auth']);

/** Factor order used in breakdowns. */
export const FACTOR_ORDER: readonly RiskFactor['factor'][] = ['sensitivity', 'auth', 'exposure', 'attacks', 'abuse'];

/** Per factor, the entry with the most points among `lists` (factors nobody reported are left out). */
export function mergeRiskFactors(...lists: ReadonlyArray<readonly RiskFactor[]>): RiskFactor[] {
  const best = new Map<RiskFactor['factor'], RiskFactor>();
  for (const list of lists) {
    for (const f of list) {
      const b = best.get(f.factor);
      if (b === undefined || f.points > b.points) best.set(f.factor, f);
    }
  }
  return FACTOR_ORDER.filter((k) => best.has(k)).map((k) => best.get(k) as RiskFactor);
}

/** The score of a breakdown: the sum of its points, within 0–100. */
export function riskScore(factors: readonly RiskFactor[]): number {
  return Math.max(0, Math.min(100, factors.reduce((n, f) => n + f.points, 0)));
}
