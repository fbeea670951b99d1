// Unit tests of the identity analyzer: auth schemes, carriers, identity ids without raw secrets, JWT facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { decodeJwt, looksLikeJwt } from '../../../appliance/src/analyzers/identity/jwt.decoder.ts';
import { resolveAuth } from '../../../appliance/src/analyzers/identity/auth.resolver.ts';
import { GenerationalCache, LruCache } from '../../../appliance/src/analyzers/identity/lru.cache.ts';
import type { HeaderList } from '../../../appliance/src/engine/transaction.types.ts';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: object, payload: object, sig = 'c2lnbmF0dXJl'): string => `${b64(header)}.${b64(payload)}.${sig}`;

function authOf(requestHeaders: HeaderList, target = '/v1/orders') {
  const call = makeCall(makeTx({ requestHeaders, target }));
  new IdentityAnalyzer().onCall(call);
  assert.ok(call.auth !== null);
  return call.auth;
}

test('no credentials: scheme none, no identity', () => {
  assert.deepEqual(authOf([['Accept', 'application/json']]), { scheme: 'none', carrier: '', identity: '' });
});

test('basic auth: user name as identity, password never kept', () => {
  const a = authOf([['Authorization', 'Basic ' + Buffer.from('alice:s3cret!').toString('base64')]]);
  assert.equal(a.scheme, 'basic');
  assert.equal(a.carrier, 'authorization');
  assert.equal(a.identity, 'user:alice');
  assert.ok(!JSON.stringify(a).includes('s3cret'));
});

test('bearer JWT: scheme jwt with decoded facts and subject identity', () => {
  const token = jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'user-42', iss: 'https://idp', exp: 1700003600, scope: 'read' });
  const a = authOf([['authorization', `Bearer ${token}`]]);
  assert.equal(a.scheme, 'jwt');
  assert.equal(a.identity, 'sub:user-42');
  assert.deepEqual(a.jwt, { alg: 'RS256', claims: ['sub', 'iss', 'exp', 'scope'], exp: 1700003600, iss: 'https://idp', sub: 'user-42' });
});

test('opaque bearer token: fingerprinted key identity', () => {
  const a = authOf([['Authorization', 'Bearer 2YotnFZFEjr1zCsicMWpAA']]);
  assert.equal(a.scheme, 'bearer');
  assert.match(a.identity, /^key:sha256:[0-9a-f]{16}$/);
  assert.ok(!a.identity.includes('2YotnFZFEjr1zCsicMWpAA'));
});

test('JWT without subject falls back to a token fingerprint', () => {
  const a = authOf([['Authorization', `Bearer ${jwt({ alg: 'HS256' }, { scope: 'x' })}`]]);
  assert.equal(a.scheme, 'jwt');
  assert.match(a.identity, /^key:sha256:/);
});

test('digest auth: username from the parameters', () => {
  const a = authOf([['Authorization', 'Digest username="bob", realm="api", nonce="abc", response="def"']]);
  assert.deepEqual(a, { scheme: 'digest', carrier: 'authorization', identity: 'user:bob' });
});

test('API key header: api_key scheme, carrier is the header name, same key same identity', () => {
  const a = authOf([['X-API-Key', 'ak_live_0123456789abcdef']]);
  const b = authOf([['x-api-key', 'ak_live_0123456789abcdef']]);
  const c = authOf([['x-api-key', 'ak_live_ffffffffffffffff']]);
  assert.equal(a.scheme, 'api_key');
  assert.equal(a.carrier, 'x-api-key');
  assert.equal(a.identity, b.identity);
  assert.notEqual(a.identity, c.identity);
  assert.ok(!a.identity.includes('ak_live'));
});

test('credentials in the query string', () => {
  assert.equal(authOf([], '/v1/x?page=1&api_key=abcdef123456').carrier, 'query:api_key');
  const t = authOf([], `/v1/x?access_token=${jwt({ alg: 'HS256' }, { sub: 'u1' })}`);
  assert.equal(t.scheme, 'jwt');
  assert.equal(t.carrier, 'query:access_token');
  assert.equal(t.identity, 'sub:u1');
  assert.equal(authOf([], '/v1/x?key=short').scheme, 'none');
});

