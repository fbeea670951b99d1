/**
 * Network-layer decoders and the table that dispatches to them by ethertype: 802.1Q / QinQ tags, IPv4 and IPv6
 * (with its extension-header chain). A network decoder returns the next ethertype (after a VLAN tag), TO_TRANSPORT
 * once the IP layer is done (`ctx.l4Proto`, `ctx.off`, `ctx.end`, `ctx.missing`, `ctx.addrOff` set), or STOP.
 *
 * Length rules shared by IPv4 and IPv6: bytes captured beyond the IP length are link padding or trailers and are
 * trimmed; an IP length beyond the captured bytes is a snap-length cut when the frame was longer on the wire
 * (`ctx.missing` records the difference), and a malformed packet (`ipv4_truncated` / `ipv6_truncated`) otherwise.
 * An IPv4 total length of 0 (TSO on the capturing host) is taken as "the rest of the frame" and counted
 * (`ipv4_zero_total_length`, not malformed). Fragments go to the IpDefragmenter; when one completes its datagram,
 * decoding goes on in the rebuilt buffer.
 */
import { type DecodeContext, ETHERTYPE_LLC, MAX_VLAN_TAGS, STOP, TO_TRANSPORT } from './decode.context.ts';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link.decoders.ts';

/** A network-layer decoder: returns the next ethertype, TO_TRANSPORT or STOP. */
export type NetworkDecoder = (c: DecodeContext) => number;

/** 802.1Q (0x8100), 802.1ad (0x88a8) or legacy QinQ (0x9100) tag: records the VLAN id, outer first. */
function vlanTag(c: DecodeContext): number {
  const o = c.off;
  if (o + 4 > c.end) return c.malformed('vlan_truncated');
  if (c.nvlans === MAX_VLAN_TAGS) return c.malformed('vlan_too_many_tags');
  const d = c.data;
  if (c.nvlans === 0) c.stats.vlanTagged++;
  c.seg.vlans[c.nvlans++] = ((d[o] << 8) | d[o + 1]) & 0x0fff;
  c.off = o + 4;
  const et = (d[o + 2] << 8) | d[o + 3];
  return et < 0x0600 ? ETHERTYPE_LLC : et;
}

function ipv4(c: DecodeContext): number {
  const d = c.data;
  const o = c.off;
  const capEnd = c.end;
  if (o + 20 > capEnd) return c.malformed('ipv4_truncated');
  const b0 = d[o];
  if (b0 >> 4 !== 4) return c.malformed('ipv4_bad_version');
  const hl = (b0 & 0x0f) << 2;
  if (hl < 20) return c.malformed('ipv4_bad_header_length');
  let total = (d[o + 2] << 8) | d[o + 3];
  if (total === 0) {
    // Captured on a host doing TCP segmentation offload: the length is filled in by the NIC after capture.
    c.weird.inc('ipv4_zero_total_length');
    total = c.origEnd - o;
  }
  if (total < hl) return c.malformed('ipv4_bad_total_length');
  if (o + hl > capEnd) return c.malformed('ipv4_truncated');
  let end = o + total;
  let missing = 0;
  if (end > capEnd) {
    if (end > c.origEnd) return c.malformed('ipv4_truncated');
    missing = end - capEnd;
    end = capEnd;
  }
  c.stats.ipv4++;
  c.ipVersion = 4;
  const frag = (d[o + 6] << 8) | d[o + 7];
  if ((frag & 0x3fff) !== 0) {
    c.stats.fragments++;
    if (missing !== 0) return fragmentCut(c);
    const buf = c.defrag.addIpv4(d, o, hl, end, (frag & 0x1fff) << 3, (frag & 0x2000) !== 0, c.ts);
    if (buf === null) return STOP;
    c.data = buf;
    c.reassembled = true;
    c.addrOff = 12;
    c.off = c.defrag.resultHeaderLength;
    c.end = buf.length;
    c.l4Proto = c.defrag.resultProto;
    return TO_TRANSPORT;
  }
  c.addrOff = o + 12;
  c.off = o + hl;
  c.end = end;
  c.missing = missing;
  c.l4Proto = d[o + 9];
  return TO_TRANSPORT;
}

