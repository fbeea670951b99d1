// Tests of the hourly sensitive rollups (DuckDB migration 0003) behind the sensitive-data page, on real DuckDB files:
// the summary read from them plus the calls at the range's partial hours equals a count over the calls themselves,
// for ranges on and off hour boundaries, after late writes into earlier hours, for calls stored before the migration,
// and after retention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventsDatabase } from '../../../appliance/src/store/duckdb/events.database.ts';
import { DuckDbCallsRepository } from '../../../appliance/src/store/duckdb/calls.repository.ts';
import type { CallEvent, SensitiveCallSummary } from '../../../appliance/src/store/events/call-event.types.ts';

const HOUR_US = 3_600_000_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0) * 1000;
const TYPES = ['cn_id_card', 'cn_mobile', 'email', 'bank_card'];

/** A deterministic spread of calls over five hours: about a third carry one or two sensitive types. */
function events(n: number, seed: number): CallEvent[] {
  const out: CallEvent[] = [];
  let x = seed;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  for (let i = 0; i < n; i++) {
    const sensitive = rnd(3) === 0;
    const types = sensitive ? [TYPES[rnd(4)], ...(rnd(4) === 0 ? [TYPES[rnd(4)]] : [])] : [];
    out.push({
      tsUs: T0 + rnd(5 * 3600) * 1_000_000 + rnd(1_000_000),
      source: 'upload:1',
      clientIp: `10.0.0.${rnd(7)}`,
      clientPort: 40000 + i,
      serverIp: '10.1.0.1',
      serverPort: 80,
      host: `h${rnd(3)}.example.com`,
      method: rnd(2) === 0 ? 'GET' : 'POST',
      uri: `/v1/users/${i}`,
      template: `/v1/${['users', 'orders', 'cards'][rnd(3)]}/{id}`,
      status: 200,
      requestBytes: 100,
      responseBytes: 900,
      latencyUs: 1000,
      authScheme: 'jwt',
      identity: '',
      userAgent: 'curl/8',
      sensitiveTypes: [...new Set(types)],
      sensitiveCount: sensitive ? 1 + rnd(4) : 0,
      detections: [],
      severity: 0,
      flags: 0,
    });
  }
  return out;
}

