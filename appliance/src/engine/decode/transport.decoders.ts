/**
 * Transport-layer decoders and the table that dispatches to them by IP protocol number. TCP fills the shared
 * TcpSegment; UDP and ICMP are only counted (the engine reads HTTP over TCP). A transport decoder returns true
 * when `ctx.seg` holds a segment to hand on.
 */
import type { DecodeContext } from './decode.context.ts';

/** A transport-layer decoder: true when `ctx.seg` was filled. */
export type TransportDecoder = (c: DecodeContext) => boolean;

function tcp(c: DecodeContext): boolean {
  const d = c.data;
  const o = c.off;
  const end = c.end;
  if (o + 20 > end) {
    c.malformed('tcp_truncated');
    return false;
  }
  const hl = (d[o + 12] >> 4) << 2;
  if (hl < 20) {
    c.malformed('tcp_bad_data_offset');
    return false;
  }
  if (o + hl > end) {
    // Past the IP length it is a bad header; within it, the snap length cut the options.
    c.malformed(o + hl > end + c.missing ? 'tcp_bad_data_offset' : 'tcp_truncated');
    return false;
  }
  const seg = c.seg;
  const a = c.addrOff;
  if (c.ipVersion === 4) {
    const s = c.src4;
    const t = c.dst4;
    s[0] = d[a];
    s[1] = d[a + 1];
    s[2] = d[a + 2];
    s[3] = d[a + 3];
    t[0] = d[a + 4];
    t[1] = d[a + 5];
    t[2] = d[a + 6];
    t[3] = d[a + 7];
    seg.ipVersion = 4;
    seg.srcAddr = s;
    seg.dstAddr = t;
  } else {
    const s = c.src6;
    const t = c.dst6;
    for (let i = 0; i < 16; i++) {
      s[i] = d[a + i];
      t[i] = d[a + 16 + i];
    }
    seg.ipVersion = 6;
    seg.srcAddr = s;
    seg.dstAddr = t;
  }
  seg.ts = c.ts;
  seg.srcPort = (d[o] << 8) | d[o + 1];
  seg.dstPort = (d[o + 2] << 8) | d[o + 3];
  seg.seq = d[o + 4] * 0x1000000 + ((d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]);
  seg.ack = d[o + 8] * 0x1000000 + ((d[o + 9] << 16) | (d[o + 10] << 8) | d[o + 11]);
  seg.flags = d[o + 13];
  seg.window = (d[o + 14] << 8) | d[o + 15];
  const start = o + hl;
  seg.buf = d;
  seg.off = start;
  seg.end = end;
  seg.payloadMissing = c.missing;
  const vlans = seg.vlans;
  if (vlans.length !== c.nvlans) vlans.length = c.nvlans;
  c.stats.tcp++;
  if (c.missing !== 0) c.stats.snaplenCut++;
  return true;
}

function udp(c: DecodeContext): boolean {
  c.stats.udp++;
  return false;
}

function icmp(c: DecodeContext): boolean {
  c.stats.icmp++;
  return false;
}

/** Transport decoders indexed by IP protocol (null: counted as other IP). */
export const TRANSPORT_DECODERS: (TransportDecoder | null)[] = (() => {
  const t: (TransportDecoder | null)[] = new Array<TransportDecoder | null>(256).fill(null);
  t[6] = tcp;
  t[17] = udp;
  t[1] = icmp;
  t[58] = icmp;
  return t;
})();
