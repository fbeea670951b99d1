/** Helpers for route handlers: a numeric id from the path, a query string checked against a zod schema. */
import type { z } from 'zod';
import { ApiError } from '../errors/error.catalogue.ts';

/** A positive integer id from a path parameter; `not_found` otherwise. */
export function idParam(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ApiError('not_found');
  return n;
}

/** Parses `v` (a query object) with `schema`; `validation_failed` with the field errors otherwise. */
export function parseQuery<T extends z.ZodType>(schema: T, v: unknown): z.infer<T> {
  const r = schema.safeParse(v);
  if (!r.success) throw new ApiError('validation_failed', r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}
