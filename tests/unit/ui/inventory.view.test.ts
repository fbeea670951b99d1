// Tests of the inventory and threats pages' pure helpers: filters ↔ URL and API query, the status actions a finding
// offers, the attacker-view seed, and the overview counts (severity, top attackers, states).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../../ui/src/lib/i18n/zh-CN.ts';
import { SEVERITIES } from '../../../ui/src/components/inventory/inventory.types.ts';
import {
  diffForHost, severityKey,
  countBySeverity, endpointApiQuery, endpointFiltersFromQuery, endpointFiltersToQuery, findingApiQuery, findingFiltersFromQuery,
  findingFiltersToQuery, parseHostList, sortedStatuses, stateTotals, statusActions, topAttackers, traceSeed,
} from '../../../ui/src/components/inventory/inventory.view.ts';

test('endpoint filters survive the URL round trip; invalid states, schemes and risks fall back to any', () => {
  const f = { host: 'api.example.com', state: 'dormant' as const, q: '/users', sensitive: true, auth: 'none' as const, minRisk: 50 };
  const q = endpointFiltersToQuery(f);
  assert.equal(q, '?host=api.example.com&state=dormant&q=%2Fusers&sensitive=true&auth=none&minRisk=50');
  assert.deepEqual(endpointFiltersFromQuery(new URLSearchParams(q)), f);
  const none = { host: '', state: '' as const, q: '', sensitive: false, auth: '' as const, minRisk: 0 };
  assert.deepEqual(endpointFiltersFromQuery(new URLSearchParams('state=<script>&sensitive=yes&auth=<b>&minRisk=33')), none);
  assert.equal(endpointFiltersToQuery({ ...none, host: ' ' }), '');
  assert.deepEqual(endpointApiQuery({ ...none, state: 'new', q: ' x ' }, 200), { host: undefined, state: 'new', q: 'x', sensitive: undefined, auth: undefined, minRisk: undefined, limit: 200 });
  assert.deepEqual(endpointApiQuery({ ...none, auth: 'jwt', minRisk: 75 }, 10), { host: undefined, state: undefined, q: undefined, sensitive: undefined, auth: 'jwt', minRisk: 75, limit: 10 });
});

test('finding filters: no status means open and acknowledged, "all" means no status filter', () => {
  assert.equal(findingApiQuery(findingFiltersFromQuery(new URLSearchParams('')), 10).status, 'open,acknowledged');
  assert.equal(findingApiQuery(findingFiltersFromQuery(new URLSearchParams('status=all')), 10).status, undefined);
  assert.equal(findingApiQuery(findingFiltersFromQuery(new URLSearchParams('status=resolved')), 10).status, 'resolved');
  const f = findingFiltersFromQuery(new URLSearchParams('status=bogus&category=attack&host=h&client=10.0.0.1&finding=3'));
  assert.deepEqual(f, { status: '', category: 'attack', host: 'h', client: '10.0.0.1' });
  assert.equal(findingFiltersToQuery(f), '?category=attack&host=h&client=10.0.0.1');
  assert.equal(findingFiltersFromQuery(new URLSearchParams('category=nope')).category, '');
});

test('status actions: open can be acknowledged, resolved or dismissed; closed findings can be reopened', () => {
  assert.deepEqual(statusActions('open'), ['acknowledged', 'resolved', 'false_positive']);
  assert.deepEqual(statusActions('acknowledged'), ['resolved', 'false_positive', 'open']);
  assert.deepEqual(statusActions('resolved'), ['open']);
  assert.deepEqual(statusActions('false_positive'), ['open']);
});

test('trace seed: ip wins, identity otherwise, null without either', () => {
  assert.deepEqual(traceSeed(new URLSearchParams('ip=203.0.113.7&identity=bob')), { ip: '203.0.113.7' });
  assert.deepEqual(traceSeed(new URLSearchParams('identity=%20bob%20')), { identity: 'bob' });
  assert.equal(traceSeed(new URLSearchParams('ip=')), null);
});

test('overview counts: severities in order with zeros, attackers ranked by findings then severity', () => {
  const findings = [
    { client: '10.0.0.1', severity: 'medium', count: 5 },
    { client: '10.0.0.2', severity: 'critical', count: 1 },
    { client: '10.0.0.1', severity: 'low', count: 2 },
    { client: '10.0.0.3', severity: 'high', count: 9 },
    { client: '', severity: 'high', count: 1 },
  ];
  assert.deepEqual(countBySeverity(findings), [
    { severity: 'critical', count: 1 }, { severity: 'high', count: 2 }, { severity: 'medium', count: 1 }, { severity: 'low', count: 1 }, { severity: 'info', count: 0 },
  ]);
  assert.deepEqual(topAttackers(findings, 2), [
    { client: '10.0.0.1', findings: 2, occurrences: 7, worst: 'medium' },
    { client: '10.0.0.2', findings: 1, occurrences: 1, worst: 'critical' },
  ]);
  assert.deepEqual(stateTotals([{ states: { new: 2, active: 1 } }, { states: { new: 1, retired: 4 } }]), { new: 3, active: 1, dormant: 0, revived: 0, retired: 4 });
});

test('spec hosts are split, lower-cased and distinct; statuses sort by code with "none" last', () => {
  assert.deepEqual(parseHostList('API.example.com, shop.example.com\napi.example.com  '), ['api.example.com', 'shop.example.com']);
  assert.deepEqual(parseHostList(' , '), []);
  assert.deepEqual(sortedStatuses({ none: 1, '500': 2, '200': 7 }).map((s) => s.status), ['200', '500', 'none']);
});

test('specs comparison of one host: its rows, orphans declared for it or for every host, case-insensitive', () => {
  const ep = (host: string, path: string) => ({ host, method: 'GET', path, calls: 1, firstSeen: '', lastSeen: '', sensitive: [] });
  const diff = {
    run: { id: 0, name: 'inventory' },
    shadow: [ep('a.example', '/x'), ep('b.example', '/y')],
    zombie: [ep('B.example', '/old')],
    orphan: [{ host: '', method: 'GET', path: '/any', spec: 's', operationId: '' }, { host: 'a.example', method: 'GET', path: '/a', spec: 's', operationId: '' }],
    drift: [{ host: 'b.example', method: 'GET', path: '/y', spec: 's', kind: 'status', name: '500', detail: 'd' }],
  };
  assert.equal(diffForHost(diff, ''), diff);
  const b = diffForHost(diff, 'b.example');
  assert.deepEqual(b.shadow.map((r) => r.path), ['/y']);
  assert.deepEqual(b.zombie.map((r) => r.path), ['/old']);
  assert.deepEqual(b.orphan.map((r) => r.path), ['/any']);
  assert.deepEqual(b.drift.map((r) => r.path), ['/y']);
  assert.deepEqual(diffForHost(diff, 'a.example').orphan.map((r) => r.path), ['/any', '/a']);
});

test('every severity has a name in both languages (shown instead of the identifier)', () => {
  for (const s of SEVERITIES) {
    assert.ok(en[severityKey(s)].length > 0, s);
    assert.notEqual(zhCN[severityKey(s)], en[severityKey(s)], s);
  }
  assert.equal(en[severityKey('high')], 'High');
});
