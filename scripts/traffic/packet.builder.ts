/**
 * Frame builder of the traffic generator: link layers (Ethernet with 802.1Q/QinQ tags, Linux SLL and SLL2, BSD
 * NULL/LOOP loopback, raw IP), IPv4 (header checksum, ids, fragmentation with chosen order and overlap) and IPv6
 * (hop-by-hop / destination-options extension headers, fragment header), and TCP segments with correct checksums.
 * Every frame is written into one freshly allocated buffer, so the bench writer can call it per packet.
 */
import { LinkType } from '../../appliance/src/engine/packet.types.ts';
import type { SeededRandom } from './seeded.random.ts';

/** How the link layer of a frame is encoded. */
export type LinkSpec =
  | {
      kind: 'ethernet';
      /** VLAN ids, outer first (one = 802.1Q, two = QinQ). */
      vlans?: number[];
      /** TPID of the outer tag when there are two or more (default 0x88a8; 0x8100 and 0x9100 are also seen). */
      outerTpid?: number;
    }
  | { kind: 'sll' }
  | { kind: 'sll2'; ifIndex?: number }
  /** BSD loopback: address family in host byte order (little-endian unless `bigEndian`); `af6` is 24, 28 or 30. */
  | { kind: 'null'; af6?: number; bigEndian?: boolean }
  /** OpenBSD loopback: address family in network byte order. */
  | { kind: 'loop'; af6?: number }
  /** LINKTYPE_RAW (101), or LINKTYPE_IPV4/IPV6 (228/229) with `perVersion`. */
  | { kind: 'raw'; perVersion?: boolean };

/** An IPv6 extension header placed between the fixed header and the upper layer (or the fragment header). */
export interface Ipv6ExtHeader {
  kind: 'hop-by-hop' | 'destination';
  /** Total length in bytes (multiple of 8, at least 8); padded with PadN. Default 8. */
  length?: number;
}

/** Everything needed to build one TCP frame. */
export interface TcpFrameSpec {
  /** null = no link header (a bare IP packet, used before fragmentation). */
  link: LinkSpec | null;
  ipVersion: 4 | 6;
  src: Buffer;
  dst: Buffer;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  payload: Buffer;
  /** TCP options (length a multiple of 4). */
  options?: Buffer | null;
  /** Precomputed `checksumAdd(payload, 0, payload.length, 0)`, to skip summing a payload sent many times. */
  payloadSum?: number;
  /** IPv4 identification. */
  ipId?: number;
  /** IPv4 Don't Fragment bit (default true). */
  dontFragment?: boolean;
  ttl?: number;
  ipv6ExtHeaders?: Ipv6ExtHeader[] | null;
  /** SLL packet type / MAC direction hint: true when the frame leaves the capturing host. */
  outgoing?: boolean;
}

