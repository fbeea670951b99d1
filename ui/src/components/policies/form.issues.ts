// Field errors of a `validation_failed` answer keyed by the form field they belong to, for forms whose fields are
// nested (`conditions.hosts.2`, `settings.smtp.host`): list indexes become 1-based line numbers. Pure (tested in
// tests/unit/ui/).
import { ApiError } from '../../lib/api/api.client.ts';

/** One problem with a field, ready to show under it. */
export interface FieldProblem {
  /** 1-based line of a list field, null for a scalar. */
  line: number | null;
  /** The service's explanation. */
  message: string;
}

/** The problems of a validation failure by dotted field path without list indexes (`conditions.hosts`). */
export function problemsByField(err: unknown): Record<string, FieldProblem[]> {
  const out: Record<string, FieldProblem[]> = {};
  if (!(err instanceof ApiError) || err.code !== 'validation_failed' || !Array.isArray(err.details)) return out;
  for (const d of err.details as unknown[]) {
    if (d === null || typeof d !== 'object') continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    const parts = (typeof path === 'string' ? path : Array.isArray(path) ? path.join('.') : '').split('.').filter((p) => p !== '');
    let line: number | null = null;
    const named: string[] = [];
    for (const p of parts) {
      if (/^\d+$/.test(p)) line ??= Number(p) + 1;
      else named.push(p);
    }
    const key = named.join('.');
    (out[key] ??= []).push({ line, message: typeof message === 'string' ? message : '' });
  }
  return out;
}

/** The problems of `field` and every field under it (`actions` also takes `actions.block.minutes`). */
export function problemsUnder(all: Record<string, FieldProblem[]>, field: string): FieldProblem[] {
  return Object.entries(all).flatMap(([k, v]) => (k === field || k.startsWith(`${field}.`) ? v : []));
}
