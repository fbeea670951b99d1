// Unit tests of the actor-link (tracing) collector: link and activity deltas per actor and endpoint between drains,
// the actor cap, and the registry shared with the abuse analyzer (adopted from the first call's slots; rows split by
// an eviction add up to the same totals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { TracingAnalyzer } from '../../../appliance/src/analyzers/tracing/tracing.analyzer.ts';
import { AbuseAnalyzer } from '../../../appliance/src/analyzers/abuse/abuse.analyzer.ts';
import type { Analyzer } from '../../../appliance/src/analyzers/analyzer.types.ts';
import type { CallContext, CallEndpoint } from '../../../appliance/src/analyzers/call.context.ts';

const T0 = 1_700_000_000_000_000;

const endpoints = new Map<string, CallEndpoint>();
/** The shared endpoint object of `template` on the fixture host (as the inventory hands one out per template). */
function endpoint(template: string): CallEndpoint {
  let ep = endpoints.get(template);
  if (ep === undefined) {
    ep = { key: `api.example.com GET ${template}`, host: 'api.example.com', method: 'GET', template, inSpec: false };
    endpoints.set(template, ep);
  }
  return ep;
}

function call(spec: TxSpec & { identity?: string; template?: string }): CallContext {
  const c = makeCall(makeTx(spec));
  if (spec.identity !== undefined) c.auth = { scheme: 'bearer', carrier: 'authorization', identity: spec.identity };
  if (spec.template !== undefined) c.endpoint = endpoint(spec.template);
  return c;
}

function feed(analyzers: Analyzer[], specs: Array<TxSpec & { identity?: string; template?: string }>): void {
  for (const s of specs) {
    const c = call(s);
    for (const a of analyzers) a.onCall(c);
  }
}

const traffic = (): Array<TxSpec & { identity?: string; template?: string }> => [
  { clientIp: '192.0.2.1', identity: 'sub:alice', template: '/orders/{id}', target: '/orders/1', startTs: T0, status: 200 },
  { clientIp: '192.0.2.1', identity: 'sub:alice', template: '/orders/{id}', target: '/orders/2', startTs: T0 + 1e6, status: 404 },
  { clientIp: '192.0.2.2', identity: 'sub:alice', template: '/orders/{id}', target: '/orders/3', startTs: T0 + 2e6, status: 200 },
  { clientIp: '192.0.2.2', target: '/raw/path', startTs: T0 + 3e6, status: 500 },
  { clientIp: '192.0.2.3', identity: 'sub:bob', template: '/me', target: '/me', startTs: T0 + 4e6, status: 200 },
];

test('links and activity per actor and endpoint, in first-seen order; a drain starts afresh', () => {
  const t = new TracingAnalyzer();
  feed([t], traffic());
  const d = t.drain();
  assert.deepEqual(d.links.map((l) => [l.ip, l.identity, l.calls]), [['192.0.2.1', 'sub:alice', 2], ['192.0.2.2', 'sub:alice', 1], ['192.0.2.3', 'sub:bob', 1]]);
  assert.deepEqual(
    d.activity.map((a) => [a.actor, a.path, a.calls, a.errors]),
    [
      ['ip:192.0.2.1', '/orders/{id}', 2, 1],
      ['id:sub:alice', '/orders/{id}', 3, 1],
      ['ip:192.0.2.2', '/orders/{id}', 1, 0],
      ['ip:192.0.2.2', '/raw/path', 1, 1],
      ['ip:192.0.2.3', '/me', 1, 0],
      ['id:sub:bob', '/me', 1, 0],
    ],
  );
  assert.equal(d.activity[1].firstMs, Math.floor(T0 / 1000), 'epoch ms of the first call');
  feed([t], traffic().slice(0, 1));
  const again = t.drain();
  assert.deepEqual(again.activity.map((a) => [a.actor, a.calls]), [['ip:192.0.2.1', 1], ['id:sub:alice', 1]]);
  assert.equal(again.links.length, 1);
});

test('past as many actors as both caps together, new actors are dropped and counted until the drain', () => {
  const t = new TracingAnalyzer({ links: 1, activities: 2 });
  feed([t], Array.from({ length: 5 }, (_, i) => ({ clientIp: `198.51.100.${i}`, target: '/x', startTs: T0 + i })));
  assert.equal(t.dropped, 3, 'one row past the row cap (2), then two actors past the actor cap (3)');
  const d = t.drain();
  assert.equal(d.activity.length, 2);
  feed([t], [{ clientIp: '198.51.100.9', target: '/x', startTs: T0 + 9 }]);
  assert.equal(t.drain().activity.length, 1);
});

test('after the abuse analyzer, the collector adopts its registry and drains what it drains alone', () => {
  const alone = new TracingAnalyzer();
  feed([alone], traffic());
  const abuse = new AbuseAnalyzer();
  const shared = new TracingAnalyzer();
  feed([abuse, shared], traffic());
  assert.deepEqual(shared.drain(), alone.drain());
  feed([abuse, shared], traffic());
  feed([alone], traffic());
  assert.deepEqual(shared.drain(), alone.drain(), 'the shared registry outlives the drain');
});

test('with a shared registry that evicts, an actor\'s rows may split within a drain but add up to the same totals', () => {
  const specs = Array.from({ length: 60 }, (_, i) => ({ clientIp: `203.0.113.${i % 7}`, identity: `sub:u${i % 3}`, template: `/t/${i % 4}`, target: `/t/${i % 4}`, startTs: T0 + i * 1e6, status: i % 5 === 0 ? 404 : 200 }));
  const alone = new TracingAnalyzer();
  feed([alone], specs);
  const shared = new TracingAnalyzer();
  const abuse = new AbuseAnalyzer({ caps: { actors: 4 } });
  feed([abuse, shared], specs);
  const a = alone.drain();
  const s = shared.drain();
  assert.ok(s.activity.length > a.activity.length, 'evictions split rows');
  const sums = (rows: Array<{ actor: string; path: string; calls: number; errors: number }>): Map<string, string> => {
    const m = new Map<string, [number, number]>();
    for (const r of rows) {
      const k = `${r.actor} ${r.path}`;
      const v = m.get(k) ?? [0, 0];
      m.set(k, [v[0] + r.calls, v[1] + r.errors]);
    }
    return new Map([...m].map(([k, v]) => [k, v.join('/')]));
  };
  assert.deepEqual(sums(s.activity), sums(a.activity));
  const linkSums = (links: Array<{ ip: string; identity: string; calls: number }>): Map<string, number> => {
    const m = new Map<string, number>();
    for (const l of links) m.set(`${l.ip} ${l.identity}`, (m.get(`${l.ip} ${l.identity}`) ?? 0) + l.calls);
    return m;
  };
  assert.deepEqual(linkSums(s.links), linkSums(a.links));
});
