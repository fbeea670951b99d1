// Unit tests of the abuse detectors: each pattern fires for the abusive client with its reasons, normal use does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { AbuseAnalyzer } from '../../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import { IdentityAnalyzer } from '../../../appliance/src/analyzers/identity/identity.analyzer.ts';
import { resolveAbuseSettings } from '../../../appliance/src/analyzers/abuse/abuse.settings.ts';
import { objectRef } from '../../../appliance/src/analyzers/abuse/path.ids.ts';
import { IdCounter, idKey, longestRun } from '../../../appliance/src/analyzers/abuse/id.counter.ts';
import { IdFilter, learnJsonIds } from '../../../appliance/src/analyzers/abuse/id.filter.ts';
import type { CallContext, Detection } from '../../../appliance/src/analyzers/call.context.ts';

const T0 = 1_700_000_000_000_000;

/** Runs specs through identity + abuse and returns the detections per call. */
function run(abuse: AbuseAnalyzer, specs: TxSpec[]): CallContext[] {
  const identity = new IdentityAnalyzer();
  return specs.map((s) => {
    const call = makeCall(makeTx(s));
    identity.onCall(call);
    abuse.onCall(call);
    return call;
  });
}

const types = (calls: CallContext[]): Set<string> => new Set(calls.flatMap((c) => c.detections.map((d) => d.type)));
const last = (calls: CallContext[], type: string): Detection | undefined => calls.flatMap((c) => c.detections).filter((d) => d.type === type).at(-1);

const login = (i: number, user: string, pw: string, status: number, ip = '203.0.113.9'): TxSpec => ({
  method: 'POST', target: '/api/v1/login', clientIp: ip, startTs: T0 + i * 500_000,
  requestBody: JSON.stringify({ username: user, password: pw }), requestType: 'application/json', status,
});

test('credential stuffing: many usernames, mostly failing, from one client', () => {
  const calls = run(new AbuseAnalyzer(), Array.from({ length: 30 }, (_, i) => login(i, `user${i}@mail.cn`, `pw${i}`, i === 17 ? 200 : 401)));
  assert.ok(types(calls).has('credential_stuffing'));
  assert.ok(!types(calls).has('brute_force'));
  assert.equal(calls.findIndex((c) => c.detections.length > 0), 19, 'fires at the 20th attempt (minAttempts)');
  const d = last(calls, 'credential_stuffing');
  assert.match(d!.evidence, /30 login attempts with 30 distinct usernames/);
  assert.ok(!d!.evidence.includes('user29@mail.cn'), 'usernames are masked');
});

test('brute force: one account, many passwords; a later success is critical', () => {
  const specs = Array.from({ length: 14 }, (_, i) => login(i, 'admin', `guess${i}`, 401));
  specs.push(login(20, 'admin', 'letmein', 200));
  const calls = run(new AbuseAnalyzer(), specs);
  assert.ok(types(calls).has('brute_force'));
  assert.ok(!types(calls).has('credential_stuffing'));
  const d = last(calls, 'brute_force');
  assert.equal(d!.severity, 'critical');
  assert.match(d!.evidence, /14 failed of 15 form logins on account a\*\*\* with 15 distinct passwords/);
});

test('distributed brute force: one account from many clients, each under the per-client limits', () => {
  const specs = Array.from({ length: 16 }, (_, i) => login(i, 'ceo', `pw-${i}`, 401, `198.18.0.${i % 6}`));
  const calls = run(new AbuseAnalyzer(), specs);
  const d = last(calls, 'brute_force');
  assert.equal(d?.rule, 'abuse.brute_force.distributed');
  assert.match(d!.evidence, /16 failed of 16 logins on account c\*\*\* from 6 clients with 16 distinct passwords, 3 failures from this client/);
  assert.equal(calls.findIndex((c) => c.detections.length > 0), 12, 'fires at the first client with 3 failures once the account-wide limits hold');
  const owner = run(new AbuseAnalyzer(), [...specs, login(17, 'ceo', 'typo', 401, '10.0.0.50'), login(18, 'ceo', 'right', 200, '10.0.0.50')]);
  assert.deepEqual(owner.slice(16).map((c) => c.detections.length), [0, 0], 'the owner logging in during the attack is not blamed');
});

