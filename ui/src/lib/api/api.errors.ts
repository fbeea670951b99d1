// Reading the service's error answers for display: the field issues of a validation failure, with list fields
// (`watch.2`) turned into a field name and a 1-based line number. Pure functions (tested in tests/unit/ui/).
import { ApiError } from './api.client.ts';

/** One invalid field of a `validation_failed` answer. */
export interface FieldIssue {
  /** First segment of the service's path (`watch`). */
  field: string;
  /** 1-based line of a list field (`watch.2` → 3), null for scalar fields. */
  line: number | null;
  /** The service's explanation (English). */
  message: string;
}

/** The field issues of a validation failure (empty for any other error). */
export function fieldIssues(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError) || err.code !== 'validation_failed' || !Array.isArray(err.details)) return [];
  const out: FieldIssue[] = [];
  for (const d of err.details as unknown[]) {
    if (d === null || typeof d !== 'object') continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    const parts = typeof path === 'string' ? path.split('.') : [];
    const index = parts.length > 1 && /^\d+$/.test(parts[1]) ? Number(parts[1]) + 1 : null;
    out.push({ field: parts[0] ?? '', line: index, message: typeof message === 'string' ? message : '' });
  }
  return out;
}
