// Tests of the analysis pipeline (context hand-over between analyzers, sinks) and the findings aggregator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { FindingsAnalyzer } from '../../../appliance/src/analyzers/findings/findings.analyzer.ts';
import type { Analyzer } from '../../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

function emptyReport(): AnalysisReport {
  const stats = { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} };
  return { schemaVersion: 1, stats, endpoints: [], findings: [], clients: [] };
}

/** Sets a template, as the inventory analyzer would. */
const templater: Analyzer = {
  id: 'templater',
  onCall(call) {
    call.endpoint = { key: `${call.host} ${call.tx.method} /users/{id}`, host: call.host, method: call.tx.method, template: '/users/{id}', inSpec: false };
  },
  contribute() {},
};

/** Flags every call whose query contains "'" as sqli, graded by the status. */
const detector: Analyzer = {
  id: 'detector',
  onCall(call) {
    if (!call.tx.query.includes("'")) return;
    const outcome = call.tx.status !== null && call.tx.status < 400 ? 'likely_success' : 'attempt';
    call.detections.push({ type: 'sqli', category: 'attack', severity: 'high', evidence: `query ${call.tx.query}`, outcome });
    if (call.endpoint?.template !== '/users/{id}') throw new Error('endpoint was not set before the detector ran');
  },
  contribute() {},
};

test('analyzers run in order on calls only, sinks see the finished context', () => {
  const seen: CallContext[] = [];
  const p = new AnalysisPipeline([templater, detector], [(c) => seen.push(c)]);
  p.handle(makeTx({ target: "/users/1?q='" }));
  p.handle(makeTx({ method: '' }));
  assert.equal(p.transactions, 2);
  assert.equal(p.calls, 1);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].endpoint?.template, '/users/{id}');
  assert.equal(seen[0].detections[0].type, 'sqli');
});

test('findings aggregate by type, endpoint and client with counts, times and the best outcome', () => {
  const findings = new FindingsAnalyzer();
  const p = new AnalysisPipeline([templater, detector, findings]);
  const t0 = 1_700_000_000_000_000;
  p.handle(makeTx({ target: "/users/1?q='a", status: 403, startTs: t0 }));
  p.handle(makeTx({ target: "/users/2?q='b", status: 200, startTs: t0 + 5_000_000 }));
  p.handle(makeTx({ target: "/users/3?q='c", status: 500, startTs: t0 + 1_000_000 }));
  p.handle(makeTx({ target: "/users/3?q='d", clientIp: '10.9.9.9', status: 403, startTs: t0 }));
  p.handle(makeTx({ target: '/users/4?q=ok', startTs: t0 }));
  const report = emptyReport();
  report.findings.push({ type: 'orphan_api', category: 'inventory', severity: 'low', host: 'h', method: 'GET', path: '/x', client: '', count: 0, firstSeen: '', lastSeen: '', evidence: '' });
  p.contribute(report);
  const sqli = report.findings.filter((f) => f.type === 'sqli');
  assert.equal(sqli.length, 2);
  const a = sqli.find((f) => f.client === '10.0.0.1');
  assert.ok(a);
  assert.equal(a.count, 3);
  assert.equal(a.path, '/users/{id}');
  assert.equal(a.outcome, 'likely_success');
  assert.equal(a.firstSeen, '2023-11-14T22:13:20.000Z');
  assert.equal(a.lastSeen, '2023-11-14T22:13:25.000Z');
  assert.equal(a.evidence, "query q='b");
  const b = sqli.find((f) => f.client === '10.9.9.9');
  assert.equal(b?.outcome, 'attempt');
  assert.equal(report.findings.length, 3, 'findings added by other analyzers are kept');
  assert.equal(report.findings[0].severity, 'high', 'sorted by severity first');
});

test('endpoint-scoped detections aggregate across clients', () => {
  const findings = new FindingsAnalyzer();
  const flag: Analyzer = {
    id: 'flag',
    onCall(call) {
      call.detections.push({ type: 'unauthenticated_sensitive_api', category: 'sensitive', severity: 'medium', evidence: 'e', scope: 'endpoint' });
    },
    contribute() {},
  };
  const p = new AnalysisPipeline([flag, findings]);
  p.handle(makeTx({ clientIp: '1.1.1.1' }));
  p.handle(makeTx({ clientIp: '2.2.2.2' }));
  const report = emptyReport();
  p.contribute(report);
  assert.equal(report.findings.length, 1);
  assert.equal(report.findings[0].client, '');
  assert.equal(report.findings[0].count, 2);
  assert.equal(report.findings[0].outcome, undefined);
});
