// Hand-built packets for the decode-stage tests: TCP/UDP headers, IPv4 (options, fragments), IPv6 (extension
// headers, fragment header) and every link-layer wrapper the decoder understands. Builders take explicit overrides
// so tests can produce malformed variants.
import type { RawPacket } from '../../../appliance/src/engine/packet.types.ts';
import { engineSettings, type EngineSettings } from '../../../appliance/src/engine/engine.settings.ts';
import { WeirdCounters } from '../../../appliance/src/engine/weird.counters.ts';
import { PacketDecoder, type DecodeStats } from '../../../appliance/src/engine/decode/packet.decoder.ts';

/** Default IPv4 source address of the builders. */
export const CLIENT4 = [10, 0, 0, 1];
/** Default IPv4 destination address of the builders. */
export const SERVER4 = [192, 168, 1, 2];
/** Default IPv6 source address of the builders (2001:db8::1). */
export const CLIENT6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];
/** Default IPv6 destination address of the builders (2001:db8::2). */
export const SERVER6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02];

/** TCP header fields (all optional). */
export interface TcpOpts {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  /** Options bytes (padded to a multiple of 4). */
  options?: Buffer;
  /** Overrides the data offset nibble (in 32-bit words). */
  dataOffset?: number;
  payload?: Buffer | string;
}

/** A TCP header followed by its payload. */
export function tcp(o: TcpOpts = {}): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const optLen = (opts.length + 3) & ~3;
  const payload = typeof o.payload === 'string' ? Buffer.from(o.payload, 'latin1') : (o.payload ?? Buffer.alloc(0));
  const b = Buffer.alloc(20 + optLen + payload.length);
  b.writeUInt16BE(o.srcPort ?? 51000, 0);
  b.writeUInt16BE(o.dstPort ?? 80, 2);
  b.writeUInt32BE((o.seq ?? 1000) >>> 0, 4);
  b.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  b[12] = (o.dataOffset ?? (20 + optLen) / 4) << 4;
  b[13] = o.flags ?? 0x18;
  b.writeUInt16BE(o.window ?? 65535, 14);
  opts.copy(b, 20);
  payload.copy(b, 20 + optLen);
  return b;
}

/** An 8-byte UDP header followed by its payload. */
export function udp(payload = Buffer.alloc(4)): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt16BE(5353, 0);
  b.writeUInt16BE(53, 2);
  b.writeUInt16BE(b.length, 4);
  payload.copy(b, 8);
  return b;
}

/** IPv4 header fields (all optional). */
export interface Ipv4Opts {
  src?: number[];
  dst?: number[];
  proto?: number;
  id?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset?: number;
  more?: boolean;
  dontFragment?: boolean;
  /** Options bytes (padded to a multiple of 4). */
  options?: Buffer;
  /** Overrides the IHL nibble (32-bit words). */
  ihl?: number;
  /** Overrides the total length field. */
  totalLength?: number;
  version?: number;
}

/** An IPv4 packet around `payload` (checksum left zero: the decoder does not verify it). */
export function ipv4(payload: Buffer, o: Ipv4Opts = {}): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const hl = 20 + ((opts.length + 3) & ~3);
  const b = Buffer.alloc(hl + payload.length);
  b[0] = ((o.version ?? 4) << 4) | (o.ihl ?? hl / 4);
  b.writeUInt16BE(o.totalLength ?? b.length, 2);
  b.writeUInt16BE(o.id ?? 0x1234, 4);
  b.writeUInt16BE(((o.fragOffset ?? 0) >> 3) | (o.more ? 0x2000 : 0) | (o.dontFragment ? 0x4000 : 0), 6);
  b[8] = 64;
  b[9] = o.proto ?? 6;
  b.set(o.src ?? CLIENT4, 12);
  b.set(o.dst ?? SERVER4, 16);
  opts.copy(b, 20);
  payload.copy(b, hl);
  return b;
}

/** IPv6 fixed-header fields (all optional). */
export interface Ipv6Opts {
  src?: number[];
  dst?: number[];
  nextHeader?: number;
  /** Overrides the payload length field. */
  payloadLength?: number;
  version?: number;
}

