// Tests of auth and identity extraction: every scheme, JWT facts, fingerprints instead of secrets, and hostile
// values that must not throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractAuth } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { decodeJwt } from '../../../appliance/src/analyzers/identity/jwt.decoder.ts';

function jwt(header: object, payload: object): string {
  const b = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b(header)}.${b(payload)}.c2lnbmF0dXJl`;
}

test('Basic and Digest name the user; the password is never kept', () => {
  const basic = extractAuth([['Authorization', `Basic ${Buffer.from('alice:s3cret!').toString('base64')}`]], '');
  assert.deepEqual(basic, { scheme: 'basic', carrier: 'authorization', identity: 'user:alice' });
  assert.ok(!JSON.stringify(basic).includes('s3cret'));
  const digest = extractAuth([['authorization', 'Digest username="bob", realm="api", nonce="x", response="y"']], '');
  assert.equal(digest.identity, 'user:bob');
  assert.equal(digest.scheme, 'digest');
});

test('a bearer JWT gives its algorithm, claims and subject; an opaque bearer only a fingerprint', () => {
  const token = jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'u-42', iss: 'https://idp.example', exp: 1900000000, role: 'admin' });
  const a = extractAuth([['Authorization', `Bearer ${token}`]], '');
  assert.equal(a.scheme, 'jwt');
  assert.equal(a.identity, 'sub:https://idp.example|u-42');
  assert.deepEqual(a.jwt, { alg: 'RS256', claims: ['exp', 'iss', 'role', 'sub'], exp: 1900000000, iss: 'https://idp.example', sub: 'u-42' });
  const opaque = extractAuth([['Authorization', 'Bearer 0pAque-t0ken-value-123']], '');
  assert.equal(opaque.scheme, 'bearer');
  assert.match(opaque.identity, /^key:sha256:[0-9a-f]{16}$/);
  assert.ok(!opaque.identity.includes('0pAque'));
  assert.equal(extractAuth([['Authorization', 'Bearer 0pAque-t0ken-value-123']], '').identity, opaque.identity, 'stable fingerprint');
  const none = extractAuth([['Authorization', `Bearer ${jwt({ alg: 'none' }, { sub: 'x' })}`]], '');
  assert.equal(none.jwt?.alg, 'none');
});

test('API-key headers, session cookies and query credentials', () => {
  assert.equal(extractAuth([['X-API-Key', 'k-1234567890']], '').scheme, 'api_key');
  assert.equal(extractAuth([['X-API-Key', 'k-1234567890']], '').carrier, 'x-api-key');
  const cookie = extractAuth([['Cookie', 'theme=dark; JSESSIONID=ABCDEF0123456789; lang=zh']], '');
  assert.equal(cookie.scheme, 'cookie');
  assert.equal(cookie.carrier, 'cookie:JSESSIONID');
  assert.match(cookie.identity, /^session:sha256:/);
  assert.equal(extractAuth([['Cookie', 'theme=dark; lang=zh-CN-long']], '').scheme, 'none', 'non-session cookies are not auth');
  const q = extractAuth([], 'page=2&api_key=abcdef0123456789');
  assert.deepEqual([q.scheme, q.carrier], ['api_key', 'query:api_key']);
  assert.equal(extractAuth([], 'page=2&q=hello').scheme, 'none');
});

test('hostile values never throw and are bounded', () => {
  const cases: Array<[string, string]> = [
    ['Authorization', 'Basic %%%%'],
    ['Authorization', 'Bearer a.b.c'],
    ['Authorization', `Bearer eyJ${'A'.repeat(100_000)}.x.y`],
    ['Authorization', 'Digest'],
    ['Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOnt9fQ.x'],
  ];
  for (const h of cases) assert.doesNotThrow(() => extractAuth([h], 'token=%E4%ZZ%ZZ%ZZ%ZZ'));
  assert.equal(decodeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOnt9fQ.x')?.sub, '', 'a non-string subject is ignored');
  assert.equal(decodeJwt('not.a.jwt'), null);
});
