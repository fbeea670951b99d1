// Unit tests of the actor registry and the pair table: slots kept and evicted exactly as the generational cache keeps
// names, freed slots reused under new serials, the per-call memo; pair entries found, kept through growth, purged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActorRegistry } from '../../../appliance/src/analyzers/identity/actor.registry.ts';
import { GenerationalCache } from '../../../appliance/src/analyzers/identity/lru.cache.ts';
import { PairTable } from '../../../appliance/src/analyzers/identity/pair.table.ts';

/** A small deterministic generator (xorshift). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

test('registry: names are kept and evicted as GenerationalCache keeps them; a live name keeps its slot and serial', () => {
  const reg = new ActorRegistry(16);
  const ips = new GenerationalCache<string, number>(16);
  const ids = new GenerationalCache<string, number>(16);
  const serialOf = new Map<string, number>();
  const r = rng(7);
  for (let i = 0; i < 5000; i++) {
    const ip = `10.0.0.${Math.floor(r() * 40)}`;
    const identity = r() < 0.3 ? '' : `sub:${Math.floor(r() * 30)}`;
    reg.resolve({}, ip, identity);
    for (const [cache, name, slot, prefix] of [[ips, ip, reg.ip, 'ip:'], [ids, identity, reg.identity, 'id:']] as const) {
      if (name === '') {
        assert.equal(slot, -1);
        continue;
      }
      const known = cache.get(name);
      if (known === undefined) cache.set(name, 1);
      const key = prefix + name;
      assert.equal(reg.keys[slot], key);
      const serial = reg.serial[slot];
      if (known !== undefined) assert.equal(serial, serialOf.get(key), `${key} kept its serial`);
      else assert.ok(!serialOf.has(key) || serialOf.get(key) !== serial, `${key} re-created under a new serial`);
      serialOf.set(key, serial);
    }
    assert.equal(reg.size, ips.size + ids.size);
    assert.equal(reg.evicted, ips.evicted + ids.evicted);
  }
  assert.ok(reg.evicted > 0);
  assert.ok(reg.slotBound <= 2 * 16 + 2, `slots are reused (bound ${reg.slotBound})`);
});

test('registry: freed slots are announced, reused, and the memo answers a second look-up of the same call', () => {
  const reg = new ActorRegistry(2);
  const freed: number[] = [];
  reg.onFree((slot) => freed.push(slot));
  const tx = {};
  const a = reg.resolve(tx, '192.0.2.1', 'sub:alice').ip;
  assert.equal(reg.resolve(tx, '192.0.2.1', 'sub:alice').ip, a);
  const serialA = reg.serial[a];
  reg.resolve({}, '192.0.2.2', '');
  reg.resolve({}, '192.0.2.3', '');
  assert.deepEqual(freed, [a], 'the oldest generation (192.0.2.1) was dropped');
  assert.equal(reg.serial[a], -1);
  const d = reg.resolve({}, '192.0.2.4', '').ip;
  assert.equal(d, a, 'the freed slot is reused');
  assert.notEqual(reg.serial[d], serialA);
  assert.equal(reg.keys[d], 'ip:192.0.2.4');
  reg.clear();
  assert.equal(reg.size, 0);
  assert.equal(reg.resolve(tx, '192.0.2.1', 'sub:alice').identity >= 0, true, 'a cleared registry looks the call up again');
  assert.throws(() => new ActorRegistry(1), RangeError);
});

test('pair table: finds what was inserted, through growth, like a Map', () => {
  const t = new PairTable<string>();
  const model = new Map<string, number>();
  const r = rng(11);
  for (let i = 0; i < 20_000; i++) {
    const a = Math.floor(r() * 300);
    const b = Math.floor(r() * 200);
    const k = `${a},${b}`;
    let at = t.find(a, b);
    if (!model.has(k)) {
      assert.equal(at, -1, k);
      at = t.insert(a, b);
      t.num[at] = i;
      t.obj[at] = k;
      model.set(k, i);
    } else {
      assert.ok(at >= 0, k);
      assert.equal(t.num[at], model.get(k));
      assert.equal(t.obj[at], k);
    }
  }
  assert.equal(t.size, model.size);
  assert.ok(t.capacity >= 2 * t.size);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.find(1, 1), -1);
});

test('pair table: entries the owner no longer needs are dropped when the table is full, not before', () => {
  const live = new Set<number>();
  const t = new PairTable<never>((table, at) => live.has(table.a(at)));
  for (let a = 0; a < 32; a++) {
    live.add(a);
    t.tag[t.insert(a, 0)] = a;
  }
  assert.equal(t.capacity, 64);
  for (let a = 0; a < 24; a++) live.delete(a);
  assert.equal(t.find(3, 0) >= 0, true, 'kept until a rebuild');
  for (let a = 100; a < 120; a++) {
    live.add(a);
    t.insert(a, 0);
  }
  assert.equal(t.find(3, 0), -1, 'dropped by the rebuild');
  assert.ok(t.find(30, 0) >= 0 && t.tag[t.find(30, 0)] === 30, 'live entries keep their values');
  assert.equal(t.size, 8 + 20);
  assert.equal(t.capacity, 64, 'purged instead of grown');
  for (let a = 200; a < 210; a++) {
    live.add(a);
    t.insert(a, 0);
  }
  assert.equal(t.size, 38);
  assert.equal(t.capacity, 128, 'grown when the live entries fill a quarter');
});
