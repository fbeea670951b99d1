// The error catalogue and docs/errors.md list the same codes with the same statuses; error bodies have one shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError, ERROR_CATALOGUE, errorBody } from '../../../appliance/src/errors/error.catalogue.ts';

test('docs/errors.md documents exactly the catalogue, with the same statuses', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const);
  const documented = new Map(rows);
  assert.equal(documented.size, rows.length, 'no code documented twice');
  assert.deepEqual([...documented.keys()].sort(), Object.keys(ERROR_CATALOGUE).sort());
  for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) assert.equal(documented.get(code), spec.status, code);
});

test('error bodies carry code and message, and details only when given', () => {
  assert.deepEqual(errorBody(new ApiError('forbidden')), { error: { code: 'forbidden', message: ERROR_CATALOGUE.forbidden.message } });
  const e = new ApiError('validation_failed', [{ path: 'x', message: 'bad' }]);
  assert.equal(e.status, 400);
  assert.deepEqual(errorBody(e).error.details, [{ path: 'x', message: 'bad' }]);
});
