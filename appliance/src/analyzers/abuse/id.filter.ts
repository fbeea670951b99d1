/**
 * A fixed-size Bloom filter of object ids for passive BOLA: per identity, the ids earlier responses gave it, in
 * 1 KiB whatever the traffic. Ids are hashed from their bytes, so a response body is scanned without creating a
 * string per id. A false positive only hides a probe (never flags a normal client). Also the byte scanner that
 * finds `"id": value` and `"…Id": value` pairs in JSON response bodies.
 */

/** Bits of each filter (8192 bits = 1 KiB). */
export const ID_FILTER_BITS = 8192;

const MASK = ID_FILTER_BITS - 1;

/** FNV-1a over bytes `[start, end)` of `b`. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= b[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** FNV-1a over the char codes of a latin1 string (equal to {@link hashBytes} of its bytes). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A Bloom filter with three probes derived from one 32-bit hash; its 1 KiB of bits is allocated on the first add. */
export class IdFilter {
  private bits: Uint32Array | null = null;
  /** Ids added (with repeats). */
  added = 0;

  /** Adds an id by its hash. */
  addHash(h: number): void {
    const bits = (this.bits ??= new Uint32Array(ID_FILTER_BITS >>> 5));
    const h2 = (Math.imul(h, 0x9e3779b1) >>> 0) | 1;
    for (let k = 0; k < 3; k++) {
      const bit = (h + k * h2) & MASK;
      bits[bit >>> 5] |= 1 << (bit & 31);
    }
    this.added++;
  }

  /** Whether an id with this hash may have been added. */
  hasHash(h: number): boolean {
    const bits = this.bits;
    if (bits === null) return false;
    const h2 = (Math.imul(h, 0x9e3779b1) >>> 0) | 1;
    for (let k = 0; k < 3; k++) {
      const bit = (h + k * h2) & MASK;
      if ((bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Adds an id string. */
  add(id: string): void {
    this.addHash(hashString(id));
  }

  /** Whether an id string may have been added. */
  has(id: string): boolean {
    return this.hasHash(hashString(id));
  }
}

/** The common tail of `id":` and `Id":` keys: one pass over the body finds both. */
const NEEDLE = Buffer.from('d":', 'latin1');

function isIdByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/**
 * Adds to `filter` every id value of `"id"`, `"…_id"` and `"…Id"` keys in the first `limit` bytes of `body`, at most
 * `max` (in body order).
 */
export function learnJsonIds(body: Buffer, limit: number, filter: IdFilter, max = 4096): number {
  const end = Math.min(body.length, limit);
  let found = 0;
  let at = body.indexOf(NEEDLE, 1);
  // `at` is the `d` of the key's `d":`; the key starts at `at - 1` (`i` or `I`).
  while (at >= 0 && at - 1 < end && found < max) {
    const k = body[at - 1];
    // The key must be `"id"` or end in `Id"`/`_id"` preceded by letters (e.g. "orderId", "account_id").
    const ok = k === 73 || (k === 105 && at >= 2 && (body[at - 2] === 34 || body[at - 2] === 95));
    let i = at + 3;
    while (i < end && (body[i] === 32 || body[i] === 9)) i++;
    if (ok && i < end) {
      const quoted = body[i] === 34;
      if (quoted) i++;
      const start = i;
      while (i < end && i - start <= 64 && isIdByte(body[i])) i++;
      if (i > start && i - start <= 64 && (!quoted || body[i] === 34)) {
        filter.addHash(hashBytes(body, start, i));
        found++;
      }
    }
    at = body.indexOf(NEEDLE, at + 3);
  }
  return found;
}
