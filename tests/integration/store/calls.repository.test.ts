// Tests of the DuckDB call log on real files: batched writes with rollups, search filters and cursor paging,
// timelines, totals, Parquet export, retention by age and by disk budget, and recovery after kill -9 mid-ingest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository, caselessAnchor } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import type { CallEvent } from '../../../appliance/src/store/events/call-event.types.ts';
import { toCallColumns } from '../../../appliance/src/store/events/call-columns.ts';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0) * 1000;

function call(i: number, over: Partial<CallEvent> = {}): CallEvent {
  return {
    tsUs: T0 + i * 1_000_000,
    source: 'upload:1',
    clientIp: `10.0.0.${(i % 5) + 1}`,
    clientPort: 40000 + i,
    serverIp: '10.1.0.1',
    serverPort: 80,
    host: i % 2 === 0 ? 'api.example.com' : 'shop.example.com',
    method: 'GET',
    uri: `/v1/users/${i}?q=${i % 3}`,
    template: '/v1/users/{id}',
    status: i % 10 === 0 ? 500 : 200,
    requestBytes: 100,
    responseBytes: 900,
    latencyUs: 1500,
    authScheme: 'jwt',
    identity: `sub:user${i % 4}`,
    userAgent: 'curl/8',
    sensitiveTypes: i % 7 === 0 ? ['cn_mobile'] : [],
    sensitiveCount: i % 7 === 0 ? 1 : 0,
    detections: i === 42 ? ['sqli'] : [],
    severity: i === 42 ? 4 : 0,
    flags: 0,
    ...over,
  };
}

async function withStore(fn: (repo: DuckDbCallsRepository, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'calls-'));
  const db = await openEventsDatabase(join(dir, 'events.duckdb'));
  const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
  try {
    await fn(repo, dir);
  } finally {
    await repo.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('calls are written in batches with rollups, and searched newest first with filters and cursors', async () => {
  await withStore(async (repo) => {
    repo.append(Array.from({ length: 300 }, (_, i) => call(i)));
    assert.equal(repo.pending(), 300);
    await repo.flush();
    assert.equal(repo.pending(), 0);
    assert.equal(await repo.count(), 300);

    const page1 = await repo.search({ limit: 100 });
    assert.equal(page1.calls.length, 100);
    assert.equal(page1.calls[0].tsUs, T0 + 299 * 1_000_000);
    assert.deepEqual(page1.calls[0].sensitiveTypes, []);
    assert.ok(page1.next !== null);
    const page2 = await repo.search({ limit: 100, cursor: page1.next });
    const page3 = await repo.search({ limit: 100, cursor: page2.next! });
    assert.equal(page3.next, null);
    const ids = new Set([...page1.calls, ...page2.calls, ...page3.calls].map((c) => c.id));
    assert.equal(ids.size, 300);

    assert.equal((await repo.search({ host: 'api.example.com', limit: 500 })).calls.length, 150);
    assert.equal((await repo.search({ statusClass: 5, limit: 500 })).calls.length, 30);
    assert.equal((await repo.search({ status: 200, clientIp: '10.0.0.1', limit: 500 })).calls.length, 30);
    assert.equal((await repo.search({ sensitiveType: 'cn_mobile', limit: 500 })).calls.length, 43);
    const sqli = await repo.search({ detection: 'sqli' });
    assert.equal(sqli.calls.length, 1);
    assert.equal(sqli.calls[0].uri, '/v1/users/42?q=0');
    assert.equal(sqli.calls[0].severity, 4);
    assert.equal((await repo.search({ text: 'USERS/29' })).calls.length, 11);
    assert.equal((await repo.search({ text: 'users/29?Q=2' })).calls.length, 1, 'case-insensitive past the caseless anchor');
    assert.equal((await repo.search({ text: '?Q=2', limit: 500 })).calls.length, 100);
    assert.equal((await repo.search({ text: 'SUB:USER3', limit: 500 })).calls.length, 75, 'identity');
    assert.equal((await repo.search({ text: 'Curl', limit: 500 })).calls.length, 300, 'user agent, no anchor');
    assert.equal((await repo.search({ text: '10.0.0.5', limit: 500 })).calls.length, 60, 'client address');
    assert.equal((await repo.search({ fromUs: T0 + 10_000_000, toUs: T0 + 20_000_000, limit: 500 })).calls.length, 10);
    // Hostile text is data: quotes and SQL in a filter match nothing and break nothing.
    assert.equal((await repo.search({ text: "'; DROP TABLE calls; --" })).calls.length, 0);
    assert.equal(await repo.count(), 300);
    await assert.rejects(repo.search({ cursor: 'not-a-cursor' }), RangeError);

    const buckets = await repo.timeline(T0, T0 + 3_600_000_000, 60);
    assert.equal(buckets.length, 5);
    assert.equal(buckets.reduce((s, b) => s + b.calls, 0), 300);
    assert.equal(buckets[0].calls, 60);
    assert.equal(buckets[0].errors, 6);
    const hourly = await repo.timeline(T0, T0 + 3_600_000_000, 3600, 'shop.example.com');
    assert.deepEqual(hourly.map((b) => b.calls), [150]);

    const totals = await repo.totals(T0, T0 + 3_600_000_000);
    assert.equal(totals.calls, 300);
    assert.equal(totals.clients, 5);
    assert.equal(totals.identities, 4);
    assert.equal(totals.hosts, 2);
    assert.equal(totals.endpoints, 2);
    assert.equal(totals.errors, 30);
    assert.equal(totals.detectedCalls, 1);
    assert.equal(totals.firstUs, T0);
  });
});

test('every field of every call survives a flush of several batches (codes of each batch index one dictionary)', async () => {
  await withStore(async (repo) => {
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: 40 + b * 17 }, (_, k) => {
        const i = b * 100 + k;
        return call(i, {
          uri: k % 5 === 0 ? `/搜索?q=${'<script>'.repeat(k % 3)}&n=${i}` : `/v1/users/${i}`,
          status: k % 9 === 0 ? null : 200 + (k % 4),
          latencyUs: k % 8 === 0 ? null : 1000 + i,
          identity: k % 3 === 0 ? '' : `sub:用户${i % 6}`,
          userAgent: `agent ${b}/${k % 4}`,
          sensitiveTypes: k % 4 === 0 ? ['bank_card', 'cn_id_card', 'cn_mobile'] : k % 4 === 1 ? ['email'] : [],
          detections: k % 11 === 0 ? ['sqli', 'xss'] : [],
        });
      }),
    );
    for (const b of batches) repo.appendColumns(toCallColumns(b));
    await repo.flush();
    const all = batches.flat();
    const stored = await repo.recent(T0 - 1, T0 + 10_000_000_000, 1000);
    assert.equal(stored.length, all.length);
    const byTs = new Map(all.map((c) => [c.tsUs, c]));
    for (const { id, ...rest } of stored) {
      assert.ok(id >= 0);
      assert.deepEqual(rest, byTs.get(rest.tsUs));
    }
  });
});

