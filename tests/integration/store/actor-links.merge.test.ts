// Integration test of the actor-links merge on a real SQLite file: the multi-row UPSERTs (with the sensitive types
// added up in SQL) must leave the same rows as merging each delta by hand, across chunk boundaries, repeated keys in
// one merge, type caps and many merges; and the move of the old text-keyed rows to the compact tables (migration 0210).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase, readMigrations } from '../../../appliance/src/store/sqlite/state.database.ts';
import { ActorLinksRepository, type ActivityDelta, type ActorLink } from '../../../appliance/src/analyzers/tracing/actor-links.repository.ts';
import { SeededRandom } from '../../../scripts/traffic/seeded.random.ts';

/** A deterministic source of floats in [0, 1) (the traffic generator's seeded PRNG). */
function rng(seed: number): () => number {
  const g = new SeededRandom(seed);
  return () => g.next();
}

const iso = (s: number): string => new Date(1_700_000_000_000 + s * 1000).toISOString();

interface Model {
  links: Map<string, { calls: number; first: string; last: string }>;
  activity: Map<string, { calls: number; errors: number; types: Set<string>; first: string; last: string }>;
}

function mergeModel(m: Model, links: ActorLink[], activity: ActivityDelta[]): void {
  for (const l of links) {
    const k = `${l.ip}|${l.identity}`;
    const cur = m.links.get(k);
    if (cur === undefined) m.links.set(k, { calls: l.calls, first: l.firstSeen, last: l.lastSeen });
    else m.links.set(k, { calls: cur.calls + l.calls, first: cur.first < l.firstSeen ? cur.first : l.firstSeen, last: cur.last > l.lastSeen ? cur.last : l.lastSeen });
  }
  for (const d of activity) {
    const a = { ...d, firstSeen: new Date(d.firstMs).toISOString(), lastSeen: new Date(d.lastMs).toISOString() };
    const k = `${a.actor}|${a.host}|${a.method}|${a.path}`;
    const cur = m.activity.get(k) ?? { calls: 0, errors: 0, types: new Set<string>(), first: a.firstSeen, last: a.lastSeen };
    const types = new Set([...cur.types, ...a.sensitiveTypes]);
    m.activity.set(k, {
      calls: cur.calls + a.calls,
      errors: cur.errors + a.errors,
      types: new Set([...types].sort().slice(0, 64)),
      first: cur.first < a.firstSeen ? cur.first : a.firstSeen,
      last: cur.last > a.lastSeen ? cur.last : a.lastSeen,
    });
  }
}

