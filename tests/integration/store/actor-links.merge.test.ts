// Integration test of the actor-links merge on a real SQLite file: the multi-row UPSERTs (with the sensitive types
// added up in SQL) must leave the same rows as merging each delta by hand, across chunk boundaries, repeated keys in
// one merge, type caps and many merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStateDatabase } from '../../../appliance/src/store/sqlite/state.database.ts';
import { ActorLinksRepository, type ActorActivity, type ActorLink } from '../../../appliance/src/analyzers/tracing/actor-links.repository.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (s: number): string => new Date(1_700_000_000_000 + s * 1000).toISOString();

interface Model {
  links: Map<string, { calls: number; first: string; last: string }>;
  activity: Map<string, { calls: number; errors: number; types: Set<string>; first: string; last: string }>;
}

function mergeModel(m: Model, links: ActorLink[], activity: ActorActivity[]): void {
  for (const l of links) {
    const k = `${l.ip}|${l.identity}`;
    const cur = m.links.get(k);
    if (cur === undefined) m.links.set(k, { calls: l.calls, first: l.firstSeen, last: l.lastSeen });
    else m.links.set(k, { calls: cur.calls + l.calls, first: cur.first < l.firstSeen ? cur.first : l.firstSeen, last: cur.last > l.lastSeen ? cur.last : l.lastSeen });
  }
  for (const a of activity) {
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
      const activity: ActorActivity[] = [];
      for (let i = 0; i < size; i++) {
        const t = pick(10_000);
        links.push({ ip: `10.0.0.${pick(40)}`, identity: `sub:u${pick(30)}`, calls: 1 + pick(5), firstSeen: iso(t), lastSeen: iso(t + pick(100)) });
        const types = r() < 0.5 ? [] : Array.from({ length: pick(r() < 0.1 ? 80 : 4) }, () => typeNames[pick(typeNames.length)]);
        activity.push({ actor: r() < 0.5 ? `ip:10.0.0.${pick(20)}` : `id:sub:u${pick(20)}`, host: 'api.example.com', method: r() < 0.7 ? 'GET' : 'POST', path: `/v1/items/${pick(15)}`, calls: 1 + pick(3), errors: pick(2), sensitiveTypes: types, firstSeen: iso(t), lastSeen: iso(t + pick(100)) });
      }
      repo.merge(links, activity);
      mergeModel(model, links, activity);
    }

    const storedLinks = db.prepare('SELECT ip, identity, calls, first_seen AS f, last_seen AS l FROM actor_links').all() as Array<{ ip: string; identity: string; calls: number; f: string; l: string }>;
    assert.equal(storedLinks.length, model.links.size);
    for (const s of storedLinks) assert.deepEqual({ calls: s.calls, first: s.f, last: s.l }, model.links.get(`${s.ip}|${s.identity}`));

    const storedActivity = db.prepare('SELECT actor, host, method, path, calls, errors, sensitive_types AS t, first_seen AS f, last_seen AS l FROM actor_activity').all() as Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; t: string; f: string; l: string }>;
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
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
