// Tests of the stored inventory on a real SQLite file: idempotent merges per source (re-imports never count twice,
// sources add up), re-templating followed with a change log, lifecycle states moved by the clock (new → active →
// dormant → revived, retired), and persistence across a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { InventoryRepository } from '../../../appliance/src/store/sqlite/inventory.repository.ts';
import { SettingsRepository } from '../../../appliance/src/store/sqlite/settings.repository.ts';
import { AuditRepository } from '../../../appliance/src/store/sqlite/audit.repository.ts';
import { ManualClock } from '../../../appliance/src/store/clock.repository.ts';
import { InventoryService } from '../../../appliance/src/services/inventory.service.ts';
import type { AnalysisReport, ReportEndpoint } from '../../../appliance/src/analysis/analysis-report.types.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const WHO = { userId: 1, username: 'admin', role: 'admin' as const, csrfToken: 'x', sessionHash: 's' };

function ep(path: string, calls: number, lastSeenMs: number, over: Partial<ReportEndpoint> = {}): ReportEndpoint {
  return { host: 'api.example.com', method: 'GET', path, calls, statuses: { '200': calls }, auth: ['jwt'], sensitive: [], params: [], inSpec: false, deprecated: false, risk: 5, firstSeen: new Date(lastSeenMs - 3_600_000).toISOString(), lastSeen: new Date(lastSeenMs).toISOString(), ...over };
}

function report(endpoints: ReportEndpoint[]): AnalysisReport {
  return { schemaVersion: 1, stats: { packets: 0, bytes: 0, flows: 0, transactions: 0, parseErrors: 0, tcpGaps: 0, durationMs: 0, weird: {} }, endpoints, findings: [], clients: [] };
}

function open(path: string, clock: ManualClock): { svc: InventoryService; close: () => void } {
  const db = openStateDatabase(path);
  return { svc: new InventoryService(new InventoryRepository(db), new SettingsRepository(db), new AuditRepository(db), clock), close: () => db.close() };
}