test('multi-row merges equal a row-by-row model, with repeated keys, chunk remainders and the 64-type cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'actor-links-'));
  const db = openStateDatabase(join(dir, 'state.sqlite'));
  try {
    const repo = new ActorLinksRepository(db);
    const model: Model = { links: new Map(), activity: new Map() };
    const r = rng(7);
    const pick = (n: number): number => Math.floor(r() * n);
    const typeNames = Array.from({ length: 90 }, (_, i) => `type_${String(i).padStart(2, '0')}`);
    // Sizes around the 128-row chunk: below, exactly, above, several chunks plus a remainder.
    for (const size of [1, 0, 127, 128, 129, 300, 517, 50]) {
      const links: ActorLink[] = [];
      const activity: ActivityDelta[] = [];
      for (let i = 0; i < size; i++) {
        const t = pick(10_000);
        links.push({ ip: `10.0.0.${pick(40)}`, identity: `sub:u${pick(30)}`, calls: 1 + pick(5), firstSeen: iso(t), lastSeen: iso(t + pick(100)) });
        const types = r() < 0.5 ? [] : Array.from({ length: pick(r() < 0.1 ? 80 : 4) }, () => typeNames[pick(typeNames.length)]);
        activity.push({ actor: r() < 0.5 ? `ip:10.0.0.${pick(20)}` : `id:sub:u${pick(20)}`, host: 'api.example.com', method: r() < 0.7 ? 'GET' : 'POST', path: `/v1/items/${pick(15)}`, calls: 1 + pick(3), errors: pick(2), sensitiveTypes: types, firstMs: Date.parse(iso(t)), lastMs: Date.parse(iso(t + pick(100))) });
      }
      repo.merge(links, activity);
      mergeModel(model, links, activity);
    }

    const storedLinks = db.prepare('SELECT ip, identity, calls, first_seen AS f, last_seen AS l FROM actor_links').all() as Array<{ ip: string; identity: string; calls: number; f: string; l: string }>;
    assert.equal(storedLinks.length, model.links.size);
    for (const s of storedLinks) assert.deepEqual({ calls: s.calls, first: s.f, last: s.l }, model.links.get(`${s.ip}|${s.identity}`));

    const storedActivity = db
      .prepare(
        `SELECT n.name AS actor, e.host, e.method, e.path, t.calls, t.errors, coalesce(t.sensitive_types, '[]') AS t, strftime('%Y-%m-%dT%H:%M:%fZ', t.first_ms / 1000.0, 'unixepoch') AS f, strftime('%Y-%m-%dT%H:%M:%fZ', t.last_ms / 1000.0, 'unixepoch') AS l
         FROM actor_touches t JOIN actor_names n ON n.id = t.actor_id JOIN actor_endpoints e ON e.id = t.endpoint_id`,
      )
      .all() as Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; t: string; f: string; l: string }>;
    assert.equal(storedActivity.length, model.activity.size);
    let capped = 0;
    for (const s of storedActivity) {
      const m = model.activity.get(`${s.actor}|${s.host}|${s.method}|${s.path}`);
      assert.ok(m !== undefined);
      assert.equal(s.t, JSON.stringify([...m.types]));
      assert.deepEqual({ calls: s.calls, errors: s.errors, first: s.f, last: s.l }, { calls: m.calls, errors: m.errors, first: m.first, last: m.last });
      if (m.types.size === 64) capped++;
    }
    assert.ok(capped > 0, 'some rows reach the type cap');
    assert.deepEqual(repo.activityOf(['ip:10.0.0.1']).every((a) => a.sensitiveTypes.length <= 64), true);
    const one = repo.activityOf(['ip:10.0.0.1'], 1000);
    assert.ok(one.length > 0 && one.every((a) => a.actor === 'ip:10.0.0.1'));
    for (const a of one) {
      const m = model.activity.get(`${a.actor}|${a.host}|${a.method}|${a.path}`);
      assert.deepEqual({ calls: a.calls, errors: a.errors, types: a.sensitiveTypes, first: a.firstSeen, last: a.lastSeen }, { calls: m?.calls, errors: m?.errors, types: [...(m?.types ?? [])], first: m?.first, last: m?.last });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 0210 moves the text-keyed activity rows over unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'actor-links-'));
  const path = join(dir, 'state.sqlite');
  try {
    const before = openStateDatabase(path, { migrations: readMigrations().filter((m) => m.version < 210) });
    const ins = before.prepare('INSERT INTO actor_activity (actor, host, method, path, calls, errors, sensitive_types, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    ins.run('ip:10.0.0.1', 'api.example.com', 'GET', '/v1/a/{id}', 7, 2, '["bank_card","cn_mobile"]', '2024-01-01T00:00:00.125Z', '2024-01-01T01:00:00.000Z');
    ins.run('id:sub:eve', 'api.example.com', 'GET', '/v1/a/{id}', 3, 0, '[]', '2024-01-02T00:00:00.000Z', '2024-01-02T00:00:09.999Z');
    ins.run('ip:10.0.0.1', 'shop.example.com', 'POST', '/cart', 1, 1, '[]', '2024-01-03T00:00:00.000Z', '2024-01-03T00:00:00.000Z');
    before.close();
    const db = openStateDatabase(path);
    const repo = new ActorLinksRepository(db);
    assert.deepEqual(repo.activityOf(['ip:10.0.0.1', 'id:sub:eve']), [
      { actor: 'ip:10.0.0.1', host: 'api.example.com', method: 'GET', path: '/v1/a/{id}', calls: 7, errors: 2, sensitiveTypes: ['bank_card', 'cn_mobile'], firstSeen: '2024-01-01T00:00:00.125Z', lastSeen: '2024-01-01T01:00:00.000Z' },
      { actor: 'id:sub:eve', host: 'api.example.com', method: 'GET', path: '/v1/a/{id}', calls: 3, errors: 0, sensitiveTypes: [], firstSeen: '2024-01-02T00:00:00.000Z', lastSeen: '2024-01-02T00:00:09.999Z' },
      { actor: 'ip:10.0.0.1', host: 'shop.example.com', method: 'POST', path: '/cart', calls: 1, errors: 1, sensitiveTypes: [], firstSeen: '2024-01-03T00:00:00.000Z', lastSeen: '2024-01-03T00:00:00.000Z' },
    ]);
    repo.merge([], [{ actor: 'id:sub:eve', host: 'api.example.com', method: 'GET', path: '/v1/a/{id}', calls: 2, errors: 1, sensitiveTypes: ['email'], firstMs: Date.parse('2023-12-31T00:00:00.000Z'), lastMs: Date.parse('2024-01-02T00:00:05.000Z') }]);
    assert.deepEqual(repo.activityOf(['id:sub:eve'])[0], { actor: 'id:sub:eve', host: 'api.example.com', method: 'GET', path: '/v1/a/{id}', calls: 5, errors: 1, sensitiveTypes: ['email'], firstSeen: '2023-12-31T00:00:00.000Z', lastSeen: '2024-01-02T00:00:09.999Z' });
    assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'actor_activity'").get() as { n: number }).n, 0);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
