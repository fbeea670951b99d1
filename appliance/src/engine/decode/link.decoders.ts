/**
 * Link-layer decoders and the table that dispatches to them by LINKTYPE. Each decoder checks its header (at
 * `ctx.off`, the frame's start in `ctx.data`), moves `ctx.off` past it and returns the ethertype of what follows (the key of the network table), or STOP after
 * counting the packet's outcome. Link types without an ethertype (NULL, LOOP, RAW) translate their address family
 * or IP version into the IPv4/IPv6 ethertype so that everything meets in the same network table.
 */
import { LinkType } from '../packet.types.ts';
import { type DecodeContext, ETHERTYPE_LLC, STOP } from './decode.context.ts';

/** A link-layer decoder: returns the ethertype of the payload, or STOP. */
export type LinkDecoder = (c: DecodeContext) => number;

/** Ethertype of IPv4. */
export const ETHERTYPE_IPV4 = 0x0800;
/** Ethertype of IPv6. */
export const ETHERTYPE_IPV6 = 0x86dd;

function ethernet(c: DecodeContext): number {
  const o = c.off;
  if (c.end - o < 14) return c.malformed('eth_truncated');
  const d = c.data;
  c.off = o + 14;
  const et = (d[o + 12] << 8) | d[o + 13];
  return et < 0x0600 ? ETHERTYPE_LLC : et;
}

/** Linux cooked capture v1: packet type, ARPHRD, address length, 8-byte address, protocol at offset 14. */
function linuxSll(c: DecodeContext): number {
  const o = c.off;
  if (c.end - o < 16) return c.malformed('sll_truncated');
  const d = c.data;
  c.off = o + 16;
  return (d[o + 14] << 8) | d[o + 15];
}

/** Linux cooked capture v2: protocol at offset 0, 20-byte header. */
function linuxSll2(c: DecodeContext): number {
  const o = c.off;
  if (c.end - o < 20) return c.malformed('sll2_truncated');
  const d = c.data;
  c.off = o + 20;
  return (d[o] << 8) | d[o + 1];
}

/** Raw IP: the version is the first nibble. */
function raw(c: DecodeContext): number {
  if (c.end - c.off < 1) return c.malformed('raw_truncated');
  const v = c.data[c.off] >> 4;
  if (v === 4) return ETHERTYPE_IPV4;
  if (v === 6) return ETHERTYPE_IPV6;
  return c.malformed('raw_bad_version');
}

function rawIpv4(_c: DecodeContext): number {
  return ETHERTYPE_IPV4;
}

function rawIpv6(_c: DecodeContext): number {
  return ETHERTYPE_IPV6;
}

/** BSD address family → ethertype (AF_INET 2; AF_INET6 is 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS). */
function familyToEthertype(af: number): number {
  if (af === 2) return ETHERTYPE_IPV4;
  if (af === 24 || af === 28 || af === 30) return ETHERTYPE_IPV6;
  return STOP;
}

function nonIpFamily(c: DecodeContext): number {
  c.stats.nonIp++;
  return STOP;
}

/** BSD loopback: 4-byte address family in the capturing host's byte order, which the file does not say: try both. */
function bsdNull(c: DecodeContext): number {
  const o = c.off;
  if (c.end - o < 4) return c.malformed('null_truncated');
  const d = c.data;
  c.off = o + 4;
  let et = familyToEthertype(d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24));
  if (et === STOP) et = familyToEthertype((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]);
  return et === STOP ? nonIpFamily(c) : et;
}

/** OpenBSD loopback: 4-byte address family in network byte order. */
function bsdLoop(c: DecodeContext): number {
  const o = c.off;
  if (c.end - o < 4) return c.malformed('loop_truncated');
  const d = c.data;
  c.off = o + 4;
  const et = familyToEthertype((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]);
  return et === STOP ? nonIpFamily(c) : et;
}

/** Link decoders indexed by LINKTYPE (null where unsupported). */
export const LINK_DECODERS: (LinkDecoder | null)[] = (() => {
  const t: (LinkDecoder | null)[] = new Array<LinkDecoder | null>(LinkType.LINUX_SLL2 + 1).fill(null);
  t[LinkType.NULL] = bsdNull;
  t[LinkType.ETHERNET] = ethernet;
  t[LinkType.RAW] = raw;
  t[LinkType.LOOP] = bsdLoop;
  t[LinkType.LINUX_SLL] = linuxSll;
  t[LinkType.IPV4] = rawIpv4;
  t[LinkType.IPV6] = rawIpv6;
  t[LinkType.LINUX_SLL2] = linuxSll2;
  return t;
})();