/** How to split an IP datagram into fragments. */
export interface FragmentSpec {
  /** Number of fragments (at least 2; fewer when the payload is too short). */
  count: number;
  /** Order the fragments are emitted in. */
  order: 'forward' | 'reverse' | 'shuffle';
  /** Each fragment after the first also repeats the last 8 bytes of its predecessor (identical bytes). */
  overlap?: boolean;
  /** Emit the first fragment a second time at the end (an exact duplicate). */
  duplicate?: boolean;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const IPPROTO_TCP = 6;
const IPV6_FRAGMENT = 44;
const IPV6_HOP_BY_HOP = 0;
const IPV6_DEST_OPTS = 60;

/** Parses a printable IPv4 or IPv6 address into its 4 or 16 bytes. Throws on malformed text (generator input). */
export function ipBytes(text: string): Buffer {
  if (!text.includes(':')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 address ${text}`);
    return Buffer.from(parts);
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 address ${text}`);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(parseInt(groups[i], 16), i * 2);
  return out;
}

/** The LINKTYPE_* a link spec produces for an IP version. */
export function linkTypeOf(link: LinkSpec, ipVersion: 4 | 6 = 4): number {
  switch (link.kind) {
    case 'ethernet':
      return LinkType.ETHERNET;
    case 'sll':
      return LinkType.LINUX_SLL;
    case 'sll2':
      return LinkType.LINUX_SLL2;
    case 'null':
      return LinkType.NULL;
    case 'loop':
      return LinkType.LOOP;
    case 'raw':
      return link.perVersion ? (ipVersion === 4 ? LinkType.IPV4 : LinkType.IPV6) : LinkType.RAW;
  }
}

/** Bytes of link header a spec adds in front of the IP packet. */
export function linkHeaderLength(link: LinkSpec | null): number {
  if (link === null) return 0;
  switch (link.kind) {
    case 'ethernet':
      return 14 + 4 * (link.vlans?.length ?? 0);
    case 'sll':
      return 16;
    case 'sll2':
      return 20;
    case 'null':
    case 'loop':
      return 4;
    case 'raw':
      return 0;
  }
}

/** Writes a deterministic locally administered MAC derived from an IP address (02:xx + last four address bytes). */
function writeMac(buf: Buffer, off: number, ip: Buffer): void {
  const n = ip.length;
  buf[off] = 0x02;
  buf[off + 1] = n === 4 ? 0x00 : 0x06;
  buf[off + 2] = ip[n - 4];
  buf[off + 3] = ip[n - 3];
  buf[off + 4] = ip[n - 2];
  buf[off + 5] = ip[n - 1];
}

/** Writes the link header at offset `o` of `buf`; `src`/`dst` are the IP addresses the MACs are derived from. */
function writeLinkHeader(buf: Buffer, o: number, link: LinkSpec, ipVersion: 4 | 6, src: Buffer, dst: Buffer, outgoing: boolean): void {
  const ethertype = ipVersion === 4 ? ETH_IPV4 : ETH_IPV6;
  switch (link.kind) {
    case 'ethernet': {
      writeMac(buf, o, dst);
      writeMac(buf, o + 6, src);
      let off = o + 12;
      const vlans = link.vlans ?? [];
      for (let i = 0; i < vlans.length; i++) {
        const tpid = i === 0 && vlans.length > 1 ? (link.outerTpid ?? 0x88a8) : 0x8100;
        buf.writeUInt16BE(tpid, off);
        buf.writeUInt16BE(vlans[i] & 0x0fff, off + 2);
        off += 4;
      }
      buf.writeUInt16BE(ethertype, off);
      return;
    }
    case 'sll':
      buf.writeUInt16BE(outgoing ? 4 : 0, o);
      buf.writeUInt16BE(1, o + 2); // ARPHRD_ETHER
      buf.writeUInt16BE(6, o + 4);
      writeMac(buf, o + 6, src);
      buf.writeUInt16BE(0, o + 12);
      buf.writeUInt16BE(ethertype, o + 14);
      return;
    case 'sll2':
      buf.writeUInt16BE(ethertype, o);
      buf.writeUInt16BE(0, o + 2);
      buf.writeUInt32BE(link.ifIndex ?? 2, o + 4);
      buf.writeUInt16BE(1, o + 8);
      buf[o + 10] = outgoing ? 4 : 0;
      buf[o + 11] = 6;
      writeMac(buf, o + 12, src);
      buf.writeUInt16BE(0, o + 18);
      return;
    case 'null': {
      const af = ipVersion === 4 ? 2 : (link.af6 ?? 24);
      if (link.bigEndian) buf.writeUInt32BE(af, o);
      else buf.writeUInt32LE(af, o);
      return;
    }
    case 'loop':
      buf.writeUInt32BE(ipVersion === 4 ? 2 : (link.af6 ?? 24), o);
      return;
    case 'raw':
      return;
  }
}

/** Adds the 16-bit big-endian words of buf[start, end) to `acc` (one's-complement sum before folding). */
export function checksumAdd(buf: Buffer, start: number, end: number, acc: number): number {
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

/** Folds a one's-complement sum to 16 bits and complements it. */
export function checksumFinish(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

/** Length of the IPv6 extension headers of a spec. */
function extLength(ext: Ipv6ExtHeader[] | null | undefined): number {
  let n = 0;
  if (ext) for (const e of ext) n += e.length ?? 8;
  return n;
}

/** Writes IPv6 extension headers at `off`, chained to `last` as the final next-header value; returns the new offset. */
function writeExtHeaders(buf: Buffer, off: number, ext: Ipv6ExtHeader[], last: number): number {
  for (let i = 0; i < ext.length; i++) {
    const len = ext[i].length ?? 8;
    if (len < 8 || len % 8 !== 0) throw new Error(`IPv6 extension header length ${len} is not a multiple of 8`);
    buf[off] = i + 1 < ext.length ? (ext[i + 1].kind === 'hop-by-hop' ? IPV6_HOP_BY_HOP : IPV6_DEST_OPTS) : last;
    buf[off + 1] = len / 8 - 1;
    let p = off + 2;
    const end = off + len;
    if (ext[i].kind === 'hop-by-hop' && end - p >= 4) {
      // Router Alert option (type 5, length 2, value 0: MLD), as routers see on real networks.
      buf[p] = 5;
      buf[p + 1] = 2;
      buf[p + 2] = 0;
      buf[p + 3] = 0;
      p += 4;
    }
    if (end - p === 1) buf[p] = 0; // Pad1
    else if (end - p >= 2) {
      buf[p] = 1; // PadN
      buf[p + 1] = end - p - 2;
      buf.fill(0, p + 2, end);
    }
    off = end;
  }
  return off;
}

/** First next-header value of an extension chain ending in `last`. */
function firstNextHeader(ext: Ipv6ExtHeader[] | null | undefined, last: number): number {
  if (!ext || ext.length === 0) return last;
  return ext[0].kind === 'hop-by-hop' ? IPV6_HOP_BY_HOP : IPV6_DEST_OPTS;
}

/** Length in bytes of the frame {@link writeTcpFrame} writes for `s`. */
export function tcpFrameLength(s: TcpFrameSpec): number {
  const optLen = s.options ? s.options.length : 0;
  const ipHdrLen = s.ipVersion === 4 ? 20 : 40 + extLength(s.ipv6ExtHeaders);
  return linkHeaderLength(s.link) + ipHdrLen + 20 + optLen + s.payload.length;
}

/**
 * Builds one frame (link header, IP header, TCP header with options, payload) with correct IPv4 header and TCP
 * checksums. With `link: null` the result is a bare IP packet (the input of the fragmenters).
 */
export function buildTcpFrame(s: TcpFrameSpec): Buffer {
  const buf = Buffer.allocUnsafe(tcpFrameLength(s));
  writeTcpFrame(buf, 0, s);
  return buf;
}

/** Writes the frame of {@link buildTcpFrame} into `buf` at `base`; returns its length. */
export function writeTcpFrame(buf: Buffer, base: number, s: TcpFrameSpec): number {
  const linkLen = linkHeaderLength(s.link);
  const optLen = s.options ? s.options.length : 0;
  const tcpLen = 20 + optLen + s.payload.length;
  const ext = s.ipVersion === 6 ? s.ipv6ExtHeaders : null;
  const ipHdrLen = s.ipVersion === 4 ? 20 : 40 + extLength(ext);
  if (s.link !== null) writeLinkHeader(buf, base, s.link, s.ipVersion, s.src, s.dst, s.outgoing ?? false);
  let off = base + linkLen;
  if (s.ipVersion === 4) {
    buf[off] = 0x45;
    buf[off + 1] = 0;
    buf.writeUInt16BE(20 + tcpLen, off + 2);
    buf.writeUInt16BE((s.ipId ?? 0) & 0xffff, off + 4);
    buf.writeUInt16BE(s.dontFragment === false ? 0 : 0x4000, off + 6);
    buf[off + 8] = s.ttl ?? 64;
    buf[off + 9] = IPPROTO_TCP;
    buf[off + 10] = 0;
    buf[off + 11] = 0;
    s.src.copy(buf, off + 12);
    s.dst.copy(buf, off + 16);
    buf.writeUInt16BE(checksumFinish(checksumAdd(buf, off, off + 20, 0)), off + 10);
    off += 20;
  } else {
    buf.writeUInt32BE(0x60000000, off);
    buf.writeUInt16BE(ipHdrLen - 40 + tcpLen, off + 4);
    buf[off + 6] = firstNextHeader(ext, IPPROTO_TCP);
    buf[off + 7] = s.ttl ?? 64;
    s.src.copy(buf, off + 8);
    s.dst.copy(buf, off + 24);
    off += 40;
    if (ext && ext.length > 0) off = writeExtHeaders(buf, off, ext, IPPROTO_TCP);
  }
  const t = off;
  buf.writeUInt16BE(s.srcPort, t);
  buf.writeUInt16BE(s.dstPort, t + 2);
  buf.writeUInt32BE(s.seq >>> 0, t + 4);
  buf.writeUInt32BE(s.ack >>> 0, t + 8);
  buf[t + 12] = ((20 + optLen) / 4) << 4;
  buf[t + 13] = s.flags;
  buf.writeUInt16BE(s.window, t + 14);
  buf[t + 16] = 0;
  buf[t + 17] = 0;
  buf[t + 18] = 0;
  buf[t + 19] = 0;
  if (s.options) s.options.copy(buf, t + 20);
  s.payload.copy(buf, t + 20 + optLen);
  let acc = checksumAdd(s.src, 0, s.src.length, 0);
  acc = checksumAdd(s.dst, 0, s.dst.length, acc);
  acc += IPPROTO_TCP + tcpLen;
  if (s.payloadSum === undefined) acc = checksumAdd(buf, t, t + tcpLen, acc);
  else acc = checksumAdd(buf, t, t + 20 + optLen, acc) + s.payloadSum;
  buf.writeUInt16BE(checksumFinish(acc), t + 16);
  return linkLen + ipHdrLen + tcpLen;
}


/** Wraps a bare IP packet in a link header (MACs derived from the packet's addresses). */
export function wrapIpPacket(link: LinkSpec, ipPacket: Buffer, outgoing = false): Buffer {
  const ipVersion = (ipPacket[0] >> 4) === 6 ? 6 : 4;
  const src = ipVersion === 4 ? ipPacket.subarray(12, 16) : ipPacket.subarray(8, 24);
  const dst = ipVersion === 4 ? ipPacket.subarray(16, 20) : ipPacket.subarray(24, 40);
  const len = linkHeaderLength(link);
  const out = Buffer.allocUnsafe(len + ipPacket.length);
  writeLinkHeader(out, 0, link, ipVersion, src, dst, outgoing);
  ipPacket.copy(out, len);
  return out;
}

/** Splits `total` bytes into `count` ranges whose starts (after the first) are multiples of 8. */
function fragmentRanges(total: number, count: number, overlap: boolean): Array<[number, number]> {
  const blocks = Math.ceil(total / 8);
  const n = Math.max(1, Math.min(count, blocks));
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((blocks * i) / n) * 8;
    const end = i === n - 1 ? total : Math.floor((blocks * (i + 1)) / n) * 8;
    ranges.push([overlap && i > 0 ? start - 8 : start, end]);
  }
  return ranges;
}

/** Applies the emission order of a fragment spec. */
function orderFragments(frags: Buffer[], spec: FragmentSpec, rng: SeededRandom | null): Buffer[] {
  let out = frags.slice();
  if (spec.order === 'reverse') out.reverse();
  else if (spec.order === 'shuffle') {
    if (rng === null) throw new Error('shuffle order needs a random source');
    rng.shuffle(out);
    if (out.length > 1 && out.every((f, i) => f === frags[i])) out = [out[out.length - 1], ...out.slice(0, -1)];
  }
  if (spec.duplicate) out.push(frags[0]);
  return out;
}

/** Fragments a bare IPv4 packet (20-byte header, no options) into IP packets with correct header checksums. */
export function fragmentIpv4(packet: Buffer, spec: FragmentSpec, rng: SeededRandom | null = null): Buffer[] {
  const payload = packet.subarray(20);
  const frags: Buffer[] = [];
  const ranges = fragmentRanges(payload.length, spec.count, spec.overlap ?? false);
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i];
    const f = Buffer.allocUnsafe(20 + end - start);
    packet.copy(f, 0, 0, 20);
    payload.copy(f, 20, start, end);
    f.writeUInt16BE(f.length, 2);
    f.writeUInt16BE((i < ranges.length - 1 ? 0x2000 : 0) | (start / 8), 6);
    f[10] = 0;
    f[11] = 0;
    f.writeUInt16BE(checksumFinish(checksumAdd(f, 0, 20, 0)), 10);
    frags.push(f);
  }
  return orderFragments(frags, spec, rng);
}

