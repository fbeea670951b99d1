/**
 * Allocation-free header-name comparisons for the per-call hot paths of the behaviour analyzers (header names come
 * in any case from the wire; lower-casing each one would allocate a string per header per call).
 */

/** True when `name` equals `lower` (an ASCII lower-case name) ignoring ASCII case. */
export function headerIs(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** A set of lower-case header names that tests membership without lower-casing (by length and first letter first). */
export class HeaderNameSet {
  private readonly lengths = new Set<number>();
  private readonly firsts = new Set<number>();
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    const set = new Set<string>();
    for (const n of names) {
      const l = n.toLowerCase();
      set.add(l);
      this.lengths.add(l.length);
      this.firsts.add(l.charCodeAt(0));
    }
    this.names = set;
  }

  /** Whether `name` (any case) is in the set. */
  has(name: string): boolean {
    if (!this.lengths.has(name.length)) return false;
    let c = name.charCodeAt(0);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (!this.firsts.has(c)) return false;
    return this.names.has(name.toLowerCase());
  }
}
