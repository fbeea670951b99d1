// Tests of the policy engine: conditions (host, template patterns, method, client networks, identity prefixes, auth,
// sensitive types, finding types with a minimum severity, status classes, time of day in a time zone, windows per
// key), actions (raise, suppress, notify/block through the callback), validation, and live updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx } from '../../fixtures/transaction.fixture.ts';
import { PolicyEngine, templatePattern } from '../../../appliance/src/policies/policy.engine.ts';
import { PolicyInputSchema, type Policy, type PolicyAction } from '../../../appliance/src/policies/policy.types.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';

let nextId = 1;
function policy(raw: unknown): Policy {
  const p = PolicyInputSchema.parse(raw);
  return { ...p, id: nextId++, builtin: false, updatedAt: 0 };
}

function call(over: { target?: string; method?: string; host?: string; clientIp?: string; status?: number; ts?: number; identity?: string; scheme?: 'jwt' | 'none'; template?: string } = {}): CallContext {
  const tx = makeTx({ target: over.target ?? '/v1/users/7', method: over.method ?? 'GET', host: over.host ?? 'api.example.com', clientIp: over.clientIp ?? '10.1.2.3', status: over.status ?? 200, startTs: over.ts ?? Date.UTC(2026, 10, 28, 2, 0) * 1000 });
  const c = makeCall(tx);
  c.auth = { scheme: over.scheme ?? 'jwt', carrier: 'authorization', identity: over.identity ?? 'sub:alice' };
  c.endpoint = { key: `api.example.com GET ${over.template ?? '/v1/users/{userId}'}`, host: c.host, method: tx.method, template: over.template ?? '/v1/users/{userId}', inSpec: false };
  return c;
}

test('template patterns: * within a segment, ** across segments', () => {
  assert.ok(templatePattern('/v1/admin/**').test('/v1/admin/users/{id}/roles'));
  assert.ok(!templatePattern('/v1/*/export').test('/v1/a/b/export'));
  assert.ok(templatePattern('/v1/*/export').test('/v1/{orgId}/export'));
  assert.ok(!templatePattern('/v1.users').test('/v1xusers'), 'dots are literal');
});

test('conditions: host, template, method, client network, identity prefix, auth, status class', () => {
  const p = policy({ name: 'admin from outside', conditions: { hosts: ['*.example.com', 'api.example.com'], templates: ['/v1/users/**'], methods: ['GET', 'DELETE'], clients: ['10.0.0.0/8'], identities: ['sub:al*'], authSchemes: ['jwt'], statuses: ['2xx'] }, actions: { raise: { severity: 'high' } } });
  const e = new PolicyEngine([p]);
  const hit = call();
  e.evaluate(hit);
  assert.equal(hit.detections.length, 1);
  assert.equal(hit.detections[0].category, 'policy');
  assert.equal(hit.detections[0].type, 'policy:admin_from_outside');
  assert.equal(hit.detections[0].severity, 'high');
  for (const miss of [call({ clientIp: '192.168.1.1' }), call({ identity: 'sub:bob' }), call({ status: 404 }), call({ method: 'POST' }), call({ template: '/v2/users/{userId}' }), call({ host: 'evil.test' }), call({ scheme: 'none' })]) {
    e.evaluate(miss);
    assert.equal(miss.detections.length, 0, JSON.stringify(miss.tx.clientIp));
  }
  assert.equal(e.hits.get(p.id), 1);
});

test('finding conditions with a minimum severity; suppress removes only what it names', () => {
  const allow = policy({ name: 'scanner allowed', conditions: { clients: ['10.9.9.9'], findingTypes: ['scanner', 'sqli'] }, actions: { suppress: true } });
  const alert = policy({ name: 'serious', conditions: { minSeverity: 'high' }, actions: { notify: [3], block: { minutes: 60 } } });
  const actions: PolicyAction[] = [];
  const e = new PolicyEngine([allow, alert], 'UTC', (a) => actions.push(a));
  const c = call({ clientIp: '10.9.9.9' });
  c.detections.push({ type: 'scanner', category: 'attack', severity: 'medium', evidence: 'nikto' }, { type: 'weak_jwt', category: 'exposure', severity: 'low', evidence: 'no exp' });
  e.evaluate(c);
  assert.deepEqual(c.detections.map((d) => d.type), ['weak_jwt']);
  assert.equal(actions.length, 0, 'nothing high left');
  const d = call({ clientIp: '172.16.0.5' });
  d.detections.push({ type: 'sqli', category: 'attack', severity: 'high', evidence: "' or 1=1" });
  e.evaluate(d);
  assert.equal(actions.length, 1);
  assert.deepEqual({ notify: actions[0].notify, block: actions[0].blockMinutes, client: actions[0].client, severity: actions[0].severity }, { notify: [3], block: 60, client: '172.16.0.5', severity: 'high' });
  assert.match(actions[0].evidence, /policy "serious": sqli on GET/);
});

test('time of day in the appliance time zone, wrapping past midnight', () => {
  const night = policy({ name: 'night exports', conditions: { templates: ['/v1/users/**'], timeOfDay: { from: '22:00', to: '06:00' } }, actions: { raise: { severity: 'medium' } } });
  const e = new PolicyEngine([night], 'Asia/Shanghai');
  const at = (utcHour: number): number => {
    const c = call({ ts: Date.UTC(2026, 10, 28, utcHour, 30) * 1000 });
    e.evaluate(c);
    return c.detections.length;
  };
  assert.equal(at(15), 1, '23:30 in Shanghai');
  assert.equal(at(21), 1, '05:30 in Shanghai');
  assert.equal(at(2), 0, '10:30 in Shanghai');
});