test('a user who mistypes a password a few times is not flagged', () => {
  const calls = run(new AbuseAnalyzer(), [login(0, 'bob', 'x1', 401), login(1, 'bob', 'x2', 401), login(2, 'bob', 'right', 200)]);
  assert.equal(types(calls).size, 0);
});

test('enumeration: sequential ids walked by one client', () => {
  const calls = run(new AbuseAnalyzer(), Array.from({ length: 40 }, (_, i) => ({ target: `/api/v1/orders/${1000 + i}`, clientIp: '198.51.100.7', startTs: T0 + i * 1e6, status: i % 3 === 0 ? 200 : 404 })));
  assert.ok(types(calls).has('enumeration'));
  assert.match(last(calls, 'enumeration')!.evidence, /consecutive ids/);
});

test('enumeration: many 404s on one template with random ids', () => {
  const calls = run(new AbuseAnalyzer(), Array.from({ length: 30 }, (_, i) => ({ target: `/api/v1/users/u${100000 + ((i * 7919) % 100000)}x9`, clientIp: '198.51.100.8', startTs: T0 + i * 1e6, status: 404 })));
  const d = last(calls, 'enumeration');
  assert.ok(d);
  assert.match(d.evidence, /29 of 30 calls on this template answered 403\/404/);
});

test('passive BOLA: an identity fetching ids it was never given', () => {
  const token = (sub: string) => [['Authorization', 'Bearer ' + Buffer.from('{"alg":"HS256"}').toString('base64url') + '.' + Buffer.from(JSON.stringify({ sub })).toString('base64url') + '.c2ln']] as Array<[string, string]>;
  const own: TxSpec[] = [{ target: '/api/v1/accounts', requestHeaders: token('alice'), responseBody: JSON.stringify({ items: Array.from({ length: 30 }, (_, i) => ({ id: `acc${5000 + i * 13}` })) }) }];
  for (let i = 0; i < 30; i++) own.push({ target: `/api/v1/accounts/acc${5000 + i * 13}`, requestHeaders: token('alice'), startTs: T0 + (i + 1) * 2e6, clientIp: '10.1.1.1' });
  const probe: TxSpec[] = Array.from({ length: 30 }, (_, i) => ({ target: `/api/v1/accounts/acc${7000 + i * 17}`, requestHeaders: token('mallory'), startTs: T0 + i * 2e6, clientIp: '10.1.1.2' }));
  const a = new AbuseAnalyzer();
  const ownCalls = run(a, own);
  const probeCalls = run(a, probe);
  assert.ok(!types(ownCalls).has('enumeration'), 'ids it was given are not probing');
  const d = last(probeCalls, 'enumeration');
  assert.ok(d);
  assert.equal(d.rule, 'abuse.enumeration.bola');
  assert.match(d.evidence, /^ip:10\.1\.1\.2: identity sub:mallory fetched 29 of 29 distinct object ids/);
});

test('an identity walking ids from rotating IPs is tracked as its own actor', () => {
  const auth = [['Authorization', 'Bearer ' + Buffer.from('{"alg":"HS256"}').toString('base64url') + '.' + Buffer.from('{"sub":"stolen","exp":1900000000}').toString('base64url') + '.c2ln']] as Array<[string, string]>;
  const calls = run(new AbuseAnalyzer(), Array.from({ length: 40 }, (_, i) => ({ target: `/api/v1/orders/${3000 + i}`, clientIp: `100.64.0.${i % 8}`, requestHeaders: auth, startTs: T0 + i * 1e6, status: 404 })));
  const d = last(calls, 'enumeration');
  assert.ok(d, 'no single IP made enough calls, the identity did');
  assert.match(d.evidence, /^id:sub:stolen: /);
});

