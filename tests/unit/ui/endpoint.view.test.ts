// Tests of the endpoint page's pure parts: merged body schemas as field rows (nested objects, arrays, hostile and
// deeply nested names bounded), template parameters and split values, the risk factors and history, and the change
// history of one endpoint in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJsonSchema, shapeOfBody, mergeShapes } from '../../../appliance/src/analyzers/inventory/body.schema.ts';
import {
  MAX_SCHEMA_ROWS,
  changeText,
  endpointChanges,
  factorShare,
  riskFactorKey,
  riskHistorySeries,
  schemaRows,
  splitValues,
  templateParams,
} from '../../../ui/src/components/inventory/endpoint.view.ts';
import { en, type MessageKey } from '../../../ui/src/lib/i18n/en.ts';
import type { InventoryChange } from '../../../ui/src/components/inventory/inventory.types.ts';

const schemaOf = (...bodies: unknown[]): Record<string, unknown> => {
  const shapes = bodies.map((b) => shapeOfBody(Buffer.from(JSON.stringify(b)), 1 << 20)!);
  return toJsonSchema(shapes.slice(1).reduce((a, b) => mergeShapes(a, b), shapes[0]));
};

test('a merged body schema lists every field with its types and whether every sampled object had it', () => {
  const s = schemaOf({ id: 1, name: 'a', tags: ['x'], items: [{ price: 1.5 }] }, { id: 2, items: [{ price: 2, note: null }], '<img src=x>': true, code: 'x' }, { id: 3, items: [], code: 7 });
  const rows = schemaRows(s).map((r) => [r.path, r.depth, r.type, r.required]);
  assert.deepEqual(rows, [
    ['', 0, 'object', null],
    ['<img src=x>', 1, 'boolean', false],
    ['code', 1, 'integer | string', false],
    ['id', 1, 'integer', true],
    ['items', 1, 'array', true],
    ['items[]', 2, 'object', null],
    ['items[].note', 3, 'null', false],
    ['items[].price', 3, 'number', true],
    ['name', 1, 'string', false],
    ['tags', 1, 'array', false],
    ['tags[]', 2, 'string', null],
  ]);
  assert.deepEqual(schemaRows(undefined), []);
});

test('schemas of hostile bodies stay bounded: depth and row count are capped', () => {
  let deep: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep }, required: ['a'] };
  const rows = schemaRows(deep);
  assert.equal(rows.length, 13, 'the body and 12 levels');
  assert.equal(rows[rows.length - 1].path, Array(12).fill('a').join('.'));
  const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`f${i}`, { type: 'string' }])) };
  assert.equal(schemaRows(wide).length, MAX_SCHEMA_ROWS);
  // __proto__ as a field name is a field like any other
  const proto = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}') as Record<string, unknown>;
  assert.deepEqual(schemaRows(proto).map((r) => r.path), ['', '__proto__']);
});

test('template parameters are numbered as the split route counts segments; split values are cleaned', () => {
  assert.deepEqual(templateParams('/v1/users/{id}/orders/{orderId}'), [
    { position: 2, segment: '{id}' },
    { position: 4, segment: '{orderId}' },
  ]);
  assert.deepEqual(templateParams('/v1/health'), []);
  assert.deepEqual(templateParams('/files/{name}.json'), [{ position: 1, segment: '{name}.json' }]);
  assert.deepEqual(splitValues(' me \nsettings, me\n\n a/b \n'), { values: ['me', 'settings'], invalid: ['a/b'] });
  assert.deepEqual(splitValues('x'.repeat(201)), { values: [], invalid: ['x'.repeat(201)] });
  assert.deepEqual(splitValues(''), { values: [], invalid: [] });
});

test('risk factors are named from the catalogue, their bars bounded, the history drawn oldest first', () => {
  for (const f of ['sensitivity', 'auth', 'exposure', 'attacks', 'abuse', 'later_factor']) assert.ok(riskFactorKey(f) in en, f);
  assert.equal(riskFactorKey('later_factor'), 'risk.factor.other');
  assert.equal(factorShare({ points: 15, max: 30 }), 50);
  assert.equal(factorShare({ points: 40, max: 30 }), 100);
  assert.equal(factorShare({ points: 3, max: 0 }), 0);
  const [line] = riskHistorySeries([{ at: 3000, score: 60 }, { at: 1000, score: 20 }, { at: 2000, score: 45 }], 'Risk');
  assert.deepEqual(line.data, [[1000, 20], [2000, 45], [3000, 60]]);
  assert.equal(line.kind, 'line');
});

test("an endpoint's changes are picked from the change log, newest first, and put in words", () => {
  const ep = { host: 'api.example.com', method: 'GET', template: '/v1/users/{id}' };
  const change = (id: number, at: number, kind: string, detail: Record<string, unknown>, over: Partial<InventoryChange> = {}): InventoryChange => ({ id, at, ...ep, kind, detail, ...over });
  const log = [
    change(1, 100, 'new', { source: 'upload:1' }),
    change(2, 300, 'pinned', { by: 'secadmin' }),
    change(3, 200, 'new', {}, { method: 'POST' }),
    change(4, 300, 'split', { by: 'secadmin', position: 2, values: ['me', 'settings'] }),
    change(5, 400, 'merged', { into: '/v1/users/{id}/x' }, { host: 'other.example.com' }),
    change(6, 500, 'renamed_later', {}),
  ];
  const mine = endpointChanges(log, ep);
  assert.deepEqual(mine.map((c) => c.id), [6, 4, 2, 1]);
  const t = (k: MessageKey): string => en[k];
  assert.deepEqual(mine.map((c) => changeText(c, t)), ['renamed_later', 'template split [me, settings] (secadmin)', 'template pinned (secadmin)', 'discovered (upload:1)']);
});
