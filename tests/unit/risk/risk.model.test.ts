// Unit tests of the risk model and analyzer: factor points, caps, reasons, and endpoints[].risk filled from findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskReasonText, scoreEndpoint, type EndpointRiskInput } from '../../../appliance/src/analyzers/risk/risk.model.ts';
import { RiskAnalyzer } from '../../../appliance/src/analyzers/risk/risk.analyzer.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import type { AnalysisReport, ReportFinding } from '../../../appliance/src/analysis/analysis-report.types.ts';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import type { SensitiveHit } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';

const base: EndpointRiskInput = { calls: 10, anonymousCalls: 0, schemes: ['jwt'], carriers: ['authorization'], responseSensitive: [], requestSensitive: [], findings: [] };
const finding = (o: Partial<ReportFinding>): ReportFinding => ({ type: 'x', category: 'attack', severity: 'high', host: 'h', method: 'GET', path: '/p', client: '1.2.3.4', count: 1, firstSeen: '', lastSeen: '', evidence: '', ...o });
const pts = (r: ReturnType<typeof scoreEndpoint>, f: string) => r.factors.find((x) => x.factor === f)!.points;

test('a quiet authenticated endpoint without sensitive data scores 0', () => {
  const r = scoreEndpoint(base);
  assert.equal(r.score, 0);
  assert.deepEqual(r.factors.map((f) => [f.factor, f.max]), [['sensitivity', 25], ['auth', 20], ['exposure', 15], ['attacks', 25], ['abuse', 15]]);
});

test('sensitivity: high-value types weigh more, capped at 25', () => {
  const r = scoreEndpoint({ ...base, responseSensitive: ['cn_id_card', 'email'] });
  assert.equal(pts(r, 'sensitivity'), 14);
  assert.deepEqual(r.factors[0].reasons, ['cn_id_card (high value) in responses', 'email in responses']);
  assert.equal(pts(scoreEndpoint({ ...base, responseSensitive: ['cn_id_card', 'bank_card', 'passport', 'email'] }), 'sensitivity'), 25);
});

test('auth: unauthenticated sensitive endpoints score highest, weak schemes and URL credentials count', () => {
  assert.equal(pts(scoreEndpoint({ ...base, anonymousCalls: 10, schemes: [], responseSensitive: ['cn_mobile'] }), 'auth'), 20);
  assert.equal(pts(scoreEndpoint({ ...base, anonymousCalls: 6 }), 'auth'), 8);
  assert.equal(pts(scoreEndpoint({ ...base, schemes: ['basic'] }), 'auth'), 10);
  assert.match(scoreEndpoint({ ...base, carriers: ['query:api_key'] }).factors[1].reasons[0], /credentials in the URL/);
});

test('attacks: attempts score by volume, a likely success takes the whole factor', () => {
  assert.equal(pts(scoreEndpoint({ ...base, findings: [finding({ type: 'sqli', count: 100, outcome: 'attempt' })] }), 'attacks'), 14);
  const s = scoreEndpoint({ ...base, findings: [finding({ type: 'sqli', count: 3, outcome: 'likely_success' })] });
  assert.equal(pts(s, 'attacks'), 25);
  assert.deepEqual(s.factors[3].reasons, ['3 attack attempts (sqli 3)', 'likely successful: sqli']);
});

test('exposure and abuse findings add severity points, capped; total is the sum', () => {
  const r = scoreEndpoint({
    ...base,
    findings: [
      finding({ type: 'verbose_error', category: 'exposure', severity: 'high', client: '' }),
      finding({ type: 'cors_misconfig', category: 'exposure', severity: 'high', client: '' }),
      finding({ type: 'enumeration', category: 'abuse', severity: 'medium' }),
    ],
  });
  assert.equal(pts(r, 'exposure'), 15);
  assert.equal(pts(r, 'abuse'), 5);
  assert.equal(r.score, 20);
  assert.deepEqual(r.factors[4].reasons, ['enumeration (medium, client 1.2.3.4, 1×)']);
});

test('the analyzer fills endpoints[].risk from call facts and findings and keeps the breakdown', () => {
  const identity = new IdentityAnalyzer();
  const risk = new RiskAnalyzer();
  const hit = { type: 'cn_id_card', location: 'json', direction: 'response', field: 'idCard', value: 'v', masked: 'm', confidence: 1, credential: false } satisfies SensitiveHit;
  for (let i = 0; i < 4; i++) {
    const c = makeCall(makeTx({ target: '/v1/people' }));
    identity.onCall(c);
    c.sensitive = [hit];
    risk.onCall(c);
  }
  const ep = { host: 'api.example.com', method: 'GET', path: '/v1/people', calls: 4, statuses: {}, auth: [], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 0, firstSeen: '', lastSeen: '' };
  const other = { ...ep, path: '/v1/health', risk: 0 };
  const report: AnalysisReport = {
    schemaVersion: 1,
    stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} },
    endpoints: [ep, other],
    findings: [finding({ host: 'api.example.com', path: '/v1/people', type: 'sqli', outcome: 'likely_success' })],
    clients: [],
  };
  risk.contribute(report);
  assert.equal(ep.risk, 10 + 20 + 25);
  assert.equal(other.risk, 0);
  assert.equal(risk.breakdown('api.example.com', 'GET', '/v1/people')?.score, 55);
  assert.equal(risk.allBreakdowns().length, 2);
});

test('every reason comes with a code and parameters that render to the same English text', () => {
  const r = scoreEndpoint({
    ...base,
    anonymousCalls: 10,
    schemes: ['basic'],
    carriers: ['query:api_key'],
    responseSensitive: ['cn_id_card'],
    requestSensitive: ['email'],
    findings: [finding({ type: 'sqli', count: 3, outcome: 'likely_success' }), finding({ type: 'verbose_error', category: 'exposure', client: '' }), finding({ type: 'enumeration', category: 'abuse', severity: 'medium' })],
  });
  const codes = r.factors.map((f) => (f.details ?? []).map((d) => d.code));
  assert.deepEqual(codes, [['sensitive_type', 'sensitive_type'], ['anonymous_sensitive', 'weak_scheme', 'query_credential'], ['finding'], ['attack_attempts', 'attack_success'], ['finding']]);
  for (const f of r.factors) assert.deepEqual((f.details ?? []).map(riskReasonText), f.reasons, f.factor);
  assert.deepEqual(r.factors[0].details?.[0].params, { type: 'cn_id_card', high: 1, where: 'responses' });
  assert.deepEqual(r.factors[1].details?.[0].params, { share: 100 });
  assert.deepEqual(r.factors[2].details?.[0].params, { type: 'verbose_error', severity: 'high', client: '', count: 1 });
  assert.equal(r.factors[2].reasons[0], 'verbose_error (high, 1×)');
  assert.deepEqual(r.factors[1].reasons, ['100% of calls unauthenticated on an endpoint with sensitive data', 'weak scheme: basic', 'credentials in the URL (query:api_key)']);
});
