// The inventory hands one CallEndpoint object to every call of a template (a performance contract the sensitive,
// findings and risk analyzers rely on to find their per-endpoint state): same object per template and host, a new
// one when the template changes, and aggregation downstream still keyed by host, method, template and client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { InventoryAnalyzer } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import { FindingsAnalyzer } from '../../../appliance/src/analyzers/findings/findings.analyzer.ts';
import { RiskAnalyzer } from '../../../appliance/src/analyzers/risk/risk.analyzer.ts';
import type { Analyzer } from '../../../appliance/src/analyzers/analyzer.types.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

function report(): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
}

/** Raises one client-scoped and one endpoint-scoped detection on every call. */
const probe: Analyzer = {
  id: 'probe',
  onCall(call: CallContext): void {
    call.detections.push({ type: 'probe_client', category: 'abuse', severity: 'low', evidence: call.tx.path });
    call.detections.push({ type: 'probe_endpoint', category: 'exposure', severity: 'medium', evidence: call.tx.path, scope: 'endpoint' });
  },
  contribute(): void {},
};

test('calls of one template share one CallEndpoint; another host or a changed template gets its own', () => {
  const seen: CallContext[] = [];
  const p = new AnalysisPipeline([new InventoryAnalyzer()], [(c) => seen.push(c)]);
  p.handle(makeTx({ target: '/v1/orders/1001' }));
  p.handle(makeTx({ target: '/v1/orders/1002', clientIp: '10.0.0.9' }));
  p.handle(makeTx({ target: '/v1/orders/1003', host: 'other.example.com' }));
  assert.equal(seen[0].endpoint, seen[1].endpoint);
  assert.notEqual(seen[0].endpoint, seen[2].endpoint);
  assert.equal(seen[2].endpoint?.key, 'other.example.com GET /v1/orders/{orderId}');
  assert.equal(seen[2].endpoint?.host, seen[2].host);

  // 21 distinct literals under /users merge into a parameter: the literal's endpoint object is not reused.
  for (let i = 0; i < 21; i++) p.handle(makeTx({ target: `/users/name${String.fromCharCode(97 + i)}` }));
  const before = seen[3].endpoint;
  assert.equal(before?.template, '/users/namea');
  p.handle(makeTx({ target: '/users/namea' }));
  const after = seen[seen.length - 1].endpoint;
  assert.notEqual(after, before);
  assert.equal(after?.template, '/users/{user}');
  assert.equal(after?.key, `api.example.com GET ${after?.template}`);
});

test('findings and risk still aggregate by host, method, template and client with shared endpoints', () => {
  const risk = new RiskAnalyzer();
  const p = new AnalysisPipeline([new InventoryAnalyzer(), probe, new FindingsAnalyzer(), risk]);
  const t0 = 1_700_000_000_000_000;
  p.handle(makeTx({ target: '/v1/orders/1', clientIp: '10.0.0.1', startTs: t0 }));
  p.handle(makeTx({ target: '/v1/orders/2', clientIp: '10.0.0.1', startTs: t0 + 1_000_000 }));
  p.handle(makeTx({ target: '/v1/orders/3', clientIp: '10.0.0.2', startTs: t0 + 2_000_000 }));
  p.handle(makeTx({ target: '/v1/orders/4', clientIp: '10.0.0.1', host: 'b.example.com', startTs: t0 + 3_000_000 }));
  const r = report();
  p.contribute(r);
  const f = r.findings.map((x) => `${x.type} ${x.host} ${x.path} ${x.client} ${x.count} ${x.evidence}`).sort();
  assert.deepEqual(f, [
    'probe_client api.example.com /v1/orders/{orderId} 10.0.0.1 2 /v1/orders/2',
    'probe_client api.example.com /v1/orders/{orderId} 10.0.0.2 1 /v1/orders/3',
    'probe_client b.example.com /v1/orders/{orderId} 10.0.0.1 1 /v1/orders/4',
    'probe_endpoint api.example.com /v1/orders/{orderId}  3 /v1/orders/3',
    'probe_endpoint b.example.com /v1/orders/{orderId}  1 /v1/orders/4',
  ]);
  assert.ok(risk.breakdown('api.example.com', 'GET', '/v1/orders/{orderId}'));
  assert.ok(risk.breakdown('b.example.com', 'GET', '/v1/orders/{orderId}'));
});
