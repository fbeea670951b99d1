// The inventory analyzer over the analysis pipeline: endpoint templates in the report and on each call, merged
// counts, statuses, times, parameter types, and the raw-path bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { InventoryAnalyzer, DEFAULT_INVENTORY_SETTINGS } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';
import { deprecationNotice, parseDeprecation } from '../../../appliance/src/analyzers/inventory/deprecation.headers.ts';

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
  assert.deepEqual(orders.params.map(({ examples: _examples, ...p }) => p), [
    { in: 'path', name: 'orderId', type: 'integer' },
    { in: 'query', name: 'expand', type: 'string' },
    { in: 'query', name: 'page', type: 'integer' },
  ]);
  assert.equal(orders.params[0].examples?.[0], '1000', 'path parameters carry example values');
  assert.ok(byPath.has('GET /v1/orders/search'));
  assert.ok(byPath.has('POST /v1/orders'));
  assert.equal(seen[0].endpoint?.template, '/v1/orders/{orderId}');
  assert.equal(seen[0].endpoint?.key, 'api.example.com GET /v1/orders/{orderId}');
});

test('parameter examples are masked where a detector finds sensitive data in them', () => {
  const inv = new InventoryAnalyzer();
  const p = new AnalysisPipeline([inv]);
  const t0 = 1_700_000_000_000_000;
  const mobiles = ['13812345678', '13987654321', '15011112222', '18633334444'];
  for (let i = 0; i < 40; i++) p.handle(makeTx({ target: `/v1/mobiles/${mobiles[i % 4]}/bills`, startTs: t0 + i * 1_000_000 }));
  const r = report();
  p.contribute(r);
  const bills = r.endpoints.find((e) => e.path.endsWith('/bills'));
  assert.ok(bills !== undefined, r.endpoints.map((e) => e.path).join(', '));
  const examples = bills.params.find((x) => x.in === 'path')?.examples ?? [];
  assert.ok(examples.length >= 1 && examples.length <= 3, JSON.stringify(examples));
  for (const e of examples) {
    assert.match(e, /^1\d\d\*{4}\d{4}$/, `masked like 138****5678: ${e}`);
    assert.ok(!mobiles.includes(e));
  }
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

test('Deprecation and Sunset response headers mark the endpoint deprecated with its dates; calls after the date make a zombie finding', () => {
  assert.equal(parseDeprecation('@1688169599'), 1_688_169_599_000);
  assert.equal(parseDeprecation('true'), 0);
  assert.equal(parseDeprecation('Sun, 11 Nov 2018 23:59:59 GMT'), Date.UTC(2018, 10, 11, 23, 59, 59));
  assert.equal(parseDeprecation('false'), null);
  assert.equal(parseDeprecation('soon-ish'), null);
  assert.equal(deprecationNotice([['Server', 'x']]), null);
  assert.deepEqual(deprecationNotice([['sunset', 'Wed, 11 Nov 2026 23:59:59 GMT']]), { deprecated: false, since: 0, sunset: Date.UTC(2026, 10, 11, 23, 59, 59) });

  const p = new AnalysisPipeline([new InventoryAnalyzer()], []);
  const t0 = 1_700_000_000_000_000; // 2023-11-14
  const dep: Array<[string, string]> = [['Deprecation', '@1690000000'], ['Sunset', 'Tue, 31 Dec 2024 23:59:59 GMT']];
  for (let i = 0; i < 4; i++) p.handle(makeTx({ target: `/v1/legacy/${i + 1}`, startTs: t0 + i * 1_000_000, responseHeaders: i === 0 ? [] : dep }));
  // Announced for a date after the calls: not deprecated yet, no zombie.
  p.handle(makeTx({ target: '/v1/next', startTs: t0, responseHeaders: [['Deprecation', '@1900000000']] }));
  p.handle(makeTx({ target: '/v1/fine', startTs: t0 }));
  const r = report();
  p.contribute(r);
  const by = new Map(r.endpoints.map((e) => [e.path, e]));
  const legacy = by.get('/v1/legacy/{legacyId}')!;
  assert.equal(legacy.deprecated, true);
  assert.deepEqual(legacy.deprecation, { since: '2023-07-22T04:26:40.000Z', sunset: '2024-12-31T23:59:59.000Z', source: 'header' });
  assert.equal(by.get('/v1/next')!.deprecated, false);
  assert.equal(by.get('/v1/next')!.deprecation?.since, '2030-03-17T17:46:40.000Z');
  assert.equal(by.get('/v1/fine')!.deprecated, false);
  assert.equal(by.get('/v1/fine')!.deprecation, undefined);
  assert.deepEqual(r.findings.map((f) => [f.type, f.path, f.count]), [['zombie_api', '/v1/legacy/{legacyId}', 3]]);
  assert.match(r.findings[0].evidence, /Deprecation 2023-07-22, Sunset 2024-12-31/);
});
