/**
 * Lists the network interfaces a live capture can use, with what the wizard and the health page show about them:
 * addresses, flags, MAC, link state and speed, and the kernel's receive counters. Sources, merged by interface name:
 * libpcap's device list (through `cap`; decides what is capturable), `os.networkInterfaces()` (addresses with
 * netmasks), /sys/class/net/<if>/* (MAC, flags, operstate, carrier, speed, MTU, index, hardware type) and
 * /proc/net/dev (counters). Every field that cannot be read is null rather than an error.
 *
 * Also home of the lazy `cap` loader shared with the live capture source, so that merely importing this module
 * never loads the native addon.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo as OsInterfaceAddress } from 'node:os';
import { join } from 'node:path';
import type * as CapNamespace from 'cap';
import type { CapDevice } from 'cap';

/** The `cap` module's exports. */
export type CapModule = typeof CapNamespace;

/** One IPv4 or IPv6 address of an interface. */
export interface InterfaceAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  /** Dotted (IPv4) or colon (IPv6) netmask; null when unknown. */
  netmask: string | null;
  /** Prefix length derived from the netmask; null when unknown or not contiguous. */
  prefixLength: number | null;
  /** IPv4 broadcast address when libpcap reports one. */
  broadcast: string | null;
}

/** Interface flags (from /sys/class/net/<if>/flags and operstate, or libpcap's loopback flag). */
export interface InterfaceFlags {
  up: boolean;
  /** Up and operationally up (what `ip link` shows as LOWER_UP/RUNNING). */
  running: boolean;
  loopback: boolean;
  /** The NIC is currently in promiscuous mode (for instance because a capture is open). */
  promiscuous: boolean;
}

/** Kernel interface counters from /proc/net/dev, cumulative since the interface appeared. */
export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  /** The "drop" column: rx_dropped + rx_missed_errors (NIC/driver could not take the packet). */
  rxDropped: number;
  /** rx_fifo_errors (receive ring overruns on most drivers). */
  rxFifo: number;
  rxFrame: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/** Everything known about one capturable interface. */
export interface NetworkInterfaceInfo {
  name: string;
  /** libpcap's description (set for pseudo devices such as 'any'); null for ordinary interfaces. */
  description: string | null;
  /** True for the 'any' pseudo device (captures on all interfaces, Linux cooked link type, no promiscuous mode). */
  pseudo: boolean;
  /** Kernel interface index; null when unknown. */
  index: number | null;
  /** MAC address, lower-case colon form; null when the interface has none or it cannot be read. */
  mac: string | null;
  /** ARPHRD_* hardware type (1 Ethernet, 772 loopback, ...); null when unknown. */
  hardwareType: number | null;
  mtu: number | null;
  /** Kernel operstate ('up', 'down', 'unknown', 'dormant', ...); null when unreadable. */
  operState: string | null;
  /** Physical link detected; null when the driver cannot tell (for instance while the interface is down). */
  carrier: boolean | null;
  /** Link speed in Mbit/s; null when unknown (virtual NICs, link down). */
  speedMbps: number | null;
  flags: InterfaceFlags | null;
  addresses: InterfaceAddress[];
  counters: InterfaceCounters | null;
}

/** Options of {@link listInterfaces}. */
export interface ListInterfacesOptions {
  /** Include libpcap's 'any' pseudo device (default false). */
  includeAny?: boolean;
}

/** Where {@link describeInterfaces} reads the system from (real paths in production, fixtures in tests). */
export interface InterfaceSources {
  /** libpcap's device list. */
  devices: CapDevice[];
  /** `os.networkInterfaces()`. */
  os: NodeJS.Dict<OsInterfaceAddress[]>;
  /** Directory holding class/net (normally '/sys'). */
  sysRoot: string;
  /** Text of /proc/net/dev, or null when unreadable. */
  procNetDev: string | null;
}

/** libpcap devices that are not network interfaces; used only where /sys/class/net is unavailable. */
const PSEUDO_DEVICE = /^(any|bluetooth.*|nflog|nfqueue|dbus-.*|usbmon\d*|rdma.*)$/;

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const IFF_PROMISC = 0x100;

let capModule: CapModule | null = null;

/**
 * Loads the `cap` native addon on first use. Throws when it cannot be loaded (libpcap missing, or called in a
 * worker_thread after the main thread loaded it: the addon is not context-aware).
 */