test('windows count per key and fire once per full window', () => {
  const burst = policy({ name: 'burst', conditions: { statuses: ['401'], window: { count: 5, seconds: 60, per: 'client' } }, actions: { raise: { severity: 'medium', type: 'login_burst' } } });
  const e = new PolicyEngine([burst]);
  const t0 = Date.UTC(2026, 10, 28) * 1000;
  let fired = 0;
  for (let i = 0; i < 10; i++) {
    const c = call({ status: 401, ts: t0 + i * 1e6, clientIp: '10.0.0.1' });
    e.evaluate(c);
    fired += c.detections.length;
  }
  assert.equal(fired, 2, '10 failures within a minute fire twice');
  let other = 0;
  for (let i = 0; i < 4; i++) {
    const c = call({ status: 401, ts: t0 + i * 1e6, clientIp: '10.0.0.2' });
    e.evaluate(c);
    other += c.detections.length;
  }
  assert.equal(other, 0, 'another client has its own count');
  let slow = 0;
  for (let i = 0; i < 10; i++) {
    const c = call({ status: 401, ts: t0 + i * 20e6, clientIp: '10.0.0.3' });
    e.evaluate(c);
    slow += c.detections.length;
  }
  assert.equal(slow, 0, 'spread over 200 s never has 5 in 60 s');
});

test('validation and live updates', () => {
  assert.equal(PolicyInputSchema.safeParse({ name: 'x', conditions: {}, actions: {} }).success, false, 'needs an action');
  assert.equal(PolicyInputSchema.safeParse({ name: 'x', conditions: { clients: ['not an ip'] }, actions: { suppress: true } }).success, false);
  assert.equal(PolicyInputSchema.safeParse({ name: 'x', conditions: { statuses: ['6xx'] }, actions: { suppress: true } }).success, false);
  const p = policy({ name: 'all', conditions: {}, actions: { raise: { severity: 'low' } } });
  const e = new PolicyEngine([]);
  const a = call();
  e.evaluate(a);
  assert.equal(a.detections.length, 0);
  e.update([p]);
  const b = call();
  e.evaluate(b);
  assert.equal(b.detections.length, 1);
  e.update([{ ...p, enabled: false }]);
  assert.equal(e.size, 0);
});

test('dispatch table: a raise makes later finding policies apply to the same call, a suppress of all stops them', () => {
  const raise = policy({ name: 'night admin', conditions: { templates: ['/v1/users/**'] }, actions: { raise: { severity: 'high', type: 'night_admin' } } });
  const follow = policy({ name: 'escalate', conditions: { findingTypes: ['night_admin'] }, actions: { raise: { severity: 'critical', type: 'escalated' } } });
  const e = new PolicyEngine([raise, follow]);
  const c = call();
  e.evaluate(c);
  assert.deepEqual(c.detections.map((d) => d.type), ['night_admin', 'escalated'], 'the second policy sees the first one\'s finding');
  const drop = policy({ name: 'allow all', conditions: { clients: ['10.0.0.0/8'] }, actions: { suppress: true } });
  const after = policy({ name: 'any finding', conditions: { minSeverity: 'info' }, actions: { raise: { severity: 'low', type: 'seen' } } });
  const e2 = new PolicyEngine([drop, after]);
  const d = call();
  d.detections.push({ type: 'sqli', category: 'attack', severity: 'high', evidence: 'x' });
  e2.evaluate(d);
  assert.deepEqual(d.detections, [], 'nothing left for the finding policy after the suppress');
  const e3 = new PolicyEngine([after, drop]);
  const f = call();
  f.detections.push({ type: 'sqli', category: 'attack', severity: 'high', evidence: 'x' });
  e3.evaluate(f);
  assert.deepEqual(f.detections, [], 'policy order is kept: raise first, then the suppress drops both');
  assert.equal(e3.hits.get(after.id), 1);
});

test('dispatch table: status classes, exact and unusual codes, missing status, sensitive-only policies', () => {
  const odd = policy({ name: 'odd', conditions: { statuses: ['999', '418'] }, actions: { raise: { severity: 'low', type: 'odd' } } });
  const cls = policy({ name: 'server errors', conditions: { statuses: ['5xx'] }, actions: { raise: { severity: 'low', type: 'five' } } });
  const sens = policy({ name: 'cards', conditions: { sensitiveTypes: ['bank_card'] }, actions: { raise: { severity: 'low', type: 'card' } } });
  const e = new PolicyEngine([odd, cls, sens]);
  const types = (status: number | null, sensitive = false): string[] => {
    const c = call({ status: status ?? 200 });
    if (status === null) c.tx.status = null;
    if (sensitive) c.sensitive.push({ type: 'bank_card', level: 4, location: 'response.body', field: 'card', count: 1, masked: '6222********1234' } as never);
    e.evaluate(c);
    return c.detections.map((d) => d.type);
  };
  assert.deepEqual(types(999), ['odd']);
  assert.deepEqual(types(418), ['odd']);
  assert.deepEqual(types(404), []);
  assert.deepEqual(types(503), ['five']);
  assert.deepEqual(types(null), []);
  assert.deepEqual(types(200), []);
  assert.deepEqual(types(200, true), ['card']);
  assert.deepEqual(types(502, true), ['five', 'card']);
});
