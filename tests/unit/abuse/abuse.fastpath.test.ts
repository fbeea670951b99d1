/** Unit tests of the abuse analyzer's per-call fast paths: cached template segments, page scanner, one-pass id learning, cached rate limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastParamSegment, objectRef, objectRefAt } from '../../../appliance/src/analyzers/abuse/path.ids.ts';
import { pageValue } from '../../../appliance/src/analyzers/abuse/object-access.detector.ts';
import { IdFilter, learnJsonIds } from '../../../appliance/src/analyzers/abuse/id.filter.ts';
import { RateBaseline } from '../../../appliance/src/analyzers/abuse/rate.baseline.ts';
import { resolveAbuseSettings } from '../../../appliance/src/analyzers/abuse/abuse.settings.ts';

test('object refs from a cached template segment equal the uncached ones', () => {
  const cases: Array<[string, string]> = [
    ['/v1/orders/42', '/v1/orders/{orderId}'],
    ['/v1/users/7/orders', '/v1/users/{userId}/orders'],
    ['/v1/users', '/v1/users/{userId}'],
    ['/v1/orders//x', '/v1/orders/{id}/x'],
    ['/v1/a/b', '/v1/a/b'],
    [`/v1/orders/${'9'.repeat(70)}`, '/v1/orders/{id}'],
  ];
  for (const [path, template] of cases) {
    assert.deepEqual(objectRefAt(path, template, lastParamSegment(template)), objectRef(path, template), `${path} under ${template}`);
  }
  assert.equal(lastParamSegment('/v1/a/b'), -1);
  assert.equal(lastParamSegment('/v1/{a}/b/{c}'), 4);
  const shared = { template: '/t', id: '', numeric: false };
  assert.equal(objectRefAt('/t', '/t', -1, shared), shared);
});

test('page values: first non-empty page-like parameter, any case, cut to 64 characters', () => {
  assert.equal(pageValue(''), '');
  assert.equal(pageValue('q=a&page=3'), '3');
  assert.equal(pageValue('PAGE=&Offset=40&page=2'), '40');
  assert.equal(pageValue('pages=2&pagex=1'), '');
  assert.equal(pageValue('q=page=5'), '');
  assert.equal(pageValue('page==5'), '=5');
  assert.equal(pageValue(`cursor=${'c'.repeat(80)}`), 'c'.repeat(64));
  assert.equal(pageValue('p=9'), '9');
  assert.equal(pageValue('Page_No=4&x=1'), '4');
});

test('JSON id learning in one pass keeps the key rules of both spellings', () => {
  const f = new IdFilter();
  assert.equal(f.has('1'), false, 'an empty filter holds nothing (bits not allocated yet)');
  const body = Buffer.from('Id":"first",{"id": 7,"orderId":"A-1","account_id":"b_2","uid":"no","paid":5,"xid":"no","kid": 3}');
  assert.equal(learnJsonIds(body, body.length, f), 4);
  for (const id of ['first', '7', 'A-1', 'b_2']) assert.ok(f.has(id), id);
  for (const id of ['no', '5', '3']) assert.ok(!f.has(id), id);
  const g = new IdFilter();
  assert.equal(learnJsonIds(body, 12, g), 1, 'ids past the limit are not read');
  assert.equal(learnJsonIds(body, body.length, new IdFilter(), 2), 2, 'at most max ids');
});

test('rate limit is cached between learned buckets and agrees with the threshold text', () => {
  const s = resolveAbuseSettings({ rate: { minCallsPerBucket: 10, minBaselineBuckets: 3, zScore: 2 } }).rate;
  const b = new RateBaseline();
  assert.equal(b.limit(s), 10 * s.coldFactor);
  assert.equal(b.threshold(s).limit, b.limit(s));
  for (const c of [20, 40, 30]) b.learn(c, 0.5);
  const t = b.threshold(s);
  assert.equal(b.limit(s), t.limit);
  assert.ok(t.limit > 30 && t.basis.includes(`limit ${Math.ceil(t.limit)}`));
  b.learn(200, 0.5);
  assert.ok(b.limit(s) > t.limit, 'a learned bucket moves the cached limit');
});