export function loadCap(): CapModule {
  if (capModule === null) {
    const loadCjs = createRequire(import.meta.url);
    capModule = loadCjs('cap') as CapModule;
  }
  return capModule;
}

/**
 * Every capturable network interface, in libpcap's order. Pseudo devices that are not network interfaces
 * ('bluetooth-monitor', 'nflog', 'nfqueue', 'dbus-system', 'dbus-session', 'usbmon*') are dropped; 'any' only
 * with `includeAny`. Throws only when the `cap` addon cannot be loaded or libpcap cannot list devices.
 */
export function listInterfaces(opts: ListInterfacesOptions = {}): NetworkInterfaceInfo[] {
  const infos = describeInterfaces({
    devices: loadCap().Cap.deviceList(),
    os: networkInterfaces(),
    sysRoot: '/sys',
    procNetDev: readText('/proc/net/dev'),
  });
  return opts.includeAny === true ? infos : infos.filter((i) => !i.pseudo);
}

/**
 * Merges the given sources into interface descriptions (the 'any' device included, marked `pseudo`). Devices
 * that are not kernel network interfaces are dropped: with a readable `<sysRoot>/class/net`, anything without an
 * entry there; otherwise anything matching a list of known pseudo-device names.
 */
export function describeInterfaces(src: InterfaceSources): NetworkInterfaceInfo[] {
  const netDir = join(src.sysRoot, 'class', 'net');
  const haveSys = existsSync(netDir);
  const counters = src.procNetDev === null ? new Map<string, InterfaceCounters>() : parseProcNetDev(src.procNetDev);
  const out: NetworkInterfaceInfo[] = [];
  for (const dev of src.devices) {
    const name = dev.name;
    const pseudo = name === 'any';
    if (!pseudo) {
      if (haveSys ? !isSafeName(name) || !existsSync(join(netDir, name)) : PSEUDO_DEVICE.test(name)) continue;
    }
    const dir = join(netDir, name);
    const sysOk = haveSys && !pseudo;
    const flagBits = sysOk ? readHex(join(dir, 'flags')) : null;
    const operState = sysOk ? readText(join(dir, 'operstate')) : null;
    const carrierNum = sysOk ? readInt(join(dir, 'carrier')) : null;
    const speed = sysOk ? readInt(join(dir, 'speed')) : null;
    const loopbackByPcap = dev.flags === 'PCAP_IF_LOOPBACK';
    let flags: InterfaceFlags | null = null;
    if (flagBits !== null) {
      const up = (flagBits & IFF_UP) !== 0;
      flags = {
        up,
        running: up && (operState === 'up' || operState === 'unknown'),
        loopback: (flagBits & IFF_LOOPBACK) !== 0 || loopbackByPcap,
        promiscuous: (flagBits & IFF_PROMISC) !== 0,
      };
    } else if (loopbackByPcap) {
      flags = { up: true, running: true, loopback: true, promiscuous: false };
    }
    const osAddrs = src.os[name];
    out.push({
      name,
      description: dev.description ?? null,
      pseudo,
      index: sysOk ? readInt(join(dir, 'ifindex')) : null,
      mac: normaliseMac(sysOk ? readText(join(dir, 'address')) : null, osAddrs),
      hardwareType: sysOk ? readInt(join(dir, 'type')) : null,
      mtu: sysOk ? readInt(join(dir, 'mtu')) : null,
      operState,
      carrier: carrierNum === null ? null : carrierNum === 1,
      speedMbps: speed !== null && speed > 0 ? speed : null,
      flags,
      addresses: mergeAddresses(dev, osAddrs),
      counters: counters.get(name) ?? null,
    });
  }
  return out;
}

/**
 * Parses /proc/net/dev into counters by interface name. Lines that do not have the 16 numeric columns are skipped.
 * (The name is separated by the first ':' — interface names cannot contain one — and large counters may touch it.)
 */
export function parseProcNetDev(text: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const cols = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === '' || cols.length < 16 || cols.some((n) => !Number.isFinite(n))) continue;
    out.set(name, {
      rxBytes: cols[0],
      rxPackets: cols[1],
      rxErrors: cols[2],
      rxDropped: cols[3],
      rxFifo: cols[4],
      rxFrame: cols[5],
      rxMulticast: cols[7],
      txBytes: cols[8],
      txPackets: cols[9],
      txErrors: cols[10],
      txDropped: cols[11],
    });
  }
  return out;
}