test('merges are idempotent per source, sources add up, re-templating is followed, and it all survives a reopen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  const clock = new ManualClock(T0);
  try {
    const path = join(dir, 'state.sqlite');
    let { svc, close } = open(path, clock);
    const r1 = svc.ingest(report([ep('/products/abc', 4, T0), ep('/products/def', 6, T0), ep('/users/me', 3, T0)]), 'upload:a');
    assert.deepEqual(r1, { added: 3, updated: 0, revived: 0, merged: 0 });
    const again = svc.ingest(report([ep('/products/abc', 4, T0), ep('/products/def', 6, T0), ep('/users/me', 3, T0)]), 'upload:a');
    assert.equal(again.added, 0);
    assert.equal(svc.list({}).total, 3);
    assert.equal(svc.list({ q: '/users/me' }).endpoints[0].calls, 3, 're-import does not count twice');
    svc.ingest(report([ep('/users/me', 7, T0)]), 'live:eth1:1');
    assert.equal(svc.list({ q: '/users/me' }).endpoints[0].calls, 10, 'sources add up');
    assert.equal(svc.list({ q: '/users/me' }).endpoints[0].sources, 2);

    // The templater later merges the product literals into a parameter: the old endpoints fold into it.
    const r3 = svc.ingest(report([ep('/products/{productId}', 30, T0), ep('/users/me', 3, T0)]), 'upload:a');
    assert.equal(r3.merged, 2);
    const templates = svc.list({}).endpoints.map((e) => e.template).sort();
    assert.deepEqual(templates, ['/products/{productId}', '/users/me']);
    const merged = svc.changes(0, 50).filter((c) => c.kind === 'merged');
    assert.deepEqual(merged.map((c) => c.template).sort(), ['/products/abc', '/products/def']);
    assert.equal(merged[0].detail.into, '/products/{productId}');
    close();

    ({ svc, close } = open(path, clock));
    assert.equal(svc.list({}).total, 2, 'persisted');
    assert.equal(svc.list({ q: '/users/me' }).endpoints[0].calls, 10);
    close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lifecycle: new, active, dormant, revived, retired — moved by the clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  const clock = new ManualClock(T0);
  try {
    const { svc, close } = open(join(dir, 'state.sqlite'), clock);
    svc.ingest(report([ep('/a', 1, T0), ep('/b', 1, T0)]), 's1');
    assert.deepEqual(svc.stateCounts(), { new: 2, active: 0, dormant: 0, revived: 0, retired: 0 });
    clock.set(T0 + 8 * DAY);
    svc.runLifecycle();
    assert.equal(svc.stateCounts().active, 2, 'new for 7 days, then active');
    clock.set(T0 + 31 * DAY);
    const r = svc.runLifecycle();
    assert.equal(r.dormant, 2);
    assert.equal(svc.stateCounts().dormant, 2);
    assert.equal(svc.runLifecycle().dormant, 0, 'logged once');
    svc.ingest(report([ep('/a', 2, T0 + 31 * DAY)]), 's2');
    const a = svc.list({ q: '/a' }).endpoints[0];
    assert.equal(a.state, 'revived');
    const b = svc.list({ q: '/b' }).endpoints[0];
    svc.retire(b.id, WHO, '127.0.0.1');
    clock.set(T0 + 200 * DAY);
    svc.runLifecycle();
    assert.equal(svc.get(b.id)!.state, 'retired', 'retired stays retired');
    svc.ingest(report([ep('/b', 1, T0 + 200 * DAY)]), 's3');
    assert.equal(svc.get(b.id)!.state, 'revived', 'a retired endpoint seen again is revived');
    const kinds = svc.changes(0, 100).map((c) => c.kind);
    for (const k of ['new', 'dormant', 'revived', 'retired']) assert.ok(kinds.includes(k), k);
    svc.setLifecycleSettings({ newDays: 3, dormantDays: 400 }, WHO, '127.0.0.1');
    assert.deepEqual(svc.lifecycleSettings(), { newDays: 3, dormantDays: 400 });
    close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deprecation announced by response headers and body schemas are stored with the endpoint and kept when a later source does not repeat it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  const clock = new ManualClock(T0);
  try {
    const { svc, close } = open(join(dir, 'state.sqlite'), clock);
    const deprecation = { since: '2026-10-01T00:00:00.000Z', sunset: '2027-01-01T00:00:00.000Z', source: 'header' as const };
    const requestSchema = { type: 'object', properties: { q: { type: 'string' } } };
    svc.ingest(report([ep('/v1/legacy', 5, T0, { deprecated: true, deprecation, requestSchema })]), 'upload:a');
    svc.ingest(report([ep('/v1/legacy', 2, T0)]), 'upload:b');
    const e = svc.list({ q: '/v1/legacy' }).endpoints[0];
    assert.deepEqual(e.deprecation, deprecation);
    assert.deepEqual(svc.asReportEndpoints()[0].deprecation, deprecation);
    assert.deepEqual(e.requestSchema, requestSchema, 'the merged body schema is stored with the endpoint');
    assert.deepEqual(svc.asReportEndpoints()[0].requestSchema, requestSchema);
    close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the endpoint list filters by auth scheme and by minimum risk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  const clock = new ManualClock(T0);
  try {
    const { svc, close } = open(join(dir, 'state.sqlite'), clock);
    svc.ingest(report([
      ep('/public/items', 5, T0, { auth: ['none'], risk: 62 }),
      ep('/users/me', 5, T0, { auth: ['jwt'], risk: 10 }),
      ep('/mixed', 5, T0, { auth: ['none', 'api_key'], risk: 80 }),
    ]), 'upload:a');
    const templates = (f: Parameters<InventoryService['list']>[0]): string[] => svc.list(f).endpoints.map((e) => e.template).sort();
    assert.deepEqual(templates({ auth: 'none' }), ['/mixed', '/public/items']);
    assert.deepEqual(templates({ auth: 'api_key' }), ['/mixed']);
    assert.deepEqual(templates({ auth: 'basic' }), []);
    assert.deepEqual(templates({ minRisk: 60 }), ['/mixed', '/public/items']);
    assert.deepEqual(templates({ minRisk: 75, auth: 'none' }), ['/mixed']);
    assert.equal(svc.list({ minRisk: 60 }).total, 2);
    close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
