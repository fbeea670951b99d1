/**
 * Which calls the appliance watches: the "hosts and networks to watch or ignore" setting. Entries are host names
 * (`api.example.com`), wildcard names (`*.example.com` matches sub-domains, not the apex), IPv4/IPv6 addresses or
 * CIDR networks matched against the server address. An empty watch list watches everything; ignore wins over watch.
 */
import { isIP } from 'node:net';
import { ipBits } from '../blocklist/ip-network.ts';

/** The watch/ignore lists as stored in settings. */
export interface HostScope {
  watch: string[];
  ignore: string[];
}

interface Cidr {
  v: 4 | 6;
  bits: bigint;
  mask: bigint;
}

interface Compiled {
  exact: Set<string>;
  suffixes: string[];
  nets: Cidr[];
}

/** Checks one entry; returns why it is invalid, or null when it is valid. */
export function hostEntryError(entry: string): string | null {
  const e = entry.trim();
  if (e === '' || e.length > 253) return 'empty or too long';
  const slash = e.indexOf('/');
  if (slash >= 0) {
    const ip = ipBits(e.slice(0, slash));
    const len = Number(e.slice(slash + 1));
    if (ip === null || !/^\d{1,3}$/.test(e.slice(slash + 1)) || len > (ip.family === 4 ? 32 : 128)) return 'not a valid CIDR network';
    return null;
  }
  if (isIP(e) !== 0) return null;
  if (!/^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_-]{1,63})*(:\d{1,5})?$/i.test(e)) return 'not a host name, address or network';
  return null;
}

function compile(entries: readonly string[]): Compiled {
  const c: Compiled = { exact: new Set(), suffixes: [], nets: [] };
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (hostEntryError(e) !== null) continue;
    const slash = e.indexOf('/');
    if (slash >= 0) {
      const ip = ipBits(e.slice(0, slash))!;
      const width = ip.family === 4 ? 32n : 128n;
      const len = BigInt(Number(e.slice(slash + 1)));
      const mask = len === 0n ? 0n : ((1n << len) - 1n) << (width - len);
      c.nets.push({ v: ip.family, bits: ip.bits & mask, mask });
    } else if (e.startsWith('*.')) c.suffixes.push(e.slice(1));
    else c.exact.add(e);
  }
  return c;
}

function matches(c: Compiled, host: string, serverIp: string): boolean {
  if (c.exact.size > 0 && (c.exact.has(host) || c.exact.has(serverIp))) return true;
  if (c.exact.size > 0 && host.includes(':')) {
    const bare = host.replace(/:\d+$/, '');
    if (c.exact.has(bare)) return true;
  }
  for (const s of c.suffixes) if (host.endsWith(s) || host.replace(/:\d+$/, '').endsWith(s)) return true;
  if (c.nets.length > 0) {
    const ip = ipBits(serverIp);
    if (ip !== null) for (const n of c.nets) if (n.v === ip.family && (ip.bits & n.mask) === n.bits) return true;
  }
  return false;
}

/** A compiled scope; `accepts` is called once per call with its host (lower case) and server address. */
export class HostFilter {
  private readonly watch: Compiled;
  private readonly ignore: Compiled;
  private readonly watchAll: boolean;
  private readonly ignoreNone: boolean;

  constructor(scope: HostScope) {
    this.watch = compile(scope.watch);
    this.ignore = compile(scope.ignore);
    this.watchAll = scope.watch.length === 0;
    this.ignoreNone = scope.ignore.length === 0;
  }

  /** Whether the call to `host` (server `serverIp`) is watched. */
  accepts(host: string, serverIp: string): boolean {
    if (!this.ignoreNone && matches(this.ignore, host, serverIp)) return false;
    return this.watchAll || matches(this.watch, host, serverIp);
  }
}