/** Current /proc/net/dev counters of one interface; null when it is not listed or the file is unreadable. */
export function readInterfaceCounters(name: string): InterfaceCounters | null {
  const text = readText('/proc/net/dev');
  return text === null ? null : (parseProcNetDev(text).get(name) ?? null);
}

/**
 * Whether `name` is a kernel network interface of this host (has a /sys/class/net entry); null when /sys is not
 * available, so the caller cannot tell.
 */
export function isNetworkInterface(name: string): boolean | null {
  if (!existsSync('/sys/class/net')) return null;
  return isSafeName(name) && existsSync(join('/sys/class/net', name));
}

/** Names of the kernel network interfaces (from /sys/class/net), sorted; empty when unreadable. */
export function kernelInterfaceNames(): string[] {
  try {
    return readdirSync('/sys/class/net').sort();
  } catch {
    return [];
  }
}

/** Prefix length of a contiguous IPv4 or IPv6 netmask ('255.255.255.0' → 24, 'ffff:ffff::' → 32); null otherwise. */
export function netmaskPrefixLength(mask: string): number | null {
  let bits: number[];
  if (mask.includes('.')) {
    const parts = mask.split('.');
    if (parts.length !== 4) return null;
    bits = parts.map(Number);
    if (bits.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null;
    bits = bits.flatMap((b) => [b >> 4, b & 15]);
  } else {
    const nibbles = expandIpv6(mask);
    if (nibbles === null) return null;
    bits = nibbles;
  }
  let len = 0;
  let i = 0;
  for (; i < bits.length && bits[i] === 15; i++) len += 4;
  if (i < bits.length) {
    const partial = [0, 8, 12, 14].indexOf(bits[i]);
    if (partial < 0) return null;
    len += partial;
    for (i++; i < bits.length; i++) if (bits[i] !== 0) return null;
  }
  return len;
}

/** The 32 nibbles of an IPv6 address in colon form, or null when it is not one. */
function expandIpv6(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || head.length + tail.length + fill !== 8) return null;
  const groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
  const out: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out.push(v >> 12, (v >> 8) & 15, (v >> 4) & 15, v & 15);
  }
  return out;
}

function mergeAddresses(dev: CapDevice, osAddrs: OsInterfaceAddress[] | undefined): InterfaceAddress[] {
  const broadcastOf = new Map<string, string>();
  for (const a of dev.addresses) if (a.addr !== undefined && a.broadaddr !== undefined) broadcastOf.set(a.addr, a.broadaddr);
  const out: InterfaceAddress[] = [];
  if (osAddrs !== undefined && osAddrs.length > 0) {
    for (const a of osAddrs) {
      const family = a.family === 'IPv6' ? 'IPv6' : 'IPv4';
      out.push({
        family,
        address: a.address,
        netmask: a.netmask,
        prefixLength: netmaskPrefixLength(a.netmask),
        broadcast: broadcastOf.get(a.address) ?? null,
      });
    }
    return out;
  }
  for (const a of dev.addresses) {
    if (a.addr === undefined) continue;
    const netmask = a.netmask ?? null;
    out.push({
      family: a.addr.includes(':') ? 'IPv6' : 'IPv4',
      address: a.addr,
      netmask,
      prefixLength: netmask === null ? null : netmaskPrefixLength(netmask),
      broadcast: a.broadaddr ?? null,
    });
  }
  return out;
}

function normaliseMac(sysMac: string | null, osAddrs: OsInterfaceAddress[] | undefined): string | null {
  const mac = sysMac ?? osAddrs?.[0]?.mac ?? null;
  if (mac === null) return null;
  const m = mac.toLowerCase();
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(m) ? m : null;
}

function isSafeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/');
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function readInt(path: string): number | null {
  const t = readText(path);
  if (t === null || !/^-?\d+$/.test(t)) return null;
  return Number(t);
}

function readHex(path: string): number | null {
  const t = readText(path);
  if (t === null || !/^0x[0-9a-fA-F]+$/.test(t)) return null;
  return parseInt(t.slice(2), 16);
}
