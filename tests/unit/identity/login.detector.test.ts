// Unit tests of the login helpers: which calls are logins, the username tried, password fingerprints, outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTx } from '../../fixtures/transaction.fixture.ts';
import { detectLogin, loginOutcome } from '../../../appliance/src/analyzers/identity/login.detector.ts';

const jsonLogin = (body: object, status = 200, responseBody?: string) =>
  makeTx({ method: 'POST', target: '/api/v1/auth/login', requestBody: JSON.stringify(body), requestType: 'application/json', status, responseBody });

test('JSON login with 401 is a failure with username and a password fingerprint', () => {
  const a = detectLogin(jsonLogin({ username: 'alice', password: 'hunter2' }, 401));
  assert.ok(a !== null);
  assert.equal(a.kind, 'form');
  assert.equal(a.username, 'alice');
  assert.equal(a.outcome, 'failure');
  assert.match(a.passwordFp, /^sha256:/);
  assert.ok(!JSON.stringify(a).includes('hunter2'));
});

test('same password gives the same fingerprint, different passwords differ', () => {
  const a = detectLogin(jsonLogin({ user: 'a', password: 'p1' }));
  const b = detectLogin(jsonLogin({ user: 'b', password: 'p1' }));
  const c = detectLogin(jsonLogin({ user: 'a', password: 'p2' }));
  assert.equal(a?.passwordFp, b?.passwordFp);
  assert.notEqual(a?.passwordFp, c?.passwordFp);
});

test('nested JSON and urlencoded form logins (OAuth password grant)', () => {
  const nested = detectLogin(jsonLogin({ credentials: { email: 'x@y.cn', pwd: 'p' } }));
  assert.equal(nested?.username, 'x@y.cn');
  const form = detectLogin(makeTx({ method: 'POST', target: '/oauth/token', requestBody: 'grant_type=password&username=bob%40corp&password=p%26w', requestType: 'application/x-www-form-urlencoded', status: 400 }));
  assert.equal(form?.username, 'bob@corp');
  assert.equal(form?.outcome, 'failure');
});

test('a 200 with a failure body is a failure; with a token it is a success', () => {
  assert.equal(detectLogin(jsonLogin({ username: 'a', password: 'b' }, 200, '{"success":false,"msg":"invalid password"}'))?.outcome, 'failure');
  assert.equal(detectLogin(jsonLogin({ username: 'a', password: 'b' }, 200, '{"code":0,"msg":"用户名或密码错误"}'))?.outcome, 'failure');
  assert.equal(detectLogin(jsonLogin({ username: 'a', password: 'b' }, 200, '{"access_token":"x","expires_in":3600}'))?.outcome, 'success');
  assert.equal(detectLogin(jsonLogin({ username: 'a', password: 'b' }, 503))?.outcome, 'unknown');
});

test('redirects: to an error page is a failure, elsewhere a success', () => {
  const t = (loc: string) => loginOutcome(makeTx({ method: 'POST', status: 302, responseHeaders: [['Location', loc]] })).outcome;
  assert.equal(t('/login?error=1'), 'failure');
  assert.equal(t('/dashboard'), 'success');
});

test('basic and digest credentials are authentication attempts on any path', () => {
  const b = detectLogin(makeTx({ target: '/v1/reports', requestHeaders: [['Authorization', 'Basic ' + Buffer.from('root:toor').toString('base64')]], status: 401 }));
  assert.deepEqual([b?.kind, b?.username, b?.outcome], ['basic', 'root', 'failure']);
  const d = detectLogin(makeTx({ requestHeaders: [['Authorization', 'Digest username="eve", nonce="1"']], status: 200 }));
  assert.deepEqual([d?.kind, d?.username, d?.passwordFp, d?.outcome], ['digest', 'eve', '', 'success']);
});

test('ordinary calls are not logins', () => {
  assert.equal(detectLogin(makeTx({ method: 'GET', target: '/login' })), null);
  assert.equal(detectLogin(makeTx({ method: 'POST', target: '/v1/orders', requestBody: '{"item":1,"qty":2}' })), null);
  assert.equal(detectLogin(makeTx({ method: 'POST', target: '/login', requestBody: '{"username":"a"}' })), null);
  assert.equal(detectLogin(makeTx({ method: 'POST', target: '/login', requestBody: '{not json password' })), null);
});
