// "Test this policy" on a real DuckDB call log: a draft replayed over the last hours says how many calls it would
// have matched, what it would have raised, suppressed, notified and blocked, with top clients and masked samples;
// window conditions count in time order; older calls stay outside the window; nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { PolicyPreviewService } from '../../../appliance/src/services/policy-preview.service.ts';
import { PolicyInputSchema } from '../../../appliance/src/policies/policy.types.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function call(i: number, over: Partial<CallEvent> = {}): CallEvent {
  return {
    tsUs: (NOW - 30 * 60_000) * 1000 + i * 1_000_000,
    source: 'live:eth1',
    clientIp: i % 4 === 0 ? '203.0.113.9' : `10.0.0.${(i % 3) + 1}`,
    clientPort: 40000 + i,
    serverIp: '10.1.0.1',
    serverPort: 443,
    host: 'api.example.com',
    method: i % 5 === 0 ? 'POST' : 'GET',
    uri: i % 5 === 0 ? '/v1/login' : `/v1/users/${i}?phone=138****5678`,
    template: i % 5 === 0 ? '/v1/login' : '/v1/users/{id}',
    status: i % 5 === 0 ? 401 : 200,
    requestBytes: 100,
    responseBytes: 900,
    latencyUs: 1500,
    authScheme: i % 5 === 0 ? 'none' : 'jwt',
    identity: i % 5 === 0 ? '' : `sub:user${i % 4}`,
    userAgent: 'curl/8',
    sensitiveTypes: i % 2 === 0 ? ['cn_mobile'] : [],
    sensitiveCount: i % 2 === 0 ? 1 : 0,
    detections: i % 10 === 3 ? ['sqli'] : [],
    severity: i % 10 === 3 ? 4 : 0,
    flags: 0,
    ...over,
  };
}

async function withPreview(fn: (p: PolicyPreviewService, repo: DuckDbCallsRepository) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'preview-'));
  const db = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  try {
    // 100 calls in the last half hour, 50 more two hours earlier.
    repo.append(Array.from({ length: 100 }, (_, i) => call(i)));
    repo.append(Array.from({ length: 50 }, (_, i) => call(i, { tsUs: (NOW - 150 * 60_000) * 1000 + i * 1_000_000 })));
    await repo.flush();
    await fn(new PolicyPreviewService(repo, new ManualClock(NOW), () => 'Asia/Shanghai'), repo);
  } finally {
    await repo.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a draft policy replayed over the last hour: matches, raises, notifications, blocks, clients and samples', async () => {
  await withPreview(async (p, repo) => {
    const failedLogins = PolicyInputSchema.parse({ name: 'failed logins', conditions: { templates: ['/v1/login'], statuses: ['4xx'] }, actions: { raise: { severity: 'medium' }, notify: [1], block: { minutes: 10 } } });
    const r = await p.preview(failedLogins, 1);
    assert.equal(r.scanned, 100, 'only the last hour');
    assert.equal(r.truncated, false);
    assert.equal(r.matched, 20);
    assert.equal(r.raised, 20);
    assert.equal(r.notifications, 20);
    assert.equal(r.blockedClients, 4, '203.0.113.9 and the three 10.0.0.x clients');
    assert.deepEqual(r.clients[0], { clientIp: '10.0.0.1', calls: 5 });
    assert.equal(r.samples.length, 20);
    assert.equal(r.samples[0].uri, '/v1/login');
    assert.ok(r.samples[0].tsUs > r.samples[19].tsUs, 'newest first');
    assert.deepEqual(r.approximations, []);
    const twoHours = await p.preview(failedLogins, 3);
    assert.equal(twoHours.scanned, 150);
    assert.equal(twoHours.matched, 30);
    assert.equal(await repo.count(), 150, 'nothing stored by a preview');
  });
});

test('suppress counts the detections it would drop; finding conditions and windows replay in time order', async () => {
  await withPreview(async (p) => {
    const allow = PolicyInputSchema.parse({ name: 'pentest box', conditions: { clients: ['10.0.0.0/8'], findingTypes: ['sqli'] }, actions: { suppress: true } });
    const s = await p.preview(allow, 1);
    // sqli on i % 10 === 3 (10 calls); the 203.0.113.9 client has i % 4 === 0, never 3 mod 10 → all from 10.0.0.x.
    assert.deepEqual([s.matched, s.suppressed, s.raised], [10, 10, 0]);
    const bulk = PolicyInputSchema.parse({ name: 'bulk phones', conditions: { sensitiveTypes: ['cn_mobile'], window: { count: 5, seconds: 600, per: 'identity' } }, actions: { raise: { severity: 'high' } } });
    const w = await p.preview(bulk, 1);
    // Even i carry cn_mobile; identities sub:user0 and sub:user2 (i % 4) on GET calls (i % 5 ≠ 0): fires once per 5.
    const perIdentity = new Map<string, number>();
    for (let i = 0; i < 100; i++) if (i % 2 === 0 && i % 5 !== 0) perIdentity.set(`sub:user${i % 4}`, (perIdentity.get(`sub:user${i % 4}`) ?? 0) + 1);
    assert.equal(w.matched, [...perIdentity.values()].reduce((n, c) => n + Math.floor(c / 5), 0));
    const severe = await p.preview(PolicyInputSchema.parse({ name: 'severe', conditions: { minSeverity: 'high' }, actions: { raise: { severity: 'high' } } }), 1);
    assert.equal(severe.matched, 10);
    assert.equal(severe.approximations.length, 1, 'says that severities are per call in the replay');
  });
});
