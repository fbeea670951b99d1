// Unit tests of the exposure checks: each fires on its misconfiguration with masked evidence and stays quiet otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { ExposureAnalyzer } from '../../../appliance/src/analyzers/exposure/exposure.analyzer.ts';
import { resolveExposureSettings } from '../../../appliance/src/analyzers/exposure/exposure.settings.ts';
import { findVerboseError } from '../../../appliance/src/analyzers/exposure/verbose-error.patterns.ts';
import type { CallContext, Detection } from '../../../appliance/src/analyzers/call.context.ts';
import type { SensitiveHit } from '../../../appliance/src/analyzers/sensitive/sensitive.scanner.ts';

function check(spec: TxSpec, sensitive: SensitiveHit[] = []): Detection[] {
  const call: CallContext = makeCall(makeTx(spec));
  new IdentityAnalyzer().onCall(call);
  call.sensitive = sensitive;
  new ExposureAnalyzer().onCall(call);
  return call.detections;
}
const one = (ds: Detection[], type: string) => ds.find((d) => d.type === type);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const bearer = (h: object, p: object, sig = 'c2ln') => [['Authorization', `Bearer ${b64(h)}.${b64(p)}.${sig}`]] as Array<[string, string]>;
const T0S = 1_700_000_000;

test('plaintext credentials: basic auth, login body, password in the query; evidence masks the user', () => {
  const basic = one(check({ requestHeaders: [['Authorization', 'Basic ' + Buffer.from('alice:pw').toString('base64')]] }), 'plaintext_credentials');
  assert.equal(basic?.evidence, 'HTTP Basic credentials of user a*** sent over plain HTTP to 10.0.0.2:80');
  assert.equal(basic?.scope, 'endpoint');
  const form = one(check({ method: 'POST', target: '/login', requestBody: 'username=bob&password=x', status: 302 }), 'plaintext_credentials');
  assert.match(form!.evidence, /login password of user b\*\*\*/);
  assert.ok(!form!.evidence.includes('bob'));
  assert.equal(one(check({ target: '/api?user=a&pwd=hunter2' }), 'plaintext_credentials')?.rule, 'exposure.plaintext.query');
  assert.equal(one(check({ target: '/api?password_hint=a&passwordless=1' }), 'plaintext_credentials'), undefined);
  assert.equal(one(check({ requestHeaders: bearer({ alg: 'RS256' }, { sub: 'x', exp: T0S + 60 }) }), 'plaintext_credentials'), undefined);
});

test('jwt alg none: critical when the server accepts it', () => {
  const ok = one(check({ requestHeaders: bearer({ alg: 'none' }, { sub: 'admin', exp: T0S + 60 }, ''), status: 200 }), 'jwt_alg_none');
  assert.equal(ok?.severity, 'critical');
  assert.match(ok!.evidence, /server accepted it \(status 200\)/);
  assert.equal(one(check({ requestHeaders: bearer({ alg: 'None' }, { sub: 'admin' }, ''), status: 401 }), 'jwt_alg_none')?.severity, 'high');
});

test('weak JWT: no exp, very long life, sensitive claims; a normal token is fine', () => {
  assert.match(one(check({ requestHeaders: bearer({ alg: 'HS256' }, { sub: 'u' }) }), 'weak_jwt')!.evidence, /no exp claim/);
  assert.match(one(check({ requestHeaders: bearer({ alg: 'HS256' }, { sub: 'u', exp: T0S + 400 * 86400 }) }), 'weak_jwt')!.evidence, /expires in 400 days/);
  const s = one(check({ requestHeaders: bearer({ alg: 'HS256' }, { sub: 'u', exp: T0S + 3600, id_card: 'x', Password: 'y' }) }), 'weak_jwt');
  assert.equal(s?.severity, 'high');
  assert.match(s!.evidence, /sensitive claims in the readable payload: id_card, Password/);
  assert.deepEqual(check({ requestHeaders: bearer({ alg: 'HS256' }, { sub: 'u', iat: T0S, exp: T0S + 3600 }) }), []);
});

