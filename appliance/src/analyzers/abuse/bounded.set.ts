/**
 * A Set with a size cap for counting distinct values on attacker-controlled traffic: past the cap new values are
 * not stored but counted in `overflow`, so `distinct` stays a lower bound that keeps growing.
 */

/** A capped set of strings. */
export class BoundedSet {
  private readonly set = new Set<string>();
  /** New values not stored because the set was full. */
  overflow = 0;

  constructor(readonly capacity: number) {}

  /** Adds `v`; returns true when it was new (or, once full, when it is not among the stored values). */
  add(v: string): boolean {
    if (this.set.has(v)) return false;
    if (this.set.size >= this.capacity) {
      this.overflow++;
      return true;
    }
    this.set.add(v);
    return true;
  }

  has(v: string): boolean {
    return this.set.has(v);
  }

  /** Distinct values stored plus values not stored because full (an estimate once full). */
  get distinct(): number {
    return this.set.size + this.overflow;
  }

  /** Stored values. */
  values(): IterableIterator<string> {
    return this.set.values();
  }

  clear(): void {
    this.set.clear();
    this.overflow = 0;
  }
}
