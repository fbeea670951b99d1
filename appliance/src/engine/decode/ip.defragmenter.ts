/**
 * IP fragment reassembly for IPv4 and IPv6 (the only part of the decode stage that allocates).
 *
 * Datagrams are keyed by (version, source, destination, id, protocol) for IPv4 and (version, source, destination,
 * 32-bit id) for IPv6. Each datagram keeps the header of its offset-0 fragment and one growable byte buffer with
 * the list of byte ranges received so far (merged, sorted).
 *
 * Policy:
 * - Overlaps: the first bytes to arrive win; later bytes only fill holes. An overlap whose bytes differ from what is
 *   held (an evasion attempt or a broken stack) counts `ip_frag_overlap`; an overlap with identical bytes (a
 *   retransmitted or duplicated fragment) counts only in `stats.fragmentDuplicates`.
 * - A non-final fragment whose length is zero or not a multiple of 8: `ip_frag_bad_length`, dropped.
 * - A datagram that would exceed 65535 bytes: `ip_frag_too_large`, the fragment and its datagram are dropped.
 * - A fragment contradicting the datagram's end (a second different last fragment, or bytes past the end):
 *   `ip_frag_inconsistent`, the fragment is dropped.
 * - Timeout: a datagram not complete `fragmentTimeoutSec` of capture time after its first fragment is dropped by
 *   `expire()` (`ip_frag_timeout`). Datagrams are kept in arrival order; if the capture clock goes backwards the
 *   sweep may keep an expired datagram a little longer, never forever.
 * - At most `maxFragmentDatagrams` datagrams: a new one evicts the oldest (`ip_frag_table_full`).
 * - At most `fragmentMemcapBytes` held (headers + buffer capacity): the oldest other datagrams are evicted
 *   (`ip_frag_memcap` each); if that is not enough the fragment's own datagram is dropped (`ip_frag_memcap`).
 */
import type { EngineSettings } from '../engine.settings.ts';
import type { WeirdCounters } from '../weird.counters.ts';
import type { DecodeStats } from './decode.stats.ts';

const MAX_IP_LENGTH = 65535;

/** One datagram being reassembled. */
class Datagram {
  prev: Datagram | null = null;
  next: Datagram | null = null;
  /** Header of the offset-0 fragment (IPv4 header with options; IPv6 header and unfragmentable extensions). */
  header: Buffer | null = null;
  /** Transport protocol (IPv4 header protocol; IPv6 next header of the offset-0 fragment header). */
  proto = 0;
  /** Fragmentable bytes received so far, at their offsets. */
  data: Buffer = EMPTY;
  /** Received ranges [start, end) as a flat, sorted, merged list. */
  readonly ranges: number[] = [];
  /** Length of the fragmentable part, known once the last fragment (no MF) arrived; -1 before. */
  total = -1;
  /** Bytes accounted against the memcap. */
  held = 0;

  constructor(
    readonly key: string,
    readonly expiresAt: number,
  ) {}
}

const EMPTY = Buffer.alloc(0);

/** Reassembles IPv4 and IPv6 fragments into whole datagrams under the engine's fragment limits. */
export class IpDefragmenter {
  /** After a successful add: header length of the rebuilt datagram (where the transport or next header starts). */
  resultHeaderLength = 0;
  /** After a successful add: transport protocol (IPv6: the next header following the fragment header). */
  resultProto = 0;

  private readonly table = new Map<string, Datagram>();
  private head: Datagram | null = null;
  private tail: Datagram | null = null;
  private bytes = 0;
  private readonly timeoutUs: number;

  constructor(
    private readonly settings: EngineSettings,
    private readonly weird: WeirdCounters,
    private readonly stats: DecodeStats,
  ) {
    this.timeoutUs = settings.fragmentTimeoutSec * 1e6;
  }

  /** Datagrams currently being reassembled. */
  get datagrams(): number {
    return this.table.size;
  }

