/**
 * Scores endpoint discovery against ground truth: templates are compared with parameter names ignored (`{x}` → `{}`)
 * per host and method; precision, recall and F1 over the sets, static siblings merged into a parameter counted, and
 * the misses listed. Used by `npm run score:inventory` and its test.
 */
import type { ReportEndpoint } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { TrueEndpoint } from './inventory.scenario.ts';

/** The score. */
export interface InventoryScore {
  truth: number;
  found: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
  /** Static siblings (`/users/me`) that did not survive as their own endpoint. */
  staticMerged: string[];
  /** True templates not found, and found templates that are not true. */
  missed: string[];
  spurious: string[];
}

/** `/v1/users/{userId}` → `/v1/users/{}`. */
export function normaliseTemplate(t: string): string {
  return t.replace(/\{[^}]*\}/g, '{}');
}

const key = (host: string, method: string, template: string): string => `${host} ${method} ${normaliseTemplate(template)}`;

/** Scores `found` endpoints against `truth`. */
export function scoreInventory(truth: readonly TrueEndpoint[], found: readonly ReportEndpoint[]): InventoryScore {
  const t = new Set(truth.map((e) => key(e.host, e.method, e.template)));
  const f = new Set(found.map((e) => key(e.host, e.method, e.path)));
  let correct = 0;
  for (const k of f) if (t.has(k)) correct++;
  const precision = f.size === 0 ? 0 : correct / f.size;
  const recall = t.size === 0 ? 0 : correct / t.size;
  return {
    truth: t.size,
    found: f.size,
    correct,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    staticMerged: truth.filter((e) => e.staticSibling && !f.has(key(e.host, e.method, e.template))).map((e) => `${e.method} ${e.host}${e.template}`),
    missed: [...t].filter((k) => !f.has(k)).sort(),
    spurious: [...f].filter((k) => !t.has(k)).sort(),
  };
}
