/**
 * Anomaly ("weird") counters. Bad input is data, never a crash: every stage that meets something malformed or a
 * limit that bites counts it here under a stable reason id, and goes on. The reason ids are documented in
 * docs/engine.md; the UI and the health metrics show them.
 */

/** Counts anomalies by reason. One instance per engine; cheap enough for the hot path. */
export class WeirdCounters {
  private readonly counts = new Map<string, number>();

  /** Adds `n` occurrences of `reason` (a stable snake_case id such as `http_bad_chunk_size`). */
  inc(reason: string, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  /** Current count of one reason (0 when never seen). */
  get(reason: string): number {
    return this.counts.get(reason) ?? 0;
  }

  /** Sum of all counts whose reason starts with `prefix` (all reasons when empty). */
  total(prefix = ''): number {
    let sum = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) sum += v;
    return sum;
  }

  /** A plain, key-sorted object of all counts, for JSON output and metrics. */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.counts.keys()].sort()) out[k] = this.counts.get(k)!;
    return out;
  }

  /** Adds every count of `other` into this one (used when merging worker shards). */
  merge(other: Record<string, number>): void {
    for (const [k, v] of Object.entries(other)) this.inc(k, v);
  }
}
