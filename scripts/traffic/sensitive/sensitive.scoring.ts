/**
 * Scores an analysis report's per-endpoint sensitive types against the ground truth of a generated sensitive-data
 * scenario: micro precision, recall and F1 over (endpoint, type) pairs, per-type and per-placement figures, and
 * the decoy-only endpoints that were flagged.
 */
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { EndpointTruth, Placement } from './sensitive.scenario.ts';

/** Counts of one slice. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** The score of one report. */
export interface SensitiveScore extends Counts {
  precision: number;
  recall: number;
  f1: number;
  byType: Record<string, Counts>;
  /** Placed values found (their type reported on their endpoint) per placement. */
  byPlacement: Record<string, { placed: number; found: number }>;
  /** Decoy-only endpoints with a reported type (`host method path: types`). */
  decoysFlagged: string[];
  /** Wrong or missed types per endpoint, for reading. */
  errors: string[];
}

function bump(map: Record<string, Counts>, type: string, k: keyof Counts): void {
  (map[type] ??= { tp: 0, fp: 0, fn: 0 })[k]++;
}

/** Compares `report.endpoints[].sensitive` with `truth`. Endpoints missing from the report count as all missed. */
export function scoreSensitive(report: AnalysisReport, truth: readonly EndpointTruth[]): SensitiveScore {
  const reported = new Map<string, string[]>();
  const templates: Array<{ host: string; method: string; re: RegExp; sensitive: string[] }> = [];
  for (const e of report.endpoints) {
    reported.set(`${e.host.toLowerCase()} ${e.method} ${e.path}`, e.sensitive);
    if (e.path.includes('{')) templates.push({ host: e.host.toLowerCase(), method: e.method, re: templateRegex(e.path), sensitive: e.sensitive });
  }
  // a raw path of the truth is found under the exact path, or under the endpoint template that covers it
  const lookup = (host: string, method: string, path: string): string[] | undefined =>
    reported.get(`${host} ${method} ${path}`) ?? templates.find((t) => t.host === host && t.method === method && t.re.test(path))?.sensitive;
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const byType: Record<string, Counts> = {};
  const byPlacement: Record<string, { placed: number; found: number }> = {};
  const decoysFlagged: string[] = [];
  const errors: string[] = [];
  for (const t of truth) {
    for (const path of t.paths) {
      const key = `${t.host.toLowerCase()} ${t.method} ${path}`;
      const got = new Set(lookup(t.host.toLowerCase(), t.method, path) ?? []);
      const want = new Set(t.types);
      for (const type of want) {
        const k = got.has(type) ? 'tp' : 'fn';
        total[k]++;
        bump(byType, type, k);
        if (k === 'fn') errors.push(`missed ${type} on ${key}`);
      }
      for (const type of got) {
        if (want.has(type)) continue;
        total.fp++;
        bump(byType, type, 'fp');
        errors.push(`extra ${type} on ${key}`);
      }
      if (t.decoyOnly && got.size > 0) decoysFlagged.push(`${key}: ${[...got].join(', ')}`);
      for (const p of t.placed) {
        const slot = (byPlacement[p.placement as Placement] ??= { placed: 0, found: 0 });
        slot.placed++;
        if (got.has(p.type)) slot.found++;
      }
    }
  }
  const precision = total.tp + total.fp === 0 ? 1 : total.tp / (total.tp + total.fp);
  const recall = total.tp + total.fn === 0 ? 1 : total.tp / (total.tp + total.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...total, precision, recall, f1, byType, byPlacement, decoysFlagged, errors };
}

/** A regular expression matching the raw paths an endpoint template covers (`{name}` = one segment). */
function templateRegex(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((lit) => lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}/?$`);
}