/** An IPv6 packet: fixed header then `payload` (extension headers included by the caller). */
export function ipv6(payload: Buffer, o: Ipv6Opts = {}): Buffer {
  const b = Buffer.alloc(40 + payload.length);
  b[0] = (o.version ?? 6) << 4;
  b.writeUInt16BE(o.payloadLength ?? payload.length, 4);
  b[6] = o.nextHeader ?? 6;
  b[7] = 64;
  b.set(o.src ?? CLIENT6, 8);
  b.set(o.dst ?? SERVER6, 24);
  payload.copy(b, 40);
  return b;
}

/**
 * An IPv6 extension header of `type` (0, 43, 60: length in 8-octet units; 51: AH, 4-octet units) carrying
 * `next`, `size` bytes long in total (a multiple of 8, or of 4 for AH).
 */
export function ext(type: number, next: number, size = 8): Buffer {
  const b = Buffer.alloc(size);
  b[0] = next;
  b[1] = type === 51 ? size / 4 - 2 : size / 8 - 1;
  if (type === 0 || type === 60) {
    // PadN option covering the rest of the header.
    b[2] = 1;
    b[3] = size - 4;
  }
  return b;
}

/** An IPv6 fragment header. */
export function fragHeader(next: number, offset: number, more: boolean, id: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = next;
  b.writeUInt16BE(offset | (more ? 1 : 0), 2);
  b.writeUInt32BE(id >>> 0, 4);
  return b;
}

/** An Ethernet frame; `tags` are [TPID, VLAN id] pairs, outer first. */
export function ether(payload: Buffer, ethertype = 0x0800, tags: [number, number][] = []): Buffer {
  const b = Buffer.alloc(14 + tags.length * 4 + payload.length);
  b.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0);
  let o = 12;
  for (const [tpid, id] of tags) {
    b.writeUInt16BE(tpid, o);
    b.writeUInt16BE(0x2000 | id, o + 2);
    o += 4;
  }
  b.writeUInt16BE(ethertype, o);
  payload.copy(b, o + 2);
  return b;
}

/** A Linux cooked (SLL v1) frame. */
export function sll(payload: Buffer, protocol = 0x0800): Buffer {
  const b = Buffer.alloc(16 + payload.length);
  b.writeUInt16BE(0, 0);
  b.writeUInt16BE(1, 2);
  b.writeUInt16BE(6, 4);
  b.set([1, 2, 3, 4, 5, 6], 6);
  b.writeUInt16BE(protocol, 14);
  payload.copy(b, 16);
  return b;
}

/** A Linux cooked v2 (SLL2) frame. */
export function sll2(payload: Buffer, protocol = 0x0800): Buffer {
  const b = Buffer.alloc(20 + payload.length);
  b.writeUInt16BE(protocol, 0);
  b.writeUInt32BE(3, 4);
  b.writeUInt16BE(1, 8);
  b[10] = 0;
  b[11] = 6;
  b.set([1, 2, 3, 4, 5, 6], 12);
  payload.copy(b, 20);
  return b;
}

/** A BSD NULL (little-endian when `le`) or LOOP (always big-endian) frame with address family `af`. */
export function bsd(payload: Buffer, af: number, le: boolean): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  if (le) b.writeUInt32LE(af, 0);
  else b.writeUInt32BE(af, 0);
  payload.copy(b, 4);
  return b;
}

/** A RawPacket; `origLen` defaults to the captured length. */
export function pkt(linkType: number, data: Buffer, ts = 1_000_000, origLen = data.length): RawPacket {
  return { ts, linkType, data, origLen, ifIndex: 0 };
}

/** A deterministic PRNG (mulberry32) for fuzz loops. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh decoder and its weird counters. */
export function newDecoder(overrides: Partial<EngineSettings> = {}): { dec: PacketDecoder; weird: WeirdCounters } {
  const weird = new WeirdCounters();
  return { dec: new PacketDecoder(engineSettings(overrides), weird), weird };
}

/** Sum of the outcome counters (must equal `packets`). */
export function outcomeSum(s: DecodeStats): number {
  return s.tcp + s.udp + s.icmp + s.otherIp + s.nonIp + s.malformed + s.unsupportedLink + s.fragmentsHeld + s.fragmentsDropped;
}
