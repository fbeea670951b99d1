/**
 * A bounded least-recently-used map used by the behaviour analyzers (identity, abuse, tracing) so that no per-key
 * state grows without limit on attacker-controlled traffic: past the cap the least recently used key is evicted
 * and counted.
 */

/** A Map with a size cap and LRU eviction; `evicted` counts keys dropped to stay under the cap. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  /** Keys dropped because the cache was full. */
  evicted = 0;

  /** @param capacity most keys kept (at least 1) */
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('LruCache capacity must be at least 1');
  }

  /** Entries held now. */
  get size(): number {
    return this.map.size;
  }

  /** The value of `key` (marking it recently used), or undefined. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** The value of `key` without changing its recency. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets `key`, evicting the least recently used key when full. */
  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
      this.evicted++;
    }
    this.map.set(key, value);
  }

  /** The value of `key`, created with `make` when absent. */
  getOrCreate(key: K, make: () => V): V {
    let v = this.get(key);
    if (v === undefined) {
      v = make();
      this.set(key, v);
    }
    return v;
  }

  /** Entries from least to most recently used. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  /** Removes every entry (the eviction count is kept). */
  clear(): void {
    this.map.clear();
  }
}

/**
 * A cheaper bounded cache for hot per-call look-ups: two generations of at most `capacity / 2` entries each. Hits
 * in the young generation cost one Map look-up; hits in the old one are promoted; when the young generation is
 * full it becomes the old one and the previous old generation is dropped (counted in `evicted`). Recently used
 * keys therefore survive at least `capacity / 2` insertions — an approximate LRU without a re-insert per hit.
 */
export class GenerationalCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;
  /** Keys dropped with an old generation. */
  evicted = 0;

  /** @param capacity most keys kept (at least 2) */
  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('GenerationalCache capacity must be at least 2');
    this.half = Math.floor(capacity / 2);
  }

  /** Entries held now. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The value of `key` (promoting it to the young generation), or undefined. */
  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.insert(key, o);
    }
    return o;
  }

  /** Sets `key` in the young generation. */
  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.insert(key, value);
  }

  private insert(key: K, value: V): void {
    if (this.young.size >= this.half) {
      this.evicted += this.old.size;
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Every entry, old generation first. */
  *entries(): IterableIterator<[K, V]> {
    yield* this.old.entries();
    yield* this.young.entries();
  }
}