test('calls of an actor group: any of the IPs or identities, each call once, newest first, bounded', async () => {
  await withStore(async (repo) => {
    repo.append(Array.from({ length: 300 }, (_, i) => call(i)));
    await repo.flush();
    const got = await repo.callsOfActors(['10.0.0.1'], ['sub:user1'], 1000);
    const want = Array.from({ length: 300 }, (_, i) => call(i)).filter((c) => c.clientIp === '10.0.0.1' || c.identity === 'sub:user1');
    assert.equal(got.length, want.length, 'a call matching both the IP and the identity is listed once');
    assert.ok(got.every((c, k) => k === 0 || got[k - 1].tsUs >= c.tsUs), 'newest first');
    assert.deepEqual((await repo.callsOfActors(['10.0.0.1'], [], 5)).map((c) => c.tsUs), want.filter((c) => c.clientIp === '10.0.0.1').map((c) => c.tsUs).sort((a, b) => b - a).slice(0, 5));
    assert.deepEqual(await repo.callsOfActors([], [], 10), []);
    assert.deepEqual(await repo.callsOfActors(["' OR 1=1 --"], [], 10), [], 'values are parameters, not SQL');
  });
});

test('caseless anchor: the longest run case mapping leaves alone', () => {
  assert.equal(caselessAnchor('/items/4242?'), '/4242?');
  assert.equal(caselessAnchor('Admin'), '');
  assert.equal(caselessAnchor('用户/ÄB 12'), '用户/');
  assert.equal(caselessAnchor('a-b'), '-');
});