/** A fragment the snap length cut cannot be reassembled: it is dropped (its datagram will time out). */
function fragmentCut(c: DecodeContext): number {
  c.weird.inc('ip_frag_truncated');
  c.stats.fragmentsDropped++;
  return STOP;
}

const EXT_NONE = 0;
/** Length in 8-octet units, not counting the first 8 octets (hop-by-hop, routing, destination options, ...). */
const EXT_UNITS8 = 1;
/** Authentication header: length in 4-octet units, minus 2. */
const EXT_AH = 2;
const EXT_FRAGMENT = 3;

/** IPv6 extension-header kind by next-header value (ESP 50 and No Next Header 59 end the chain, as transports). */
const IPV6_EXT_KIND: Uint8Array = (() => {
  const t = new Uint8Array(256);
  t[0] = EXT_UNITS8;
  t[43] = EXT_UNITS8;
  t[60] = EXT_UNITS8;
  t[135] = EXT_UNITS8;
  t[139] = EXT_UNITS8;
  t[140] = EXT_UNITS8;
  t[51] = EXT_AH;
  t[44] = EXT_FRAGMENT;
  return t;
})();

function ipv6(c: DecodeContext): number {
  const d = c.data;
  const o = c.off;
  const capEnd = c.end;
  if (o + 40 > capEnd) return c.malformed('ipv6_truncated');
  if (d[o] >> 4 !== 6) return c.malformed('ipv6_bad_version');
  let end = o + 40 + ((d[o + 4] << 8) | d[o + 5]);
  let missing = 0;
  if (end > capEnd) {
    if (end > c.origEnd) return c.malformed('ipv6_truncated');
    missing = end - capEnd;
    end = capEnd;
  }
  c.stats.ipv6++;
  c.ipVersion = 6;
  c.addrOff = o + 8;
  c.end = end;
  c.missing = missing;
  return ipv6Chain(c, d[o + 6], o + 40, o);
}

/** Walks the IPv6 extension headers from `p` (next header `nh`) up to the transport header. */
function ipv6Chain(c: DecodeContext, nh: number, p: number, ipStart: number): number {
  let d = c.data;
  for (;;) {
    const kind = IPV6_EXT_KIND[nh];
    if (kind === EXT_NONE) {
      c.off = p;
      c.l4Proto = nh;
      return TO_TRANSPORT;
    }
    if (p + 8 > c.end) return extTruncated(c);
    if (kind === EXT_FRAGMENT) {
      const fo = ((d[p + 2] << 8) | d[p + 3]) & 0xfff8;
      const more = (d[p + 3] & 1) !== 0;
      if (fo === 0 && !more) {
        // Atomic fragment (RFC 6946): a whole datagram with a fragment header.
        nh = d[p];
        p += 8;
        continue;
      }
      if (c.reassembled) return c.malformed('ipv6_nested_fragment');
      c.stats.fragments++;
      if (c.missing !== 0) return fragmentCut(c);
      const id = ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0;
      const buf = c.defrag.addIpv6(d, ipStart, p - ipStart, p + 8, c.end, fo, more, id, d[p], c.ts);
      if (buf === null) return STOP;
      d = buf;
      c.data = buf;
      c.reassembled = true;
      c.addrOff = 8;
      c.end = buf.length;
      ipStart = 0;
      p = c.defrag.resultHeaderLength;
      nh = c.defrag.resultProto;
      continue;
    }
    const len = kind === EXT_AH ? (d[p + 1] + 2) << 2 : (d[p + 1] + 1) << 3;
    if (p + len > c.end) return extTruncated(c);
    nh = d[p];
    p += len;
  }
}

function extTruncated(c: DecodeContext): number {
  return c.malformed(c.missing !== 0 ? 'ipv6_truncated' : 'ipv6_bad_ext_header');
}

/** Network decoders indexed by ethertype (null: not IP, counted as non-IP). */
export const NETWORK_DECODERS: (NetworkDecoder | null)[] = (() => {
  const t: (NetworkDecoder | null)[] = new Array<NetworkDecoder | null>(0x10000).fill(null);
  t[0x8100] = vlanTag;
  t[0x88a8] = vlanTag;
  t[0x9100] = vlanTag;
  t[ETHERTYPE_IPV4] = ipv4;
  t[ETHERTYPE_IPV6] = ipv6;
  return t;
})();