/** The summary computed from the calls themselves (what the page showed before the rollups). */
function expected(calls: readonly CallEvent[], fromUs: number, toUs: number, top: number): SensitiveCallSummary {
  const types = new Map<string, { calls: number; endpoints: Set<string>; clients: Set<string>; lastUs: number }>();
  const endpoints = new Map<string, { type: string; host: string; method: string; template: string; calls: number; lastUs: number }>();
  const clients = new Map<string, { type: string; clientIp: string; calls: number; values: number }>();
  for (const c of calls) {
    if (c.tsUs < fromUs || c.tsUs >= toUs || c.sensitiveCount <= 0) continue;
    for (const type of c.sensitiveTypes) {
      const ep = `${c.host} ${c.method} ${c.template}`;
      const t = types.get(type) ?? { calls: 0, endpoints: new Set<string>(), clients: new Set<string>(), lastUs: 0 };
      t.calls++;
      t.endpoints.add(ep);
      t.clients.add(c.clientIp);
      t.lastUs = Math.max(t.lastUs, c.tsUs);
      types.set(type, t);
      const e = endpoints.get(`${type} ${ep}`) ?? { type, host: c.host, method: c.method, template: c.template, calls: 0, lastUs: 0 };
      e.calls++;
      e.lastUs = Math.max(e.lastUs, c.tsUs);
      endpoints.set(`${type} ${ep}`, e);
      const k = clients.get(`${type} ${c.clientIp}`) ?? { type, clientIp: c.clientIp, calls: 0, values: 0 };
      k.calls++;
      k.values += c.sensitiveCount;
      clients.set(`${type} ${c.clientIp}`, k);
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const topOf = <T extends { type: string }>(rows: T[], order: (a: T, b: T) => number): T[] => {
    rows.sort((a, b) => cmp(a.type, b.type) || order(a, b));
    const seen = new Map<string, number>();
    return rows.filter((r) => {
      const n = (seen.get(r.type) ?? 0) + 1;
      seen.set(r.type, n);
      return n <= top;
    });
  };
  return {
    types: [...types].map(([type, t]) => ({ type, calls: t.calls, endpoints: t.endpoints.size, clients: t.clients.size, lastUs: t.lastUs })).sort((a, b) => b.calls - a.calls || cmp(a.type, b.type)),
    endpoints: topOf([...endpoints.values()], (a, b) => b.calls - a.calls || cmp(`${a.host} ${a.method} ${a.template}`, `${b.host} ${b.method} ${b.template}`)),
    clients: topOf([...clients.values()], (a, b) => b.calls - a.calls || cmp(a.clientIp, b.clientIp)),
  };
}

/** Ranges on hour boundaries, inside one hour, across partial hours at both ends, and everything stored. */
const RANGES: Array<[number, number]> = [
  [T0, T0 + 5 * HOUR_US],
  [T0 + HOUR_US + 1_234_567, T0 + HOUR_US + 1_800_000_000],
  [T0 + 1_700_000_000, T0 + 3 * HOUR_US + 999_999_999],
  [T0 + 2 * HOUR_US, T0 + 4 * HOUR_US + 1],
  [0, T0 + 10 * HOUR_US],
];

async function assertSummaries(repo: DuckDbCallsRepository, calls: readonly CallEvent[]): Promise<void> {
  for (const [from, to] of RANGES) {
    for (const top of [2, 100]) {
      assert.deepEqual(await repo.sensitiveSummary(from, to, top), expected(calls, from, to, top), `range ${from - T0}..${to - T0} µs after T0, top ${top}`);
    }
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sens-rollups-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the summary from hourly rollups and partial-hour calls equals the count over the calls, also after late writes', async () => {
  await withDir(async (dir) => {
    const db = await openEventsDatabase(join(dir, 'events.duckdb'));
    const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    try {
      const first = events(1500, 7);
      repo.append(first);
      await repo.flush();
      await assertSummaries(repo, first);
      // a second batch lands in the same hours (an older capture uploaded later): the rollup rows add up
      const second = events(700, 99);
      repo.append(second);
      await repo.flush();
      await assertSummaries(repo, [...first, ...second]);
      const rows = (await db.connection.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM sensitive_rollups_endpoints')).getRowObjectsJS()[0].n;
      assert.ok(Number(rows) < first.length + second.length, 'the rollups hold fewer rows than the calls');
    } finally {
      await repo.close();
      db.close();
    }
  });
});

test('calls stored before migration 0003 are rolled up by it', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'events.duckdb');
    const calls = events(800, 3);
    const v3 = await openEventsDatabase(path);
    const writer = await DuckDbCallsRepository.open(v3, { flushIntervalMs: 0 });
    writer.append(calls);
    await writer.close();
    // back to version 2: calls stored, no sensitive rollups
    await v3.connection.run('DROP TABLE sensitive_rollups_endpoints');
    await v3.connection.run('DROP TABLE sensitive_rollups_clients');
    await v3.connection.run('DELETE FROM schema_migrations WHERE version = 3');
    v3.close();
    const db = await openEventsDatabase(path);
    const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    try {
      await assertSummaries(repo, calls);
    } finally {
      await repo.close();
      db.close();
    }
  });
});

test('retention by age removes the sensitive rollups of the hours it empties', async () => {
  await withDir(async (dir) => {
    const db = await openEventsDatabase(join(dir, 'events.duckdb'));
    const repo = await DuckDbCallsRepository.open(db, { flushIntervalMs: 0 });
    try {
      const calls = events(1000, 11);
      repo.append(calls);
      await repo.flush();
      // keep the last 2 days counted from 2 h 30 min after T0 + 2 days: hours 0 and 1 go, hour 2 is cut in half
      const nowUs = T0 + 2 * 86_400 * 1_000_000 + 2.5 * HOUR_US;
      await repo.applyRetention({ maxAgeDays: 2, maxBytes: 0 }, nowUs);
      const cutoff = T0 + 2.5 * HOUR_US;
      const left = calls.filter((c) => c.tsUs >= cutoff);
      const hours = (await db.connection.runAndReadAll('SELECT DISTINCT epoch_us(hour)::DOUBLE AS h FROM sensitive_rollups_clients ORDER BY 1')).getRowObjectsJS();
      assert.equal(Number(hours[0].h), T0 + 2 * HOUR_US, 'the rollups of hours before the cutoff hour are gone');
      assert.deepEqual(await repo.sensitiveSummary(T0 + 3 * HOUR_US, T0 + 5 * HOUR_US, 100), expected(left, T0 + 3 * HOUR_US, T0 + 5 * HOUR_US, 100));
      assert.deepEqual(await repo.sensitiveSummary(cutoff, T0 + 5 * HOUR_US, 100), expected(left, cutoff, T0 + 5 * HOUR_US, 100));
    } finally {
      await repo.close();
      db.close();
    }
  });
});
