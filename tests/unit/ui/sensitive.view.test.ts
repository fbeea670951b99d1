// Tests of the sensitive-data page's pure parts and the endpoint charts: labels per language, level names, which type
// is shown, call-log links with the endpoint filter, top clients by records, and status/latency series with idle
// buckets filled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callLogLink, endpointsByLevel, fieldRows, levelKey, shownType, topRecordClients, typeLabel, visibleTypes, type SensitiveFieldEndpoint, type SensitiveSummary, type SensitiveType } from '../../../ui/src/components/sensitive/sensitive.view.ts';
import { chartSpan, endpointSeries } from '../../../ui/src/components/inventory/endpoint.charts.ts';
import { filtersFromQuery } from '../../../ui/src/lib/calls/calls.query.ts';

const type = (id: string, calls: number, over: Partial<SensitiveType> = {}): SensitiveType => ({
  type: id, label: { en: `${id} en`, zh: `${id} zh` }, level: 3, defaultLevel: 3, edited: false, calls, endpoints: calls > 0 ? 1 : 0, clients: calls > 0 ? 1 : 0, last: null, ...over,
});

test('types are labelled in the UI language, levels named, and the shown type is the wanted one when seen', () => {
  assert.equal(typeLabel(type('cn_mobile', 1), 'zh-CN'), 'cn_mobile zh');
  assert.equal(typeLabel(type('cn_mobile', 1), 'en'), 'cn_mobile en');
  assert.equal(typeLabel(type('x', 1, { label: null }), 'zh-CN'), 'x');
  assert.equal(levelKey(4), 'sens.level.4');
  assert.equal(levelKey(null), 'sens.level.unknown');
  assert.equal(levelKey(7), 'sens.level.unknown');
  const s: SensitiveSummary = { from: '', to: '', types: [type('email', 9), type('cn_mobile', 3), type('passport', 0)], endpoints: [], clients: [] };
  assert.equal(shownType(s, 'cn_mobile'), 'cn_mobile');
  assert.equal(shownType(s, 'passport'), 'email', 'a type without calls in the period is not shown');
  assert.equal(shownType(s, ''), 'email');
  assert.equal(shownType({ ...s, types: [type('passport', 0)] }, ''), '');
  assert.deepEqual(visibleTypes(s.types, false).map((x) => x.type), ['email', 'cn_mobile']);
  assert.equal(visibleTypes(s.types, true).length, 3);
});

test('call-log links carry the endpoint template and type, and read back as the same filters', () => {
  const href = callLogLink('7d', { host: 'api.example.com', method: 'GET', template: '/v1/users/{id}', sensitive: 'cn_id_card' });
  assert.equal(href, '/calls?range=7d&host=api.example.com&template=%2Fv1%2Fusers%2F%7Bid%7D&method=GET&sensitive=cn_id_card');
  const f = filtersFromQuery(new URLSearchParams(href.slice('/calls'.length)));
  assert.deepEqual([f.range, f.host, f.template, f.method, f.sensitive], ['7d', 'api.example.com', '/v1/users/{id}', 'GET', 'cn_id_card']);
  assert.equal(callLogLink('all', { sensitive: 'email' }), '/calls?sensitive=email');
});

test('top clients by records leave out clients without records and break ties by calls', () => {
  const c = (ip: string, sensitiveRecords: number, calls = 1) => ({ ip, calls, identities: [], sensitiveRecords });
  assert.deepEqual(topRecordClients([c('a', 0), c('b', 5), c('c', 50), c('d', 5, 9)], 2).map((x) => x.ip), ['c', 'd']);
});

test('endpoint series stack statuses per bucket and leave latency gaps in idle buckets', () => {
  const from = Date.parse('2026-11-28T10:00:00Z');
  const to = Date.parse('2026-11-28T10:03:00Z');
  const b = { time: '2026-11-28T10:01:00.000Z', calls: 6, s2xx: 3, s3xx: 0, s4xx: 1, s5xx: 1, noResponse: 1, latencyAvgMs: 12.5, latencyP95Ms: 40 };
  const s = endpointSeries([b], from, to, 60, { avg: 'mean', p95: 'p95', noResponse: 'none' });
  assert.deepEqual(s.statuses.map((x) => x.name), ['2xx', '3xx', '4xx', '5xx', 'none']);
  assert.ok(s.statuses.every((x) => x.kind === 'bar' && x.stack === 'status'));
  assert.deepEqual(s.statuses[0].data, [[from, 0], [from + 60_000, 3], [from + 120_000, 0]]);
  assert.deepEqual(s.latency[1].data, [[from, null], [from + 60_000, 40], [from + 120_000, null]]);
  assert.equal(s.latency[0].name, 'mean');
});

test('a chart of all stored calls spans the endpoint from its first to its last call in whole minutes', () => {
  const first = Date.parse('2023-11-14T22:13:20.500Z');
  assert.deepEqual(chartSpan(first, first + 5_000), [Date.parse('2023-11-14T22:13:00Z'), Date.parse('2023-11-14T22:23:00Z')]);
  assert.deepEqual(chartSpan(first, first + 3_600_000), [Date.parse('2023-11-14T22:13:00Z'), Date.parse('2023-11-14T23:14:00Z')]);
});

test('fields carrying a type: of one type or one endpoint, most values first, bounded', () => {
  const f = (field: string, typeId: string, hits: number): SensitiveFieldEndpoint['fields'][number] => ({ direction: 'response', location: 'json', field, typeId, level: 3, hits, firstSeenUs: 1, lastSeenUs: 2 });
  const eps: SensitiveFieldEndpoint[] = [
    { host: 'a.example', method: 'GET', path: '/u/{id}', level: 4, types: [], fields: [f('mobile', 'cn_mobile', 5), f('idCard', 'cn_id_card', 9)] },
    { host: 'b.example', method: 'POST', path: '/login', level: 3, types: [], fields: [f('phone', 'cn_mobile', 7)] },
  ];
  assert.deepEqual(fieldRows(eps, { typeId: 'cn_mobile' }).map((r) => [r.host, r.field, r.hits]), [['b.example', 'phone', 7], ['a.example', 'mobile', 5]]);
  assert.deepEqual(fieldRows(eps, { endpoint: { host: 'a.example', method: 'GET', path: '/u/{id}' } }).map((r) => r.field), ['idCard', 'mobile']);
  assert.deepEqual(fieldRows(eps, { endpoint: { host: 'a.example', method: 'POST', path: '/u/{id}' } }), []);
  assert.equal(fieldRows(eps, { limit: 2 }).length, 2);
});

test('sensitive endpoints are counted by their label, highest level first, every level listed', () => {
  assert.deepEqual(endpointsByLevel([{ level: 4 }, { level: 2 }, { level: 4 }]), [
    { level: 4, count: 2 },
    { level: 3, count: 0 },
    { level: 2, count: 1 },
    { level: 1, count: 0 },
  ]);
});
