// Tests of the call-log reads behind the endpoint charts and the sensitive-data page, on real DuckDB and SQLite files:
// one endpoint's statuses and latency per bucket, sensitive types with their levels and their busiest endpoints and
// clients, and the routes through a running service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { SensitiveRepository } from '../../../appliance/src/store/sqlite/sensitive.repository.ts';
import { SensitivityLevelsService } from '../../../appliance/src/analyzers/sensitive/sensitivity-levels.service.ts';
import { CallsService } from '../../../appliance/src/services/calls.service.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';
import { adminClient, withService } from '../server/service.harness.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0) * 1000;

function call(i: number, over: Partial<CallEvent> = {}): CallEvent {
  return {
    tsUs: T0 + i * 1_000_000,
    source: 'upload:1',
    clientIp: '10.0.0.1',
    clientPort: 40000 + i,
    serverIp: '10.1.0.1',
    serverPort: 80,
    host: 'api.example.com',
    method: 'GET',
    uri: `/v1/users/${i}`,
    template: '/v1/users/{id}',
    status: 200,
    requestBytes: 100,
    responseBytes: 900,
    latencyUs: 1000,
    authScheme: 'jwt',
    identity: '',
    userAgent: 'curl/8',
    sensitiveTypes: [],
    sensitiveCount: 0,
    detections: [],
    severity: 0,
    flags: 0,
    ...over,
  };
}