  /** Bytes currently held (counted against `fragmentMemcapBytes`). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * Adds an IPv4 fragment: header at `ipStart` (`headerLength` bytes), payload up to `end`, at payload offset
   * `fragOffset`. Returns the rebuilt datagram (header with total length and fragment fields fixed, then payload)
   * when this fragment completes it, else null (the fragment's outcome is counted).
   */
  addIpv4(d: Buffer, ipStart: number, headerLength: number, end: number, fragOffset: number, more: boolean, ts: number): Buffer | null {
    const proto = d[ipStart + 9];
    const key = '4' + d.toString('latin1', ipStart + 12, ipStart + 20) + String.fromCharCode(d[ipStart + 4], d[ipStart + 5], proto);
    const out = this.add(key, 4, ts, d, ipStart, headerLength, ipStart + headerLength, end, fragOffset, more, proto);
    if (out !== null) {
      out[2] = out.length >> 8;
      out[3] = out.length & 0xff;
      out[6] &= 0x40;
      out[7] = 0;
      out[10] = 0;
      out[11] = 0;
    }
    return out;
  }

  /**
   * Adds an IPv6 fragment: fixed header at `ipStart`, `unfragLength` bytes of header and unfragmentable extensions
   * before the fragment header, fragment data in [dataStart, end) at offset `fragOffset`, `nextHeader` from the
   * fragment header. Returns the rebuilt datagram (header and unfragmentable part, then the fragmentable part; the
   * transport or next extension header starts at `resultHeaderLength`, its type is `resultProto`), else null.
   */
  addIpv6(
    d: Buffer,
    ipStart: number,
    unfragLength: number,
    dataStart: number,
    end: number,
    fragOffset: number,
    more: boolean,
    id: number,
    nextHeader: number,
    ts: number,
  ): Buffer | null {
    const key = '6' + d.toString('latin1', ipStart + 8, ipStart + 40) + String.fromCharCode(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
    const out = this.add(key, 6, ts, d, ipStart, unfragLength, dataStart, end, fragOffset, more, nextHeader);
    if (out !== null) {
      const plen = out.length - 40;
      out[4] = plen >> 8;
      out[5] = plen & 0xff;
    }
    return out;
  }

  /** Drops datagrams whose timeout passed at capture time `nowTs` (µs). Cheap when nothing is due. */
  expire(nowTs: number): void {
    for (let g = this.head; g !== null && g.expiresAt <= nowTs; g = this.head) {
      this.remove(g);
      this.weird.inc('ip_frag_timeout');
    }
  }

  private add(
    key: string,
    version: 4 | 6,
    ts: number,
    d: Buffer,
    ipStart: number,
    headerLength: number,
    dataStart: number,
    end: number,
    fragOffset: number,
    more: boolean,
    proto: number,
  ): Buffer | null {
    const len = end - dataStart;
    if (more && (len <= 0 || (len & 7) !== 0)) return this.drop('ip_frag_bad_length');
    const fragEnd = fragOffset + len;
    const maxPayload = version === 4 ? MAX_IP_LENGTH - headerLength : MAX_IP_LENGTH + 40 - headerLength;
    let g = this.table.get(key) ?? null;
    if (fragEnd > maxPayload) {
      if (g !== null) this.remove(g);
      return this.drop('ip_frag_too_large');
    }
    if (g === null) {
      g = this.create(key, ts);
      if (g === null) return this.drop('ip_frag_table_full');
    } else {
      const r = g.ranges;
      const known = g.total;
      if (more ? known >= 0 && fragEnd > known : (known >= 0 && known !== fragEnd) || (r.length !== 0 && r[r.length - 1] > fragEnd)) {
        return this.drop('ip_frag_inconsistent');
      }
    }

    // Memory: buffer growth plus the header when this is the first offset-0 fragment.
    const wantsHeader = fragOffset === 0 && g.header === null;
    let cap = g.data.length;
    if (fragEnd > cap) {
      cap = more ? Math.min(maxPayload, Math.max(fragEnd, cap * 2)) : fragEnd;
      if (g.total >= 0 && cap > g.total) cap = g.total;
    }
    const extra = cap - g.data.length + (wantsHeader ? headerLength : 0);
    if (extra > 0 && this.bytes + extra > this.settings.fragmentMemcapBytes && !this.makeRoom(g, extra)) {
      this.remove(g);
      return this.drop('ip_frag_memcap');
    }
    if (cap > g.data.length) {
      const grown = Buffer.alloc(cap);
      g.data.copy(grown, 0, 0, g.data.length);
      g.data = grown;
    }
    if (wantsHeader) {
      g.header = Buffer.from(d.subarray(ipStart, ipStart + headerLength));
      g.proto = proto;
    }
    g.held += extra;
    this.bytes += extra;
    if (!more) g.total = fragEnd;
    if (len > 0) this.insert(g, d, dataStart, fragOffset, fragEnd);

    const r = g.ranges;
    if (g.header === null || g.total < 0 || r.length !== 2 || r[0] !== 0 || r[1] !== g.total) {
      this.stats.fragmentsHeld++;
      return null;
    }
    const hdr = g.header;
    this.remove(g);
    if (hdr.length + g.total > maxPayload + headerLength) return this.drop('ip_frag_too_large');
    const out = Buffer.allocUnsafe(hdr.length + g.total);
    hdr.copy(out, 0);
    g.data.copy(out, hdr.length, 0, g.total);
    this.stats.reassembledDatagrams++;
    this.resultHeaderLength = hdr.length;
    this.resultProto = g.proto;
    return out;
  }

  /** Copies the bytes of [s, e) not yet held into the datagram and merges the range; first arrival wins. */
  private insert(g: Datagram, d: Buffer, dataStart: number, s: number, e: number): void {
    const r = g.ranges;
    const buf = g.data;
    const n = r.length;
    const base = dataStart - s;
    let pos = s;
    let overlapped = false;
    let differs = false;
    for (let i = n === 0 || s >= r[n - 1] ? n : 0; i < n && pos < e; i += 2) {
      const a = r[i];
      const b = r[i + 1];
      if (b <= pos) continue;
      if (a >= e) break;
      if (a > pos) d.copy(buf, pos, base + pos, base + a);
      const os = a > pos ? a : pos;
      const oe = b < e ? b : e;
      overlapped = true;
      if (!differs) {
        for (let k = os; k < oe; k++) {
          if (buf[k] !== d[base + k]) {
            differs = true;
            break;
          }
        }
      }
      pos = oe;
    }
    if (pos < e) d.copy(buf, pos, base + pos, base + e);
    if (differs) this.weird.inc('ip_frag_overlap');
    else if (overlapped) this.stats.fragmentDuplicates++;

    let lo = 0;
    while (lo < n && r[lo + 1] < s) lo += 2;
    let hi = lo;
    while (hi < n && r[hi] <= e) hi += 2;
    if (hi === lo) r.splice(lo, 0, s, e);
    else r.splice(lo, hi - lo, Math.min(s, r[lo]), Math.max(e, r[hi - 1]));
  }

  /** A new datagram at the tail of the list, evicting the oldest when the table is full; null when no room at all. */
  private create(key: string, ts: number): Datagram | null {
    const max = this.settings.maxFragmentDatagrams;
    if (max <= 0) return null;
    while (this.table.size >= max && this.head !== null) {
      this.remove(this.head);
      this.weird.inc('ip_frag_table_full');
    }
    const g = new Datagram(key, ts + this.timeoutUs);
    this.table.set(key, g);
    g.prev = this.tail;
    if (this.tail !== null) this.tail.next = g;
    else this.head = g;
    this.tail = g;
    return g;
  }

  /** Evicts the oldest datagrams other than `keep` until `extra` more bytes fit under the memcap. */
  private makeRoom(keep: Datagram, extra: number): boolean {
    const cap = this.settings.fragmentMemcapBytes;
    for (let g = this.head; g !== null && this.bytes + extra > cap; ) {
      const next = g.next;
      if (g !== keep) {
        this.remove(g);
        this.weird.inc('ip_frag_memcap');
      }
      g = next;
    }
    return this.bytes + extra <= cap;
  }

  private remove(g: Datagram): void {
    if (g.prev !== null) g.prev.next = g.next;
    else this.head = g.next;
    if (g.next !== null) g.next.prev = g.prev;
    else this.tail = g.prev;
    g.prev = g.next = null;
    this.table.delete(g.key);
    this.bytes -= g.held;
    g.held = 0;
  }

  private drop(reason: string): null {
    this.weird.inc(reason);
    this.stats.fragmentsDropped++;
    return null;
  }
}
