// The sensitive-data analyzer over the pipeline (identity → inventory → clients → sensitive → findings): masked
// hits on calls, exposure per endpoint, records per client, unauthenticated_sensitive_api and token_in_url findings,
// and sampling after the full-scan phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisPipeline } from '../../../appliance/src/analysis/analysis.pipeline.ts';
import { defaultAnalyzers } from '../../../appliance/src/analysis/offline-analysis.service.ts';
import { SensitiveAnalyzer, DEFAULT_SENSITIVE_SETTINGS } from '../../../appliance/src/analyzers/sensitive/sensitive.analyzer.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { InventoryAnalyzer } from '../../../appliance/src/analyzers/inventory/inventory.analyzer.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';
import { makeTx } from '../../fixtures/transaction.fixture.ts';

const ID = '11010519491231002X';
const MOBILE = '13812345678';

function report(): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
}

function people(n: number): string {
  const list = [];
  for (let i = 0; i < n; i++) list.push({ name: `u${i}`, idCard: ID, mobile: `1381234${String(5000 + i).slice(0, 4)}` });
  return JSON.stringify({ data: list });
}

test('exposure per endpoint, records per client, and an unauthenticated sensitive endpoint', () => {
  const seen: CallContext[] = [];
  const p = new AnalysisPipeline(defaultAnalyzers(), [(c) => seen.push(c)]);
  p.handle(makeTx({ target: '/api/users/1', clientIp: '10.1.1.1', responseType: 'application/json', responseBody: people(3) }));
  p.handle(makeTx({ target: '/api/users/2', clientIp: '10.1.1.1', responseType: 'application/json', responseBody: people(2), requestHeaders: [['Authorization', 'Basic dXNlcjpwdw==']] }));
  p.handle(makeTx({ target: '/api/health', clientIp: '10.2.2.2', responseType: 'application/json', responseBody: '{"ok":true}' }));
  const r = report();
  p.contribute(r);
  const users = r.endpoints.find((e) => e.path === '/api/users/{userId}');
  assert.ok(users);
  assert.deepEqual(users.sensitive, ['cn_id_card', 'cn_mobile']);
  assert.deepEqual(r.endpoints.find((e) => e.path === '/api/health')?.sensitive, []);
  const client = r.clients.find((c) => c.ip === '10.1.1.1');
  // call 1: 1 distinct id + 3 mobiles = 4 records; call 2: 1 + 2 = 3
  assert.equal(client?.sensitiveRecords, 7);
  const f = r.findings.find((x) => x.type === 'unauthenticated_sensitive_api');
  assert.ok(f, JSON.stringify(r.findings));
  assert.equal(f.client, '', 'endpoint-scoped');
  assert.equal(f.count, 1, 'only the unauthenticated call counts');
  assert.equal(f.severity, 'high');
  const hits = seen[0].sensitive;
  assert.ok(hits.length >= 4);
  for (const h of hits) assert.equal(h.value, '', 'raw values never leave the analyzer');
  assert.ok(hits.some((h) => h.masked.includes('****')));
});

test('a token in the URL is a finding with a masked value', () => {
  const p = new AnalysisPipeline(defaultAnalyzers());
  p.handle(makeTx({ target: '/api/report?access_token=abcdEFGH12345678xyz' }));
  const r = report();
  p.contribute(r);
  const f = r.findings.find((x) => x.type === 'token_in_url');
  assert.ok(f, JSON.stringify(r.findings));
  assert.ok(!f.evidence.includes('abcdEFGH12345678xyz'), f.evidence);
});

test('after the full-scan phase, calls are sampled and record counts are scaled', () => {
  const sens = new SensitiveAnalyzer({ ...DEFAULT_SENSITIVE_SETTINGS, fullScanCalls: 10, sampleCarrying: 4, sampleClean: 32, burstScans: 1000 });
  const p = new AnalysisPipeline([new IdentityAnalyzer(), new InventoryAnalyzer(), sens]);
  for (let i = 0; i < 50; i++) p.handle(makeTx({ target: `/api/users/${i}`, responseType: 'application/json', responseBody: `{"mobile":"${MOBILE}"}` }));
  assert.equal(sens.scanned, 10 + 10, 'the first 10, then one in 4 of the next 40');
  assert.equal(sens.skipped, 30);
  const exposure = [...sens.exposure().values()][0];
  assert.equal(exposure[0].type, 'cn_mobile');
  assert.equal(exposure[0].count, 48, 'each scanned call stands for the calls since the previous scan (up to call 48, the last one scanned)');
});

test('the global budget caps the share of calls scanned; every endpoint still gets its first scan', () => {
  const sens = new SensitiveAnalyzer({ ...DEFAULT_SENSITIVE_SETTINGS, maxScanShare: 0.1, burstScans: 5 });
  const p = new AnalysisPipeline([new IdentityAnalyzer(), new InventoryAnalyzer(), sens]);
  for (let i = 0; i < 1000; i++) p.handle(makeTx({ host: `h${i % 40}.example`, target: '/r/x', responseType: 'application/json', responseBody: `{"mobile":"${MOBILE}"}` }));
  assert.ok(sens.scanned <= 5 + 100 + 40, `scanned ${sens.scanned}`);
  assert.equal(sens.exposure().size, 40, 'all 40 endpoints were scanned at least once');
});