test('rollups accumulate across flushes of the same minute', async () => {
  await withStore(async (repo) => {
    repo.append([call(1), call(2)]);
    await repo.flush();
    repo.append([call(3)]);
    await repo.flush();
    const b = await repo.timeline(T0, T0 + 60_000_000, 60);
    assert.equal(b.length, 1);
    assert.equal(b[0].calls, 3);
    assert.equal(b[0].bytes, 3000);
  });
});

/** Hour buckets computed from minute buckets (the reference the hourly rollups must agree with). */
async function hoursFromMinutes(repo: DuckDbCallsRepository, from: number, to: number, host?: string): Promise<Array<[number, number, number]>> {
  const byHour = new Map<number, [number, number, number]>();
  for (const b of await repo.timeline(from, to, 60, host)) {
    const h = Math.floor(b.startUs / 3_600_000_000) * 3_600_000_000;
    const row = byHour.get(h) ?? [h, 0, 0];
    row[1] += b.calls;
    row[2] += b.errors;
    byHour.set(h, row);
  }
  return [...byHour.values()].sort((a, b) => a[0] - b[0]);
}

const hours = async (repo: DuckDbCallsRepository, from: number, to: number, host?: string): Promise<Array<[number, number, number]>> =>
  (await repo.timeline(from, to, 3600, host)).map((b) => [b.startUs, b.calls, b.errors]);

