/**
 * An open-addressing hash table keyed by a pair of small non-negative integers (actor slot × template or endpoint
 * id), with its values in columns: a tag and a number per entry in typed arrays, and an optional object. Inserting
 * allocates nothing until the table grows, so the per-call state of pairs seen once (the common case on API
 * traffic) costs two array stores instead of a Map entry and a boxed number. Entries are dropped only in bulk:
 * {@link PairTable.clear}, or when the table would grow and an `isLive` predicate drops entries it no longer needs.
 */

/** Smallest capacity (a power of two). */
const MIN_CAPACITY = 64;

/** Values kept per pair. */
export class PairTable<T> {
  private keyA!: Int32Array;
  private keyB!: Int32Array;
  /** Per entry: a number the owner checks an entry against (e.g. the serial of the actor that made it). */
  tag!: Float64Array;
  /** Per entry: a number (e.g. a timestamp or a row number). */
  num!: Float64Array;
  /** Per entry: an object, or undefined. */
  obj!: Array<T | undefined>;
  private mask = 0;
  /** Entries held. */
  size = 0;

  /**
   * @param isLive called for every entry when the table is full; entries it rejects are dropped before the table
   *   grows (the default keeps all)
   */
  constructor(private readonly isLive: ((table: PairTable<T>, at: number) => boolean) | null = null, capacity = MIN_CAPACITY) {
    let c = MIN_CAPACITY;
    while (c < capacity) c *= 2;
    this.allocate(c);
  }

  /** Empty columns of `c` entries. */
  private allocate(c: number): void {
    this.keyA = new Int32Array(c).fill(-1);
    this.keyB = new Int32Array(c);
    this.tag = new Float64Array(c);
    this.num = new Float64Array(c);
    this.obj = new Array<T | undefined>(c).fill(undefined);
    this.mask = c - 1;
    this.size = 0;
  }

  /** Entries the table can hold before it is rebuilt. */
  get capacity(): number {
    return this.mask + 1;
  }

  private slotOf(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** Where (a, b) is held, or -1. Positions stay valid until the next {@link insert} or {@link clear}. */
  find(a: number, b: number): number {
    const keyA = this.keyA;
    const keyB = this.keyB;
    const mask = this.mask;
    let i = this.slotOf(a, b) & mask;
    for (;;) {
      const k = keyA[i];
      if (k === -1) return -1;
      if (k === a && keyB[i] === b) return i;
      i = (i + 1) & mask;
    }
  }

  /** Adds (a, b), which must be absent, with tag and number 0 and no object; returns its position. */
  insert(a: number, b: number): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.rebuild();
    const keyA = this.keyA;
    const mask = this.mask;
    let i = this.slotOf(a, b) & mask;
    while (keyA[i] !== -1) i = (i + 1) & mask;
    keyA[i] = a;
    this.keyB[i] = b;
    this.tag[i] = 0;
    this.num[i] = 0;
    this.obj[i] = undefined;
    this.size++;
    return i;
  }

  /** The first key of the entry at `at`. */
  a(at: number): number {
    return this.keyA[at];
  }

  /** Drops every entry (keeping the capacity). */
  clear(): void {
    if (this.size === 0) return;
    this.keyA.fill(-1);
    this.obj.fill(undefined);
    this.size = 0;
  }

  /** Drops the entries `isLive` rejects, then doubles the capacity if still at least a quarter full. */
  private rebuild(): void {
    const keep: number[] = [];
    const keyA = this.keyA;
    for (let i = 0; i <= this.mask; i++) if (keyA[i] !== -1 && (this.isLive === null || this.isLive(this, i))) keep.push(i);
    let c = this.mask + 1;
    if (keep.length * 4 >= c) c *= 2;
    const old = { keyA, keyB: this.keyB, tag: this.tag, num: this.num, obj: this.obj };
    this.allocate(c);
    for (const i of keep) {
      const at = this.insert(old.keyA[i], old.keyB[i]);
      this.tag[at] = old.tag[i];
      this.num[at] = old.num[i];
      this.obj[at] = old.obj[i];
    }
  }
}
