// Merged JSON body schemas: shapes of sampled bodies merge (required = present in every object, integer widens to
// number, union of types), bounded and with property names cleaned; the inventory analyzer reports them per endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeShapes, shapeOfBody, shapeOfValue, toJsonSchema } from '../../../appliance/src/analyzers/inventory/body.schema.ts';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { DEFAULT_INVENTORY_SETTINGS, InventoryAnalyzer } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

test('body shapes merge into one JSON schema', () => {
  const a = shapeOfValue({ id: 1, name: 'x', tags: ['a'], price: 3, meta: { ok: true } });
  const b = shapeOfValue({ id: 2, price: 3.5, tags: [], note: null, meta: { ok: false, n: 1 } });
  assert.deepEqual(toJsonSchema(mergeShapes(a, b)), {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      meta: { type: 'object', properties: { n: { type: 'integer' }, ok: { type: 'boolean' } }, required: ['ok'] },
      name: { type: 'string' },
      note: { type: 'null' },
      price: { type: 'number' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['id', 'meta', 'price', 'tags'],
  });
  assert.deepEqual(toJsonSchema(shapeOfValue([1, 'a', { x: 1 }])), { type: 'array', items: { type: ['integer', 'object', 'string'], properties: { x: { type: 'integer' } }, required: ['x'] } });
});

test('hostile bodies: not JSON, too large, deep, wide, odd names', () => {
  assert.equal(shapeOfBody(Buffer.from('not json'), 1000), null);
  assert.equal(shapeOfBody(Buffer.from('{"a":'), 1000), null);
  assert.equal(shapeOfBody(Buffer.from(`{"a":"${'x'.repeat(2000)}"}`), 1000), null);
  let deep: unknown = 1;
  for (let i = 0; i < 50; i++) deep = { d: deep };
  const s = toJsonSchema(shapeOfValue(deep));
  assert.equal(JSON.stringify(s).split('"properties"').length - 1, 8, 'depth is bounded');
  const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]));
  assert.equal(Object.keys(toJsonSchema(shapeOfValue(wide)).properties as object).length, 200);
  const odd = toJsonSchema(shapeOfBody(Buffer.from('{"__proto__":{"polluted":1},"a\\u0000b\\u001b[31m":2}'), 1000)!);
  assert.deepEqual(Object.keys(odd.properties as object).sort(), ['__proto__', 'ab[31m']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('the inventory analyzer reports merged request and 2xx response schemas per endpoint', () => {
  const p = new AnalysisPipeline([new InventoryAnalyzer({ ...DEFAULT_INVENTORY_SETTINGS, bodySampleGap: 1 })], []);
  for (let i = 0; i < 5; i++) {
    p.handle(makeTx({ method: 'POST', target: `/v1/orders`, requestBody: JSON.stringify({ sku: `s${i}`, qty: i, ...(i % 2 === 0 ? { note: 'x' } : {}) }), status: 201, responseType: 'application/json', responseBody: JSON.stringify({ id: i, total: i + 0.5 }) }));
  }
  p.handle(makeTx({ method: 'POST', target: '/v1/orders', requestBody: '{"sku":"s9","qty":1}', status: 400, responseType: 'application/json', responseBody: '{"error":"bad"}' }));
  const r: AnalysisReport = { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
  p.contribute(r);
  const e = r.endpoints[0];
  assert.deepEqual(e.requestSchema, { type: 'object', properties: { note: { type: 'string' }, qty: { type: 'integer' }, sku: { type: 'string' } }, required: ['qty', 'sku'] });
  assert.deepEqual(e.responseSchema, { type: 'object', properties: { id: { type: 'integer' }, total: { type: 'number' } }, required: ['id', 'total'] }, 'the 400 error body is not part of it');
  // By default bodies are sampled sparsely across endpoints: one call in `bodySampleGap`.
  const q = new AnalysisPipeline([new InventoryAnalyzer()], []);
  for (let i = 0; i < 3; i++) q.handle(makeTx({ method: 'POST', target: '/v1/x', requestBody: i === 0 ? '{"a":1}' : '{"b":1}' }));
  const r2: AnalysisReport = { ...r, endpoints: [], findings: [] };
  q.contribute(r2);
  assert.deepEqual(r2.endpoints[0].requestSchema, { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] });
});
