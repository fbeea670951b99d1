/**
 * Compact distinct-id counting for the per-(actor, template) windows: ids are kept as numbers (decimal ids as their
 * value, others as a negative 32-bit hash), in a small array while few and in a Set beyond, with a cap past which
 * new ids are only counted. Most client/template pairs see one or two ids, so this keeps the live heap small.
 */
import { hashString } from './id.filter.ts';

const SMALL = 8;

/** The number an id is counted as: its value when decimal (≤ 15 digits), else a negative hash. */
export function idKey(id: string, numeric: boolean): number {
  if (numeric && id.length <= 15) return Number(id);
  return -1 - hashString(id);
}

/**
 * Distinct ids, bounded: the first id in a field (most windows see one id, so they allocate no array), then up to
 * {@link SMALL} in an array, then a Set.
 */
export class IdCounter {
  /** The only id while {@link count} is 1 and no array is allocated. */
  private one = 0;
  /** Ids stored in {@link one} or {@link small} (the Set counts its own). */
  private count = 0;
  private small: number[] | null = null;
  private set: Set<number> | null = null;
  /** New ids not stored because the counter was full. */
  overflow = 0;

  constructor(readonly capacity: number) {}

  /** Adds an id key; true when it was new. */
  add(k: number): boolean {
    if (this.set === null) {
      const small = this.small;
      if (small === null) {
        if (this.count === 0) {
          this.one = k;
          this.count = 1;
          return true;
        }
        if (this.one === k) return false;
        this.small = [this.one, k];
        this.count = 2;
        return true;
      }
      for (let i = 0; i < small.length; i++) if (small[i] === k) return false;
      if (small.length < SMALL) {
        small.push(k);
        this.count++;
        return true;
      }
      this.set = new Set(small);
      this.small = null;
    }
    const set = this.set;
    if (set.has(k)) return false;
    if (set.size >= this.capacity) {
      this.overflow++;
      return true;
    }
    set.add(k);
    return true;
  }

  /** Distinct ids seen (an estimate once full). */
  get distinct(): number {
    return (this.set !== null ? this.set.size : this.count) + this.overflow;
  }

  /** Stored keys. */
  keys(): Iterable<number> {
    return this.set ?? this.small ?? (this.count === 1 ? [this.one] : []);
  }

  clear(): void {
    this.one = 0;
    this.count = 0;
    this.small = null;
    this.set = null;
    this.overflow = 0;
  }
}

/** The longest run of consecutive non-negative integers among `keys`. */
export function longestRun(keys: Iterable<number>): number {
  const nums: number[] = [];
  for (const k of keys) if (k >= 0) nums.push(k);
  if (nums.length === 0) return 0;
  nums.sort((a, b) => a - b);
  let best = 1;
  let run = 1;
  for (let i = 1; i < nums.length; i++) {
    if (nums[i] === nums[i - 1]) continue;
    run = nums[i] === nums[i - 1] + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}