test('session cookies, and cookies that carry no session are ignored', () => {
  const a = authOf([['Cookie', 'theme=dark; JSESSIONID=ABCDEF0123456789; _ga=GA1.2.3']]);
  assert.equal(a.scheme, 'cookie');
  assert.equal(a.carrier, 'cookie:jsessionid');
  assert.match(a.identity, /^session:sha256:/);
  assert.equal(authOf([['Cookie', 'theme=dark; lang=zh-CN']]).scheme, 'none');
  const j = authOf([['Cookie', `access_token=${jwt({ alg: 'HS256' }, { sub: 'carol' })}`]]);
  assert.equal(j.scheme, 'jwt');
  assert.equal(j.identity, 'sub:carol');
});

test('authorization wins over cookies and keys', () => {
  const a = authOf([['Cookie', 'session=0123456789abcdef'], ['X-API-Key', 'k_0123456789'], ['Authorization', 'Basic ' + Buffer.from('dave:x').toString('base64')]]);
  assert.equal(a.identity, 'user:dave');
});

test('hostile values never throw and names are cleaned and bounded', () => {
  const hostile: string[] = ['Basic ', 'Basic !!!!', 'Bearer ', 'Bearer eyJ.eyJ.', `Bearer eyJ${'A'.repeat(20000)}.e.x`, 'Digest', '\u0000\u0001', `Basic ${Buffer.from('\u0000evil\nuser:pw').toString('base64')}`];
  for (const h of hostile) {
    const a = authOf([['Authorization', h]]);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f]/.test(a.identity), h);
  }
  const long = authOf([['Authorization', 'Basic ' + Buffer.from('u'.repeat(1000) + ':p').toString('base64')]]);
  assert.equal(long.identity.length, 'user:'.length + 128);
});

test('decodeJwt: alg none, unsigned, malformed parts', () => {
  const f = decodeJwt(`${b64({ alg: 'none' })}.${b64({ sub: 'x', iat: 5 })}.`);
  assert.ok(f !== null);
  assert.equal(f.alg, 'none');
  assert.equal(f.unsigned, true);
  assert.equal(f.iat, 5);
  assert.equal(f.exp, null);
  assert.equal(decodeJwt(`${b64([1])}.${b64({})}.x`), null);
  assert.equal(decodeJwt('eyJhbGciOiJub25lIn0.bm90IGpzb24.x'), null);
  assert.equal(looksLikeJwt('a.b.c'), false);
  assert.equal(looksLikeJwt('eyJa.b.c.d'), false);
});

test('resolveAuth works without a shared cache', () => {
  assert.equal(resolveAuth(makeTx({ requestHeaders: [['Authorization', 'Token abc123']] })).scheme, 'other');
});

test('LruCache evicts least recently used and counts evictions', () => {
  const c = new LruCache<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  assert.equal(c.get('a'), 1);
  c.set('c', 3);
  assert.equal(c.peek('b'), undefined);
  assert.equal(c.peek('a'), 1);
  assert.equal(c.evicted, 1);
  assert.throws(() => new LruCache(0));
});

test('GenerationalCache keeps recently used keys, bounds its size and counts evictions', () => {
  const c = new GenerationalCache<number, number>(4);
  for (let i = 0; i < 4; i++) c.set(i, i);
  assert.equal(c.get(0), 0, 'a key in the old generation is promoted on use');
  for (let i = 10; i < 12; i++) c.set(i, i);
  assert.equal(c.get(0), 0);
  assert.equal(c.get(1), undefined);
  assert.ok(c.size <= 4);
  assert.ok(c.evicted >= 2);
  assert.throws(() => new GenerationalCache(1));
});

test('header names compare without case and without allocation helpers getting it wrong', async () => {
  const { headerIs, HeaderNameSet } = await import('../../../appliance/src/analyzers/identity/header.names.ts');
  assert.ok(headerIs('AUTHORIZATION', 'authorization'));
  assert.ok(headerIs('Authorization', 'authorization'));
  assert.ok(!headerIs('Authorizatio', 'authorization'));
  assert.ok(!headerIs('Authorizatiom', 'authorization'));
  const set = new HeaderNameSet(['x-api-key', 'Api-Key']);
  assert.ok(set.has('X-Api-KEY'));
  assert.ok(set.has('api-key'));
  assert.ok(!set.has('x-api-kez'));
  assert.ok(!set.has('accept'));
});
