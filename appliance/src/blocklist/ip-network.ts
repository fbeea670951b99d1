/**
 * IPv4/IPv6 addresses and CIDR networks (the block list, the watch/ignore scope, policies): strict parsing (no zone ids, no leading-zero octets),
 * canonical text (IPv6 compressed per RFC 5952, host bits of a network cleared, `/32` and `/128` written as the bare
 * address) so the same network is never listed twice under two spellings.
 */
import { isIP } from 'node:net';
import { formatIpv6Groups } from '../engine/ip.format.ts';

/** A parsed address or network. */
export interface IpNetwork {
  family: 4 | 6;
  /** Network address bits (host bits cleared). */
  bits: bigint;
  prefix: number;
  /** Canonical text. */
  text: string;
}

function v4Bits(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function v6Bits(s: string): bigint | null {
  if (isIP(s) !== 6 || s.includes('%')) return null;
  let text = s;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const n = v4Bits(v4[1]);
    if (n === null) return null;
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Canonical text of an address given as bits: dotted quad, or RFC 5952 groups (mapped IPv4 stays in hex). */
function bitsText(family: 4 | 6, bits: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((bits >> sh) & 0xffn)).join('.');
  return formatIpv6Groups(Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt((7 - i) * 16)) & 0xffffn)));
}

/** An address (no prefix) as family and bits; null when it is not a plain IPv4 or IPv6 address. */
export function ipBits(addr: string): { family: 4 | 6; bits: bigint } | null {
  const v4 = v4Bits(addr);
  if (v4 !== null) return { family: 4, bits: v4 };
  const v6 = v6Bits(addr.toLowerCase());
  return v6 === null ? null : { family: 6, bits: v6 };
}

/** Parses `input` (address or CIDR); returns why it is invalid as a string, or the network. */
export function parseIpNetwork(input: string): IpNetwork | string {
  const s = input.trim().toLowerCase();
  if (s === '' || s.length > 50) return 'empty or too long';
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const family: 4 | 6 | 0 = v4Bits(addr) !== null ? 4 : v6Bits(addr) !== null ? 6 : 0;
  if (family === 0) return 'not an IPv4 or IPv6 address';
  const width = family === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > width) return `the prefix length must be 0–${width}`;
    prefix = Number(p);
  }
  if (prefix === 0) return 'a /0 network would block everything';
  const raw = family === 4 ? v4Bits(addr)! : v6Bits(addr)!;
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  const bits = raw & mask;
  const base = bitsText(family, bits);
  return { family, bits, prefix, text: prefix === width ? base : `${base}/${prefix}` };
}
