// Tests of the call-log filters: URL query round trip (shareable links), rejection of invalid values, the API query
// they become, and zero-filling of timeline buckets for the overview chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callLogUrl, callsApiQuery, DEFAULT_FILTERS, fillBuckets, filtersFromQuery, filtersToQuery, openCallId, rangeFrom, type CallFilters } from '../../../ui/src/lib/calls/calls.query.ts';

test('filters survive the URL query round trip and defaults are left out of the link', () => {
  const f: CallFilters = { range: '7d', host: 'api.example.com', template: '/v1/users/{id}', method: 'POST', status: '4xx', client: '10.0.0.7', sensitive: 'cn_mobile', detection: 'sqli', q: '<script>&x=1', finding: '42' };
  const qs = filtersToQuery(f);
  assert.equal(qs, '?range=7d&host=api.example.com&template=%2Fv1%2Fusers%2F%7Bid%7D&method=POST&status=4xx&client=10.0.0.7&sensitive=cn_mobile&detection=sqli&q=%3Cscript%3E%26x%3D1&finding=42');
  assert.deepEqual(filtersFromQuery(new URLSearchParams(qs)), f);
  assert.equal(filtersToQuery({ ...DEFAULT_FILTERS }), '');
  assert.equal(filtersToQuery({ ...DEFAULT_FILTERS, host: '  ', q: 'x' }), '?q=x');
});

test('invalid query values fall back to the defaults', () => {
  const f = filtersFromQuery(new URLSearchParams('range=1y&method=GE%20T&status=6xx&q=' + 'a'.repeat(300)));
  assert.equal(f.range, 'all');
  assert.equal(f.method, '');
  assert.equal(f.status, '');
  assert.equal(f.q.length, 256);
  assert.equal(filtersFromQuery(new URLSearchParams('method=get&status=503')).method, 'GET');
  assert.equal(filtersFromQuery(new URLSearchParams('status=503')).status, '503');
  for (const bad of ['0', '-1', '1e3', 'x', '1'.repeat(16), '<b>']) assert.equal(filtersFromQuery(new URLSearchParams({ finding: bad })).finding, '', bad);
});

test('the open call is read from and written to the call-log URL beside the filters', () => {
  assert.equal(callLogUrl({ ...DEFAULT_FILTERS }, 12), '/calls?call=12');
  assert.equal(callLogUrl({ ...DEFAULT_FILTERS, finding: '3' }, 12), '/calls?finding=3&call=12');
  assert.equal(callLogUrl({ ...DEFAULT_FILTERS, finding: '3' }, null), '/calls?finding=3');
  const q = new URLSearchParams(callLogUrl({ ...DEFAULT_FILTERS, host: 'a&call=9' }, 12).split('?')[1]);
  assert.equal(openCallId(q), 12, 'a filter value cannot forge the open call');
  assert.equal(filtersFromQuery(q).host, 'a&call=9');
  for (const bad of ['0', 'x', '1.5', '']) assert.equal(openCallId(new URLSearchParams({ call: bad })), null, bad);
});

test('the API query has the range start and only the filters that are set', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.deepEqual(callsApiQuery({ ...DEFAULT_FILTERS, range: '1h', status: '5xx', q: ' id ' }, now), {
    from: '2026-11-28T11:00:00.000Z', host: undefined, template: undefined, method: undefined, status: '5xx', client: undefined, sensitive: undefined, detection: undefined, q: 'id', finding: undefined,
  });
  assert.equal(callsApiQuery({ ...DEFAULT_FILTERS, finding: '7' }, now).finding, '7');
  assert.equal(callsApiQuery({ ...DEFAULT_FILTERS }, now).from, undefined);
  assert.equal(callsApiQuery({ ...DEFAULT_FILTERS, template: ' /v1/users/{id} ' }, now).template, '/v1/users/{id}');
  assert.equal(rangeFrom('all', now, '2000-01-01T00:00:00.000Z'), '2000-01-01T00:00:00.000Z');
  assert.equal(rangeFrom('30d', now), '2026-10-29T12:00:00.000Z');
});

test('timeline buckets are zero-filled across the range, and long ranges are left sparse', () => {
  const from = Date.parse('2026-11-28T10:00:00Z');
  const to = Date.parse('2026-11-28T10:05:00Z');
  const b = (time: string, calls: number) => ({ time, calls, errors: 0, sensitiveCalls: 0, detections: 0 });
  const filled = fillBuckets([b('2026-11-28T10:02:00.000Z', 7)], from, to, 60);
  assert.deepEqual(filled.map((p) => p.calls), [0, 0, 7, 0, 0]);
  assert.equal(filled[0].at, from);
  const sparse = fillBuckets([b('2026-01-01T00:00:00.000Z', 1), b('2026-06-01T00:00:00.000Z', 2)], Date.parse('2000-01-01T00:00:00Z'), to, 86400, 500);
  assert.deepEqual(sparse.map((p) => p.calls), [1, 2]);
});
