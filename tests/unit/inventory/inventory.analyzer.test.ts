// The inventory analyzer over the analysis pipeline: endpoint templates in the report and on each call, merged
// counts, statuses, times, parameter types, and the raw-path bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { InventoryAnalyzer, DEFAULT_INVENTORY_SETTINGS } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

function report(): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
}

test('calls are grouped into templated endpoints with merged statistics and typed parameters', () => {
  const inv = new InventoryAnalyzer();
  const seen: CallContext[] = [];
  const p = new AnalysisPipeline([inv], [(c) => seen.push(c)]);
  const t0 = 1_700_000_000_000_000;
  for (let i = 0; i < 30; i++) p.handle(makeTx({ target: `/v1/orders/${1000 + i}?page=${i}&expand=items`, startTs: t0 + i * 1_000_000, status: i === 3 ? 404 : 200 }));
  p.handle(makeTx({ target: '/v1/orders/search?q=shoes', startTs: t0 }));
  p.handle(makeTx({ method: 'POST', target: '/v1/orders', status: 201, startTs: t0 }));
  const r = report();
  p.contribute(r);
  const byPath = new Map(r.endpoints.map((e) => [`${e.method} ${e.path}`, e]));
  const orders = byPath.get('GET /v1/orders/{orderId}');
  assert.ok(orders, [...byPath.keys()].join(', '));
  assert.equal(orders.calls, 30);
  assert.deepEqual(orders.statuses, { '200': 29, '404': 1 });
  assert.equal(orders.firstSeen, '2023-11-14T22:13:20.000Z');
  assert.equal(orders.lastSeen, '2023-11-14T22:13:49.000Z');
  assert.deepEqual(orders.params, [
    { in: 'path', name: 'orderId', type: 'integer' },
    { in: 'query', name: 'expand', type: 'string' },
    { in: 'query', name: 'page', type: 'integer' },
  ]);
  assert.ok(byPath.has('GET /v1/orders/search'));
  assert.ok(byPath.has('POST /v1/orders'));
  assert.equal(seen[0].endpoint?.template, '/v1/orders/{orderId}');
  assert.equal(seen[0].endpoint?.key, 'api.example.com GET /v1/orders/{orderId}');
});

test('slugs merged by cardinality re-template earlier raw paths in the report', () => {
  const inv = new InventoryAnalyzer();
  const p = new AnalysisPipeline([inv]);
  for (let i = 0; i < 25; i++) p.handle(makeTx({ target: `/shop/products/item-${String.fromCharCode(97 + i)}-blue` }));
  const r = report();
  p.contribute(r);
  assert.deepEqual(r.endpoints.map((e) => e.path), ['/shop/products/{product}']);
  assert.equal(r.endpoints[0].calls, 25);
});

test('the template tree is bounded whatever the raw paths', () => {
  const inv = new InventoryAnalyzer({ ...DEFAULT_INVENTORY_SETTINGS, templater: { ...DEFAULT_INVENTORY_SETTINGS.templater, maxNodes: 50 } });
  const p = new AnalysisPipeline([inv]);
  for (let i = 0; i < 2000; i++) p.handle(makeTx({ target: `/a/w${i}x/b` }));
  const r = report();
  p.contribute(r);
  assert.ok(inv.templater.size <= 60, `nodes ${inv.templater.size}`);
  assert.equal(r.endpoints.reduce((n, e) => n + e.calls, 0), 2000, 'no call is lost');
});