/**
 * Fragments a bare IPv6 packet: the fixed header and any extension headers stay in every fragment (unfragmentable
 * part), a Fragment header with `ident` follows, then the slice of the upper-layer bytes.
 */
export function fragmentIpv6(packet: Buffer, spec: FragmentSpec, ident: number, rng: SeededRandom | null = null): Buffer[] {
  let off = 40;
  let nh = packet[6];
  let lastNhOff = 6;
  while (nh === IPV6_HOP_BY_HOP || nh === IPV6_DEST_OPTS) {
    lastNhOff = off;
    nh = packet[off];
    off += (packet[off + 1] + 1) * 8;
  }
  const unfrag = packet.subarray(0, off);
  const payload = packet.subarray(off);
  const frags: Buffer[] = [];
  const ranges = fragmentRanges(payload.length, spec.count, spec.overlap ?? false);
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i];
    const f = Buffer.allocUnsafe(unfrag.length + 8 + end - start);
    unfrag.copy(f, 0);
    f[lastNhOff] = IPV6_FRAGMENT;
    f.writeUInt16BE(f.length - 40, 4);
    const fh = unfrag.length;
    f[fh] = nh;
    f[fh + 1] = 0;
    f.writeUInt16BE(start | (i < ranges.length - 1 ? 1 : 0), fh + 2);
    f.writeUInt32BE(ident >>> 0, fh + 4);
    payload.copy(f, fh + 8, start, end);
    frags.push(f);
  }
  return orderFragments(frags, spec, rng);
}

/** TCP options of a SYN: MSS, SACK permitted, window scale 7 (with NOP padding). */
export function synOptions(mss: number): Buffer {
  const b = Buffer.from([2, 4, 0, 0, 4, 2, 1, 3, 3, 7, 1, 1]);
  b.writeUInt16BE(mss, 2);
  return b;
}

/** TCP timestamps option (NOP, NOP, kind 8) with the given values. */
export function timestampOptions(tsVal: number, tsEcr: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 1;
  b[1] = 1;
  b[2] = 8;
  b[3] = 10;
  b.writeUInt32BE(tsVal >>> 0, 4);
  b.writeUInt32BE(tsEcr >>> 0, 8);
  return b;
}
