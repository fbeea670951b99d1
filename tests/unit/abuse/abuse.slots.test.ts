// Unit tests of the abuse analyzer's per-actor state by registry slot: an actor that takes over an evicted actor's
// slot starts clean, templates past the interned-template cap follow the same window rules, the call's slots are
// handed on in `call.actors`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { AbuseAnalyzer } from '../../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import type { CallContext } from '../../../appliance/src/analyzers/call.context.ts';

const T0 = 1_700_000_000_000_000;

function run(abuse: AbuseAnalyzer, specs: TxSpec[]): CallContext[] {
  return specs.map((s) => {
    const call = makeCall(makeTx(s));
    abuse.onCall(call);
    return call;
  });
}

/** 30 calls answered 404 on one template with random ids, from `ip`, starting at `t`. */
const probes = (ip: string, t: number, path = '/api/v1/users'): TxSpec[] =>
  Array.from({ length: 30 }, (_, i) => ({ target: `${path}/u${100000 + ((i * 7919) % 100000)}x9`, clientIp: ip, startTs: t + i * 1e6, status: 404 }));

const evidence = (calls: CallContext[]): string[] => calls.flatMap((c) => c.detections.filter((d) => d.type === 'enumeration').map((d) => d.evidence));

test('an actor that takes over an evicted actor\'s slot does not inherit its template windows', () => {
  const fresh = evidence(run(new AbuseAnalyzer(), probes('198.51.100.40', T0 + 10e6)));
  const a = new AbuseAnalyzer({ caps: { actors: 2 } });
  const [first] = run(a, [{ target: '/api/v1/users/u555555x9', clientIp: '198.51.100.10', startTs: T0, status: 200 }]);
  const slotA = first.actors!.ip;
  run(a, [{ target: '/x', clientIp: '198.51.100.20', startTs: T0 + 1e6 }, { target: '/x', clientIp: '198.51.100.30', startTs: T0 + 2e6 }]);
  const calls = run(a, probes('198.51.100.40', T0 + 10e6));
  assert.equal(calls[0].actors!.ip, slotA, 'the new client got the evicted client\'s slot');
  assert.ok(a.stats().actorsEvicted >= 1);
  assert.deepEqual(evidence(calls).map((e) => e.replace('198.51.100.40', 'X')), fresh.map((e) => e.replace('198.51.100.40', 'X')));
  assert.match(evidence(calls).at(-1)!, /^ip:198\.51\.100\.40: 29 of 30 calls on this template answered 403\/404/);
});

test('templates past the interned-template cap keep the same window rules', () => {
  const a = new AbuseAnalyzer({ caps: { baselines: 1 } });
  run(a, [{ target: '/health', clientIp: '198.51.100.50', startTs: T0 }]);
  const calls = run(a, probes('198.51.100.50', T0 + 1e6));
  assert.match(evidence(calls).at(-1)!, /29 of 30 calls on this template answered 403\/404/);
  assert.equal(a.stats().baselinesOverflow, 30);
});

test('the template cap per actor counts interned and other templates together', () => {
  const a = new AbuseAnalyzer({ caps: { templatesPerActor: 3, baselines: 2 } });
  run(a, ['/a', '/b', '/c', '/d', '/e'].map((target, i) => ({ target, clientIp: '198.51.100.60', startTs: T0 + i * 1e6 })));
  assert.equal(a.stats().templatesOverflow, 2);
});

test('the call\'s client and identity slots are handed on in call.actors', () => {
  const a = new AbuseAnalyzer();
  const call = makeCall(makeTx({ clientIp: '198.51.100.70' }));
  call.auth = { scheme: 'bearer', identity: 'sub:alice' } as CallContext['auth'];
  a.onCall(call);
  const slots = call.actors!;
  assert.equal(slots.registry, a.actors);
  assert.equal(a.actors.keys[slots.ip], 'ip:198.51.100.70');
  assert.equal(a.actors.keys[slots.identity], 'id:sub:alice');
});