async function withCalls(events: CallEvent[], fn: (calls: CallsService, levels: SensitivityLevelsService) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'calls-charts-'));
  const edb = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(edb, { flushIntervalMs: 0 });
  const sdb = openStateDatabase(join(dir, 'state.sqlite'));
  try {
    repo.append(events);
    await repo.flush();
    const levels = new SensitivityLevelsService(new SensitiveRepository(sdb));
    const calls = new CallsService(repo, new ManualClock(T0 / 1000 + 3_600_000), dir);
    calls.useLevels(() => levels.list());
    await fn(calls, levels);
  } finally {
    await repo.close();
    edb.close();
    sdb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const RANGE = { from: new Date(T0 / 1000).toISOString(), to: new Date(T0 / 1000 + 3_600_000).toISOString() };

test("an endpoint's timeline counts its own calls by status class with mean and p95 latency per bucket", async () => {
  const events: CallEvent[] = [];
  // minute 0: 20 GETs, latencies 1..20 ms, two 404s, one 503 and one without a response
  for (let i = 0; i < 20; i++) {
    const status = i === 3 || i === 4 ? 404 : i === 5 ? 503 : i === 6 ? null : 200;
    events.push(call(i, { latencyUs: status === null ? null : (i + 1) * 1000, status }));
  }
  // minute 2: 5 redirects; other endpoints in the same minutes must not count
  for (let i = 0; i < 5; i++) events.push(call(120 + i, { status: 302, latencyUs: 4000 }));
  events.push(call(7, { method: 'POST' }), call(8, { host: 'other.example.com' }), call(9, { template: '/v1/orders/{id}' }));
  await withCalls(events, async (calls) => {
    const r = await calls.endpointTimeline({ ...RANGE, host: 'api.example.com', method: 'get', template: '/v1/users/{id}' });
    assert.equal(r.bucketSeconds, 60);
    assert.equal(r.buckets.length, 2);
    const [a, b] = r.buckets;
    assert.equal(a.time, RANGE.from);
    assert.deepEqual({ calls: a.calls, s2xx: a.s2xx, s3xx: a.s3xx, s4xx: a.s4xx, s5xx: a.s5xx, none: a.noResponse }, { calls: 20, s2xx: 16, s3xx: 0, s4xx: 2, s5xx: 1, none: 1 });
    // latencies 1..20 ms without the 7 ms of the call that got no response
    const lat = Array.from({ length: 20 }, (_, i) => i + 1).filter((x) => x !== 7);
    assert.equal(a.latencyAvgMs, Math.round((lat.reduce((x, y) => x + y, 0) / lat.length) * 10) / 10);
    assert.ok(a.latencyP95Ms !== null && a.latencyP95Ms > 18 && a.latencyP95Ms <= 20, String(a.latencyP95Ms));
    assert.deepEqual({ calls: b.calls, s3xx: b.s3xx, avg: b.latencyAvgMs }, { calls: 5, s3xx: 5, avg: 4 });
    await assert.rejects(calls.endpointTimeline({ ...RANGE, host: 'api.example.com', template: '/x' }), (e: Error & { code?: string }) => e.code === 'validation_failed');
  });
});

test('the sensitive summary lists every type with its level, and the endpoints and clients of the types seen', async () => {
  const events: CallEvent[] = [];
  for (let i = 0; i < 30; i++) events.push(call(i, { sensitiveTypes: ['cn_id_card', 'cn_mobile'], sensitiveCount: 3, clientIp: i < 20 ? '10.0.0.9' : '10.0.0.8' }));
  for (let i = 30; i < 40; i++) events.push(call(i, { template: '/v1/orders/{id}', sensitiveTypes: ['cn_mobile'], sensitiveCount: 1, clientIp: '10.0.0.7' }));
  events.push(call(41, { sensitiveTypes: ['custom_type'], sensitiveCount: 1 }));
  events.push(call(42)); // no sensitive data
  events.push(call(5000, { sensitiveTypes: ['email'], sensitiveCount: 1 })); // after the range
  await withCalls(events, async (calls, levels) => {
    levels.set('cn_mobile', 4, 'admin');
    const r = await calls.sensitive({ ...RANGE, top: 2 });
    const byType = new Map(r.types.map((x) => [x.type, x]));
    assert.deepEqual(r.types.slice(0, 2).map((x) => [x.type, x.calls, x.endpoints, x.clients]), [
      ['cn_mobile', 40, 2, 3],
      ['cn_id_card', 30, 1, 2],
    ]);
    assert.deepEqual(byType.get('cn_mobile'), { ...byType.get('cn_mobile'), level: 4, defaultLevel: 3, edited: true });
    assert.equal(byType.get('cn_id_card')?.label?.en !== undefined, true);
    assert.deepEqual(byType.get('email'), { ...byType.get('email'), calls: 0, last: null, level: 3 });
    assert.deepEqual(byType.get('custom_type'), { ...byType.get('custom_type'), calls: 1, label: null, level: null });
    assert.ok(r.types.length >= 27, 'every detector type is listed');
    assert.deepEqual(
      r.endpoints.filter((e) => e.type === 'cn_mobile').map((e) => [e.template, e.calls]),
      [['/v1/users/{id}', 30], ['/v1/orders/{id}', 10]],
    );
    assert.equal(r.endpoints.find((e) => e.type === 'cn_id_card')?.last, new Date((T0 + 29_000_000) / 1000).toISOString());
    // top 2 per type: the two busiest clients of cn_mobile, with the values in their calls
    assert.deepEqual(
      r.clients.filter((c) => c.type === 'cn_mobile').map((c) => [c.clientIp, c.calls, c.values]),
      [['10.0.0.9', 20, 60], ['10.0.0.7', 10, 10]],
    );
  });
});

test('the routes answer through the service: every type with its level on an empty call log, and field errors', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const c = await adminClient(svc, client);
    const r = await c.call('GET', '/api/v1/calls/sensitive');
    assert.equal(r.status, 200);
    const body = r.json as { types: Array<{ type: string; calls: number; level: number }>; endpoints: unknown[] };
    assert.ok(body.types.some((x) => x.type === 'cn_id_card' && x.level === 4 && x.calls === 0));
    assert.deepEqual(body.endpoints, []);
    const bad = await c.call('GET', '/api/v1/calls/endpoint-timeline?host=a');
    assert.equal(bad.status, 400);
    const ok = await c.call('GET', '/api/v1/calls/endpoint-timeline?host=a&method=GET&template=/x');
    assert.deepEqual({ status: ok.status, buckets: (ok.json as { buckets: unknown[] }).buckets }, { status: 200, buckets: [] });
  });
});