test('hourly rollups: completed hours roll up, late calls mark them dirty, charts agree with the minutes throughout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'calls-'));
  const HOUR = 3_600_000_000;
  try {
    let db = await openEventsDatabase(join(dir, 'events.duckdb'));
    let repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    // 08:00–11:00, one call every 61 s (i % 10 === 0 are errors), both hosts.
    repo.append(Array.from({ length: 180 }, (_, i) => call(i * 61)));
    await repo.flush();
    const ranges: Array<[number, number]> = [[T0, T0 + 4 * HOUR], [T0 + 30 * 60_000_000, T0 + 2 * HOUR + 15 * 60_000_000]];
    const expectAgree = async (): Promise<void> => {
      for (const [f, t] of ranges) {
        assert.deepEqual(await hours(repo, f, t), await hoursFromMinutes(repo, f, t));
        assert.deepEqual(await hours(repo, f, t, 'shop.example.com'), await hoursFromMinutes(repo, f, t, 'shop.example.com'));
      }
    };
    await expectAgree();
    const hourlyRows = async (): Promise<number> => Number((await db.connection.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM call_rollups_hourly')).getRowObjectsJS()[0].n);
    assert.equal(await hourlyRows(), 0);

    // At 11:30 the hours 08, 09 and 10 are complete (two hosts, one template: 2 rows each).
    const r = await repo.rollUpHours(T0 + 3.5 * HOUR);
    assert.deepEqual(r, { hours: 3, rows: 6, rolledUntilUs: T0 + 3 * HOUR });
    assert.equal(await hourlyRows(), 6);
    await expectAgree();
    const total = (await hours(repo, T0, T0 + 4 * HOUR)).reduce((n, h) => n + h[1], 0);
    assert.equal(total, 180);
    // Nothing new: nothing to do.
    assert.equal((await repo.rollUpHours(T0 + 3.6 * HOUR)).hours, 0);

    // A late upload writes into 08:xx: the hour is read from minutes until the next run recomputes it.
    repo.append([call(100, { tsUs: T0 + 5 * 60_000_000, status: 503 }), call(101, { tsUs: T0 + 6 * 60_000_000 })]);
    await repo.flush();
    await expectAgree();
    assert.equal((await hours(repo, T0, T0 + HOUR))[0][1], (await hoursFromMinutes(repo, T0, T0 + HOUR))[0][1]);
    assert.equal((await hours(repo, T0, T0 + 4 * HOUR)).reduce((n, h) => n + h[1], 0), 182);

    // The marks survive a restart; the next run redoes 08:00 onwards.
    await repo.close();
    db.close();
    db = await openEventsDatabase(join(dir, 'events.duckdb'));
    repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    await expectAgree();
    const again = await repo.rollUpHours(T0 + 3.6 * HOUR);
    assert.deepEqual(again, { hours: 3, rows: 6, rolledUntilUs: T0 + 3 * HOUR });
    await expectAgree();
    assert.equal((await hours(repo, T0, T0 + 4 * HOUR)).reduce((n, h) => n + h[1], 0), 182);
    await repo.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a time range exports to Parquet that DuckDB reads back', async () => {
  await withStore(async (repo, dir) => {
    repo.append(Array.from({ length: 50 }, (_, i) => call(i)));
    const out = join(dir, 'export.parquet');
    const n = await repo.exportParquet(T0, T0 + 20_000_000, out);
    assert.equal(n, 20);
    assert.ok(existsSync(out));
    assert.equal(readFileSync(out).subarray(0, 4).toString('latin1'), 'PAR1');
  });
});

test('retention deletes by age and then trims the oldest calls to the disk budget', async () => {
  await withStore(async (repo) => {
    const day = 86_400_000_000;
    repo.append(Array.from({ length: 10 }, (_, i) => call(i, { tsUs: T0 - 40 * day + i })));
    repo.append(Array.from({ length: 20_000 }, (_, i) => call(i, { uri: `/v1/items/${i}/${'x'.repeat(200)}${i}`, tsUs: T0 + i * 1000 })));
    const r = await repo.applyRetention({ maxAgeDays: 30, maxBytes: 0 }, T0 + day);
    assert.equal(r.deletedByAge, 10);
    assert.equal(await repo.count(), 20_000);
    const before = await repo.usedBytes();
    const budget = Math.floor(before / 2);
    const t = await repo.applyRetention({ maxAgeDays: 0, maxBytes: budget }, T0 + day);
    assert.ok(t.deletedByBudget > 0, 'some calls deleted for the budget');
    const left = await repo.count();
    assert.ok(left < 20_000 && left > 0, `kept ${left}`);
    // The oldest went first.
    const oldest = (await repo.search({ limit: 500, fromUs: T0, toUs: T0 + 1_000 })).calls.length;
    assert.equal(oldest, 0);
  });
});

test('kill -9 during ingest loses at most the unflushed batch and the file reopens without duplicates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'calls-kill-'));
  try {
    const dbPath = join(dir, 'events.duckdb');
    const script = join(dir, 'ingest.mts');
    const repoUrl = new URL('../../../appliance/src/store/duckdb/calls.repository.ts', import.meta.url).href;
    const dbUrl = new URL('../../../appliance/src/store/duckdb/events.database.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { openEventsDatabase } from ${JSON.stringify(dbUrl)};
import { DuckDbCallsRepository } from ${JSON.stringify(repoUrl)};
const db = await openEventsDatabase(${JSON.stringify(dbPath)});
const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
let i = 0;
for (;;) {
  const batch = [];
  for (let k = 0; k < 2000; k++, i++) batch.push({ tsUs: ${T0} + i, source: 'kill', clientIp: '10.0.0.1', clientPort: 1, serverIp: '10.0.0.2', serverPort: 80, host: 'h', method: 'GET', uri: '/x/' + i, template: '/x/{id}', status: 200, requestBytes: 1, responseBytes: 1, latencyUs: 1, authScheme: 'none', identity: '', userAgent: '', sensitiveTypes: [], sensitiveCount: 0, detections: [], severity: 0, flags: 0 });
  repo.append(batch);
  await repo.flush();
  process.stdout.write('flushed ' + repo.stats.written + '\\n');
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let lastFlushed = 0;
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        const m = /flushed (\d+)\n(?![\s\S]*flushed)/.exec(c.toString());
        if (m !== null) lastFlushed = Number(m[1]);
        if (lastFlushed >= 40_000) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (code !== null ? reject(new Error(`ingest exited ${code}: ${err}`)) : undefined));
    });
    await new Promise((r) => child.once('close', r));
    const db = await openEventsDatabase(dbPath);
    const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    try {
      const n = await repo.count();
      assert.ok(n >= lastFlushed, `committed ${lastFlushed}, found ${n}`);
      assert.ok(n <= lastFlushed + 2000, `at most one batch beyond the last report (${n})`);
      assert.equal(n % 2000, 0, 'no half-written batch');
      const dup = (await db.connection.runAndReadAll('SELECT count(*)::DOUBLE AS d FROM (SELECT id FROM calls GROUP BY id HAVING count(*) > 1)')).getRowObjectsJS();
      assert.equal(Number(dup[0].d), 0);
      const b = await repo.timeline(T0 - 60_000_000, T0 + 60_000_000, 60);
      assert.equal(b.reduce((s, x) => s + x.calls, 0), n, 'rollups agree with the calls');
      repo.append([call(1)]);
      await repo.flush();
      assert.equal(await repo.count(), n + 1);
    } finally {
      await repo.close();
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