test('scraping: high coverage of an id space and paging through a collection', () => {
  const a = new AbuseAnalyzer({ scraping: { minDistinctIds: 50, minPages: 20 } });
  const calls = run(a, Array.from({ length: 60 }, (_, i) => ({ target: `/api/v1/customers/${(i * 7919) % 1000003}`, clientIp: '192.0.2.50', startTs: T0 + i * 1e6 })));
  assert.match(last(calls, 'scraping')!.evidence, /fetched 59 distinct ids .* 100% of the 59 ids/);
  const pages = run(a, Array.from({ length: 25 }, (_, i) => ({ target: `/api/v1/customers?page=${i}&size=100`, clientIp: '192.0.2.51', startTs: T0 + i * 1e6 })));
  assert.match(last(pages, 'scraping')!.evidence, /walked 2\d distinct pages/);
});

test('rate anomaly against the floor while learning and above a learned baseline', () => {
  const a = new AbuseAnalyzer({ rate: { minCallsPerBucket: 50, minBaselineBuckets: 5, coldFactor: 2 } });
  const normal: TxSpec[] = [];
  for (let minute = 0; minute < 10; minute++) for (let c = 0; c < 5; c++) for (let k = 0; k < 10; k++) normal.push({ target: '/api/v1/quotes', clientIp: `10.9.0.${c}`, startTs: T0 + minute * 60e6 + c * 1000 + k * 5e6 });
  assert.ok(!types(run(a, normal)).has('rate_anomaly'));
  const burst = run(a, Array.from({ length: 80 }, (_, i) => ({ target: '/api/v1/quotes', clientIp: '10.9.9.9', startTs: T0 + 11 * 60e6 + i * 100_000 })));
  const d = last(burst, 'rate_anomaly');
  assert.ok(d);
  assert.match(d.evidence, /80 calls to all endpoints in the last 60s; learned mean 9\.\d/);
});

test('automation: bot agent, agent rotation with one header order, regular timing', () => {
  const a = new AbuseAnalyzer();
  assert.ok(types(run(a, [{ clientIp: '10.5.0.1', requestHeaders: [['User-Agent', 'Mozilla/5.0 HeadlessChrome/120']] }])).has('automation'));
  const rot = run(a, Array.from({ length: 6 }, (_, i) => ({ clientIp: '10.5.0.2', startTs: T0 + i * 3e6 + (i * i * 77_000), requestHeaders: [['User-Agent', `Mozilla/5.0 Chrome/${100 + i}`], ['Accept', '*/*']] as Array<[string, string]> })));
  assert.match(last(rot, 'automation')!.evidence, /6 different user agents sent with one identical header order/);
  const regular = run(a, Array.from({ length: 40 }, (_, i) => ({ clientIp: '10.5.0.3', startTs: T0 + i * 2e6, requestHeaders: [['User-Agent', 'curl/8.5.0']] as Array<[string, string]> })));
  assert.match(last(regular, 'automation')!.evidence, /machine-regular intervals of 2\.000s/);
  const human = run(a, Array.from({ length: 40 }, (_, i) => ({ clientIp: '10.5.0.4', startTs: T0 + i * 2e6 + ((i * 7919) % 13) * 150_000, requestHeaders: [['User-Agent', 'curl/8.5.0']] as Array<[string, string]> })));
  assert.ok(!types(human).has('automation'));
});

test('automation: a client evicted and seen again starts a new timing window (its slot row is not carried over)', () => {
  const a = new AbuseAnalyzer({ automation: { minCalls: 5 }, caps: { actors: 4 } });
  const regular = (ip: string, from: number, n: number): TxSpec[] => Array.from({ length: n }, (_, i) => ({ clientIp: ip, startTs: T0 + (from + i) * 2e6, requestHeaders: [['User-Agent', 'curl/8.5.0']] as Array<[string, string]> }));
  assert.ok(!types(run(a, regular('10.6.0.1', 0, 4))).has('automation'), '4 calls are under minCalls');
  const evictedBefore = a.stats().actorsEvicted;
  for (let k = 2; k <= 8; k++) run(a, regular(`10.6.0.${k}`, 4, 1));
  assert.ok(a.stats().actorsEvicted > evictedBefore, 'the first client was evicted');
  assert.ok(!types(run(a, regular('10.6.0.1', 4, 3))).has('automation'), 'only the 3 calls since it came back count');
  const kept = new AbuseAnalyzer({ automation: { minCalls: 5 } });
  run(kept, regular('10.6.0.1', 0, 4));
  assert.ok(types(run(kept, regular('10.6.0.1', 4, 3))).has('automation'), 'without the eviction the 7 regular calls fire');
});