const traces: Array<[string, string]> = [
  ['java', 'java.lang.NullPointerException: null\n\tat com.acme.orders.OrderService.find(OrderService.java:42)\n\tat sun.reflect.X.invoke(Unknown Source)'],
  ['python', 'Traceback (most recent call last):\n  File "/app/views.py", line 12, in get\nKeyError: \'id\''],
  ['node', 'TypeError: Cannot read properties of undefined\n    at Object.handler (/srv/app/routes/orders.js:17:23)\n    at Layer.handle (node:internal/process/task_queues:95:5)'],
  ['dotnet', 'System.NullReferenceException: Object reference not set\n   at Acme.Api.OrdersController.Get(Int32 id) in C:\\src\\OrdersController.cs:line 27'],
  ['php', '<b>Fatal error</b>:  Uncaught Error: Call to undefined function in /var/www/index.php on line <b>7</b>'],
  ['go', 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()'],
  ['sql', "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''1''' at line 1"],
  ['sql', 'ORA-00933: SQL command not properly ended'],
  ['sql', 'pq: ERROR:  syntax error at or near "OR"'],
  ['sql', "Unclosed quotation mark after the character string ''."],
  ['sql', 'sqlite3.OperationalError: near "x": syntax error'],
];

test('verbose errors of every platform, in plain and JSON-escaped bodies', () => {
  for (const [platform, body] of traces) {
    const d = one(check({ status: 500, responseBody: body }), 'verbose_error');
    assert.equal(d?.rule, `exposure.verbose_error.${platform}`, body);
    const json = one(check({ status: 500, responseBody: JSON.stringify({ error: body }) }), 'verbose_error');
    assert.equal(json?.rule, `exposure.verbose_error.${platform}`, `JSON: ${body}`);
  }
});

test('ordinary error bodies and successful responses are not verbose errors', () => {
  for (const body of ['{"error":"not found","code":404}', '{"message":"Internal Server Error"}', '订单不存在，请稍后再试', '{"error":"invalid_grant","error_description":"Bad credentials at login"}']) {
    assert.equal(one(check({ status: 500, responseBody: body }), 'verbose_error'), undefined, body);
  }
  assert.equal(one(check({ status: 200, responseBody: traces[0][1] }), 'verbose_error'), undefined);
  assert.equal(findVerboseError('see the ERROR: log at line 4'), null);
});

test('CORS: wildcard or null with credentials, reflected foreign origin; same-site reflection is fine', () => {
  const cors = (origin: string | null, acao: string, creds = true) =>
    one(check({ requestHeaders: origin === null ? [] : [['Origin', origin]], responseHeaders: [['Access-Control-Allow-Origin', acao], ...(creds ? [['Access-Control-Allow-Credentials', 'true'] as [string, string]] : [])] }), 'cors_misconfig');
  assert.equal(cors(null, '*')?.severity, 'medium');
  assert.equal(cors('null', 'null')?.severity, 'high');
  assert.match(cors('https://evil.example.net', 'https://evil.example.net')!.evidence, /reflected/);
  assert.equal(cors('https://app.api.example.com', 'https://app.api.example.com'), undefined);
  assert.equal(cors('https://evil.example.net', '*', false), undefined);
});

test('missing security headers only on responses with sensitive data', () => {
  const hit: SensitiveHit = { type: 'cn_id_card', location: 'json', direction: 'response', field: 'idCard', value: 'x', masked: '110101********1234', confidence: 1, credential: false } as SensitiveHit;
  const d = one(check({ responseType: 'application/json' }, [hit]), 'missing_security_headers');
  assert.equal(d?.evidence, 'response with sensitive data (cn_id_card) lacks Cache-Control: no-store, X-Content-Type-Options: nosniff');
  assert.equal(one(check({ responseHeaders: [['Cache-Control', 'no-store'], ['X-Content-Type-Options', 'nosniff']] }, [hit]), 'missing_security_headers'), undefined);
  assert.equal(one(check({}), 'missing_security_headers'), undefined);
});

test('settings are validated', () => {
  assert.throws(() => resolveExposureSettings({ verboseErrorMinStatus: 700 }), /verboseErrorMinStatus/);
  assert.equal(resolveExposureSettings({ verboseErrorBytes: 10 }).jwtMaxLifetimeSec, 30 * 24 * 3600);
});
