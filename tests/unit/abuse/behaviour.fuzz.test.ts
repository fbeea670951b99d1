// Fuzz test: hostile, random calls through identity, abuse, exposure, clients and risk never throw, and every
// detection is well formed, bounded and free of control characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { AbuseAnalyzer } from '../../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import { ExposureAnalyzer } from '../../../appliance/src/analyzers/exposure/exposure.analyzer.ts';
import { ClientsAnalyzer } from '../../../appliance/src/analyzers/clients/clients.analyzer.ts';
import { RiskAnalyzer } from '../../../appliance/src/analyzers/risk/risk.analyzer.ts';
import { TracingAnalyzer } from '../../../appliance/src/analyzers/tracing/tracing.analyzer.ts';
import { FindingsAnalyzer } from '../../../appliance/src/analyzers/findings/findings.analyzer.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';
import type { AnalysisReport } from '../../../appliance/src/analysis/analysis-report.types.ts';

const PIECES = ['Basic ', 'Bearer ', 'Digest username="', 'eyJ', '.', '{"alg":"none"}', 'password=', '"password":', '\u0000', '\r', '%', '%ZZ', '..', '/', '{', '}', '"', '=', '&', ';', 'é', '中文', '\uffff', 'id":', 'Id":', '123', 'ORA-00933:', 'Traceback (most recent call last):', '*', 'null', 'true'];

function junk(rng: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.chance(0.5) ? rng.pick(PIECES) : String.fromCharCode(rng.int(0, 255));
  return s;
}

test('random hostile calls never throw and detections are well formed', () => {
  const rng = new SeededRandom(42);
  const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64url');
  const analyzers = [new IdentityAnalyzer(), new AbuseAnalyzer({ credentialStuffing: { minAttempts: 3, minUsernames: 2 }, bruteForce: { minFailures: 2, minPasswords: 2 }, enumeration: { minErrors: 3, minSequentialRun: 3, bolaMinUnseenIds: 3 }, automation: { minCalls: 3, minUserAgents: 2 } }), new ExposureAnalyzer({ verboseErrorMinStatus: 0 }), new ClientsAnalyzer(), new TracingAnalyzer(), new FindingsAnalyzer(), new RiskAnalyzer()];
  let detections = 0;
  for (let i = 0; i < 3000; i++) {
    const auth = rng.pick([`Basic ${b64(junk(rng, 4))}`, `Bearer ${b64(`{"alg":"${junk(rng, 2)}"}`)}.${b64(`{"sub":"${junk(rng, 3)}","exp":${rng.int(-5, 5)}}`)}.`, `Digest ${junk(rng, 5)}`, junk(rng, 6)]);
    const tx = makeTx({
      method: rng.pick(['GET', 'POST', 'PUT', 'X']),
      target: '/' + junk(rng, rng.int(0, 8)) + (rng.chance(0.3) ? '?' + junk(rng, 5) : ''),
      clientIp: `10.0.0.${rng.int(0, 5)}`,
      startTs: 1_700_000_000_000_000 + i * rng.int(0, 2_000_000),
      requestHeaders: [['Authorization', auth], ['Cookie', junk(rng, 4)], ['Origin', junk(rng, 3)], ['User-Agent', junk(rng, 3)]],
      requestBody: rng.chance(0.5) ? junk(rng, rng.int(0, 30)) : undefined,
      status: rng.pick([200, 201, 302, 401, 403, 404, 500, null]),
      responseHeaders: [['Access-Control-Allow-Origin', rng.pick(['*', 'null', junk(rng, 2)])], ['Access-Control-Allow-Credentials', 'true'], ['Location', junk(rng, 2)]],
      responseBody: rng.chance(0.6) ? junk(rng, rng.int(0, 40)) : undefined,
    });
    const call = makeCall(tx);
    for (const a of analyzers) a.onCall(call);
    for (const d of call.detections) {
      detections++;
      assert.ok(d.type.length > 0 && d.evidence.length > 0 && d.evidence.length < 2000, d.type);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f]/.test(d.evidence), `${d.type}: ${JSON.stringify(d.evidence)}`);
    }
    // eslint-disable-next-line no-control-regex
    if (call.auth !== null) assert.ok(!/[\u0000-\u001f]/.test(call.auth.identity));
  }
  assert.ok(detections > 100, `only ${detections} detections: the fuzz input is not reaching the detectors`);
  const report: AnalysisReport = { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints: [], findings: [], clients: [] };
  for (const a of analyzers) a.contribute(report);
  assert.ok(report.findings.length > 0);
  assert.ok(report.clients.length > 0);
});