test('settings: partial overrides merge, bad values are rejected with every problem', () => {
  assert.equal(resolveAbuseSettings({ bruteForce: { minFailures: 3 } }).bruteForce.minPasswords, 8);
  assert.throws(() => resolveAbuseSettings({ windowSec: 0, credentialStuffing: { minFailureRatio: 2 } }), /windowSec.*minFailureRatio/);
});

test('bounded state: actors beyond the cap are evicted and counted', () => {
  const a = new AbuseAnalyzer({ caps: { actors: 10 } });
  run(a, Array.from({ length: 50 }, (_, i) => ({ clientIp: `10.7.0.${i}` })));
  assert.equal(a.stats().actors, 10);
  assert.equal(a.stats().actorsEvicted, 40);
});

test('object refs from templates and from raw paths', () => {
  assert.deepEqual(objectRef('/v1/orders/42', '/v1/orders/{orderId}'), { template: '/v1/orders/{orderId}', id: '42', numeric: true });
  assert.deepEqual(objectRef('/v1/users/7/orders', '/v1/users/{userId}/orders'), { template: '/v1/users/{userId}/orders', id: '7', numeric: true });
  assert.deepEqual(objectRef('/v1/orders/9b2f0c1e-58aa-4a43-9e0b-2f8c7c3a1d11/items', undefined), { template: '/v1/orders/{id}/items', id: '9b2f0c1e-58aa-4a43-9e0b-2f8c7c3a1d11', numeric: false });
  assert.deepEqual(objectRef('/v1/orders', undefined), { template: '/v1/orders', id: '', numeric: false });
  assert.equal(longestRun(['5', '3', '4', '9', 'x', '10', '4'].map((s) => idKey(s, /^\d+$/.test(s)))), 3);
});

test('id counter: small then set, capped with overflow; id filter learns JSON ids from bytes', () => {
  const c = new IdCounter(20);
  for (let i = 0; i < 30; i++) c.add(i % 25);
  assert.equal(c.distinct, 25);
  assert.equal(c.overflow, 5);
  assert.equal(c.add(3), false);
  const f = new IdFilter();
  const n = learnJsonIds(Buffer.from('{"data":[{"id":123,"orderId":"A-17","account_id": "x_9"},{"uuid":"nope","paid":5}]}'), 1 << 16, f);
  assert.equal(n, 3);
  assert.ok(f.has('123') && f.has('A-17') && f.has('x_9'));
  assert.ok(!f.has('nope') && !f.has('5') && !f.has('124'));
});

test('id counter: one id held without an array, then the array, keys and clear', () => {
  const c = new IdCounter(20);
  assert.equal(c.distinct, 0);
  assert.deepEqual([...c.keys()], []);
  assert.equal(c.add(7), true);
  assert.equal(c.add(7), false);
  assert.equal(c.distinct, 1);
  assert.deepEqual([...c.keys()], [7]);
  assert.equal(c.add(-3), true);
  assert.equal(c.add(7), false);
  assert.equal(c.add(-3), false);
  assert.deepEqual([...c.keys()].sort((a, b) => a - b), [-3, 7]);
  for (let i = 0; i < 12; i++) c.add(100 + i);
  assert.equal(c.distinct, 14);
  assert.equal(c.add(105), false);
  c.clear();
  assert.equal(c.distinct, 0);
  assert.equal(c.add(7), true);
  assert.equal(longestRun([...c.keys()]), 1);
});

test('hostile calls never throw', () => {
  const a = new AbuseAnalyzer();
  run(a, [{ target: '/' + 'a/'.repeat(5000) }, { method: 'POST', target: '/login', requestBody: Buffer.from([0xff, 0xfe, 0x00]) }, { target: '/x?page=' + '%'.repeat(100) }]);
});
