/**
 * Live packet capture from a named network interface through libpcap (npm `cap` 0.2.1), handing each packet to the
 * engine's synchronous sink. What `cap` offers and lacks shapes this file (all checked against its binding.cc):
 *
 * - Packets: libpcap copies each packet into ONE Buffer we own; the sink gets a RawPacket whose `data` is a view of
 *   that Buffer, valid only during the call (the sink contract). The RawPacket object itself is reused as well.
 * - No timestamps: `ts` is taken when the packet reaches JavaScript, from a monotonic clock anchored to the wall
 *   clock at start (see {@link LiveCaptureSource}). Latency between the kernel and us is therefore in it.
 * - No original length: `cap` only says whether the packet overflowed our Buffer. For a packet that may have been
 *   cut (overflowed, or as long as libpcap's fixed 65535-byte snap length), `origLen` is recovered from the IPv4/IPv6
 *   length field so the decoder treats it as truncated rather than malformed.
 * - Snap length: `cap` always asks libpcap for 65535 bytes; our `snaplen` option is applied as the size of the copy
 *   Buffer (the kernel still copies up to 65535 bytes per packet into its ring).
 * - Promiscuous mode: `cap` always turns it on (pcap_set_promisc(1)). `promiscuous: false` on an Ethernet interface
 *   is emulated with a BPF prefix keeping only frames to or from the interface's MAC, broadcast and multicast — what
 *   a non-promiscuous capture delivers — but the NIC itself still shows PROMISC while the capture is open.
 * - No pcap_stats: kernel ring drops (tp_drops) cannot be read, and /proc/net/packet has no drops column on Linux.
 *   `drops` is the best available estimate: the interface's NIC/driver drops from /proc/net/dev (the "drop" and
 *   "fifo" columns: rx_dropped + rx_missed_errors + rx_fifo_errors) since start. Losses in the packet socket's own
 *   ring are not visible here; they show up downstream as TCP gaps.
 * - Crash hazards: garbage-collecting any `Cap` can segfault the process (its destructor emits an async-hooks event
 *   inside a GC callback), and a `Cap` whose open() threw aborts the process when closed or re-opened. So every Cap
 *   is kept referenced forever and never reused; the interface, its state and the capability are checked before
 *   libpcap is touched, and a non-empty filter is compiled first in a short-lived child process (the only way to
 *   test it without risking this process).
 * - Threads: the addon is not context-aware and polls on the main thread's libuv loop; capturing in a worker_thread
 *   aborts the process on the first packet. {@link LiveCaptureSource.start} refuses to run off the main thread.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import type { Cap } from 'cap';
import { LinkType } from '../packet.types.ts';
import type { PacketSink, RawPacket, SourceStats } from '../packet.types.ts';
import { isNetworkInterface, kernelInterfaceNames, loadCap, readInterfaceCounters } from './network-interfaces.reader.ts';
import type { InterfaceCounters } from './network-interfaces.reader.ts';

/** Options of a {@link LiveCaptureSource}. */
export interface LiveCaptureOptions {
  /** Interface name as listed by `listInterfaces()` (for instance 'eth1', 'lo', or 'any'). */
  iface: string;
  /** BPF filter expression (pcap-filter(7)); empty or absent captures everything. */
  bpf?: string;
  /** Deliver frames not addressed to this host too (default true). See the file comment for how false is applied. */
  promiscuous?: boolean;
  /** Kernel capture ring size in bytes (default 64 MiB). */
  bufferBytes?: number;
  /** Bytes kept per packet, 64..65535 (default 65535). */
  snaplen?: number;
}

/** Why a live capture could not start. */
export type LiveCaptureErrorCode =
  | 'no_such_interface'
  | 'interface_down'
  | 'permission_denied'
  | 'invalid_filter'
  | 'worker_thread'
  | 'cap_unavailable'
  | 'already_started'
  | 'open_failed';

/** A live capture that could not start, with a message meant for the operator and a stable `code`. */
export class LiveCaptureError extends Error {
  override name = 'LiveCaptureError';
  /** Stable reason id. */
  readonly code: LiveCaptureErrorCode;

  /** Creates an error with a reason id and an operator-readable message. */
  constructor(code: LiveCaptureErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Counters of a live capture: the common source counters plus where the drop estimate comes from. */
export interface LiveCaptureStats extends SourceStats {
  /**
   * Best drop estimate: the interface's NIC/driver receive drops since start (see `ifaceRxDropped`); null when
   * /proc/net/dev cannot be read for this interface (for instance the 'any' device).
   */
  drops: number | null;
  /** What `drops` is computed from: 'proc_net_dev' (NIC/driver drops of the interface), or 'none'. */
  dropsSource: 'proc_net_dev' | 'none';
  /** rx_dropped + rx_missed_errors + rx_fifo_errors of the interface since start (/proc/net/dev); null when unknown. */
  ifaceRxDropped: number | null;
  /** Packets the interface received since start (/proc/net/dev), for comparison with `packets`; null when unknown. */
  ifaceRxPackets: number | null;
  /**
   * Drops in the capture socket's own ring. Always null: `cap` has no pcap_stats binding and Linux exposes the
   * counter (tp_drops) only through getsockopt on the socket, which JavaScript cannot reach.
   */
  kernelDrops: null;
  /** Packets longer than `snaplen` (data cut, `origLen` recovered from the IP header where possible). */
  truncated: number;
}

const DEFAULT_BUFFER = 64 << 20;
/** The snap length `cap` always gives libpcap. */
const CAP_SNAPLEN = 65535;
const MIN_SNAPLEN = 64;
const MIN_BUFFER = 64 << 10;
const CAP_NET_RAW_BIT = 13;
/** Ring size the child process uses to test a filter. */
const VALIDATE_BUFFER = 256 << 10;
/** Wall-clock checks for a forward step of the system clock happen at most this often (ms of monotonic time). */
const CLOCK_CHECK_MS = 1000;
/** A wall clock ahead of our timestamps by more than this (µs) was stepped forward (NTP sync at boot): re-anchor. */
const CLOCK_STEP_US = 1_000_000;

/** `cap` link-type strings (the value open() returns) and the LINKTYPE_* numbers they stand for. */
const CAP_LINK_TYPES: ReadonlyMap<string, number> = new Map([
  ['NULL', LinkType.NULL],
  ['ETHERNET', LinkType.ETHERNET],
  ['RAW', LinkType.RAW],
  ['LINKTYPE_LINUX_SLL', LinkType.LINUX_SLL],
  ['IEEE802_11_RADIO', 127],
]);

/**
 * Every `Cap` ever created, kept for the life of the process: cap 0.2.1 must never garbage-collect one. Its
 * destructor runs inside V8's weak callback and emits an async-hooks destroy there, which intermittently segfaults
 * the process (seen in Node 20); for an instance whose open() threw it also stops a never-initialised poll handle,
 * which aborts. The cost is one small object per start() (the libpcap handle itself is closed and freed).
 */
const retainedHandles: Cap[] = [];

/**
 * Child-process program: opens the interface without and then with the filter (argv: cap path, iface, filter, ring
 * size) and prints a JSON result naming the stage that failed, if any.
 */
const VALIDATOR = `
const { Cap } = require(process.argv[1]);
const [iface, filter, size] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const report = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
let c = new Cap();
try { c.open(iface, '', size, Buffer.alloc(256)); c.close(); } catch (e) { report({ stage: 'open', message: String(e && e.message) }); }
c = new Cap();
try { c.open(iface, filter, size, Buffer.alloc(256)); c.close(); } catch (e) { report({ stage: 'filter', message: String(e && e.message) }); }
report({ ok: true });
`;

/**
 * Maps the string `cap`'s open() returns to a LINKTYPE_* number: the named ones through a table, 'Unknown linktype
 * <n>' to n (libpcap DLT numbers equal LINKTYPE numbers for every type cap does not name, e.g. 276 = LINUX_SLL2);
 * -1 when the string is neither.
 */
export function capLinkType(s: string): number {
  const known = CAP_LINK_TYPES.get(s);
  if (known !== undefined) return known;
  const m = /^Unknown linktype (\d+)$/.exec(s);
  return m === null ? -1 : Number(m[1]);
}

/**
 * The wire length of a packet whose captured bytes may have been cut: the end of its IPv4/IPv6 datagram, read
 * from the IP header after the link header (Ethernet with VLAN tags, Linux SLL/SLL2, raw IP, BSD loopback).
 * Returns `data.length` when the header is not there or says less.
 */
export function recoverOrigLen(linkType: number, data: Buffer): number {
  const len = data.length;
  let off: number;
  // 4 or 6 from the link header, -1 when it names another protocol, 0 when the IP header must tell.
  let ipVersion = 0;
  switch (linkType) {
    case LinkType.ETHERNET: {
      off = 14;
      if (len < off) return len;
      let type = (data[12] << 8) | data[13];
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && off + 4 <= len) {
        type = (data[off + 2] << 8) | data[off + 3];
        off += 4;
      }
      ipVersion = type === 0x0800 ? 4 : type === 0x86dd ? 6 : -1;
      break;
    }
    case LinkType.LINUX_SLL:
      off = 16;
      if (len < off) return len;
      ipVersion = data[14] === 0x08 && data[15] === 0x00 ? 4 : data[14] === 0x86 && data[15] === 0xdd ? 6 : -1;
      break;
    case LinkType.LINUX_SLL2:
      off = 20;
      if (len < off) return len;
      ipVersion = data[0] === 0x08 && data[1] === 0x00 ? 4 : data[0] === 0x86 && data[1] === 0xdd ? 6 : -1;
      break;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      off = 0;
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      off = 4;
      break;
    default:
      return len;
  }
  if (off >= len) return len;
  if (ipVersion === 0) ipVersion = data[off] >> 4;
  let end = 0;
  if (ipVersion === 4 && off + 4 <= len && data[off] >> 4 === 4) end = off + ((data[off + 2] << 8) | data[off + 3]);
  else if (ipVersion === 6 && off + 6 <= len && data[off] >> 4 === 6) {
    const payload = (data[off + 4] << 8) | data[off + 5];
    if (payload !== 0) end = off + 40 + payload;
  }
  return end > len ? end : len;
}

/**
 * Whether the effective capabilities of this process include CAP_NET_RAW (from /proc/self/status); null when that
 * cannot be read (non-Linux), so the caller cannot tell.
 */
export function hasCapNetRaw(): boolean | null {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(status);
  if (m === null) return null;
  const low = parseInt(m[1].slice(-8), 16);
  return (low & (1 << CAP_NET_RAW_BIT)) !== 0;
}

/**
 * The BPF expression a capture actually uses: the user's filter, prefixed (when `nonPromiscMac` is given) with a
 * clause keeping only what a non-promiscuous capture on that MAC would see.
 */
export function effectiveFilter(bpf: string, nonPromiscMac: string | null): string {
  const user = bpf.trim();
  if (nonPromiscMac === null) return user;
  const own = `(ether dst ${nonPromiscMac} or ether src ${nonPromiscMac} or ether multicast)`;
  return user === '' ? own : `${own} and (${user})`;
}

/**
 * Live capture from one interface. Use: `const src = new LiveCaptureSource({ iface: 'eth1' }); src.start(sink);`
 * ... `src.stop()`. Packets arrive on the main thread's event loop, one synchronous sink call each. `start()` may be
 * called again after `stop()` (a new libpcap handle is opened); counters restart.
 *
 * Timestamps are microseconds since the epoch: the wall clock read at start plus `performance.now()` elapsed
 * (CLOCK_MONOTONIC, the clock process.hrtime.bigint() reads, without a BigInt per packet), so they never go back.
 * When the wall clock is stepped forward (NTP's first sync on a fresh VM) they follow it within a second; a
 * backward step is ignored until the next start.
 */
export class LiveCaptureSource {
  /** Interface captured on. */
  readonly iface: string;
  /** User BPF filter ('' for none). */
  readonly bpf: string;
  /** Whether frames not addressed to this host are delivered (see the file comment). */
  readonly promiscuous: boolean;
  /** Kernel ring size requested. */
  readonly bufferBytes: number;
  /** Bytes kept per packet. */
  readonly snaplen: number;

  private cap: Cap | null = null;
  private readonly buf: Buffer;
  private sink: PacketSink | null = null;
  private lt = -1;
  private readonly pkt: RawPacket = { ts: 0, linkType: -1, data: Buffer.alloc(0), origLen: 0, ifIndex: 0 };

  private packets = 0;
  private bytes = 0;
  private truncatedCount = 0;
  private errors: Record<string, number> = {};
  private lastSinkError: unknown = null;
  private baseCounters: InterfaceCounters | null = null;
  private finalCounters: InterfaceCounters | null = null;

  private wallAnchorUs = 0;
  private monoAnchorMs = 0;
  private nextClockCheckMs = 0;
  private lastTs = 0;

  /** Validates the options (RangeError when out of bounds); nothing is opened before `start()`. */
  constructor(opts: LiveCaptureOptions) {
    this.iface = opts.iface;
    this.bpf = (opts.bpf ?? '').trim();
    this.promiscuous = opts.promiscuous ?? true;
    this.bufferBytes = opts.bufferBytes ?? DEFAULT_BUFFER;
    this.snaplen = opts.snaplen ?? CAP_SNAPLEN;
    if (typeof this.iface !== 'string' || this.iface === '') throw new RangeError('iface must be a non-empty interface name');
    if (!Number.isInteger(this.bufferBytes) || this.bufferBytes < MIN_BUFFER || this.bufferBytes > 0x7fffffff) {
      throw new RangeError(`bufferBytes must be an integer from ${MIN_BUFFER} to 2147483647, got ${this.bufferBytes}`);
    }
    if (!Number.isInteger(this.snaplen) || this.snaplen < MIN_SNAPLEN || this.snaplen > CAP_SNAPLEN) {
      throw new RangeError(`snaplen must be an integer from ${MIN_SNAPLEN} to ${CAP_SNAPLEN}, got ${this.snaplen}`);
    }
    this.buf = Buffer.allocUnsafe(this.snaplen);
  }

  /** LINKTYPE_* of the open interface (-1 before the first `start()`). */
  get linkType(): number {
    return this.lt;
  }

  /** Whether a capture is open. */
  get running(): boolean {
    return this.cap !== null;
  }

  /** The last exception the sink threw (counted as `live_sink_exception`), or null. */
  get sinkError(): unknown {
    return this.lastSinkError;
  }

  /**
   * A snapshot of the counters since the last `start()`. `packets` and `bytes` count what was handed to the sink
   * (`bytes` = captured bytes). Reading it reads /proc/net/dev while running: call it periodically, not per packet.
   */
  get stats(): LiveCaptureStats {
    const now = this.cap !== null ? readInterfaceCounters(this.iface) : this.finalCounters;
    const base = this.baseCounters;
    const known = base !== null && now !== null;
    const rxDropped = known ? Math.max(0, now.rxDropped + now.rxFifo - base.rxDropped - base.rxFifo) : null;
    return {
      packets: this.packets,
      bytes: this.bytes,
      drops: rxDropped,
      errors: { ...this.errors },
      dropsSource: known ? 'proc_net_dev' : 'none',
      ifaceRxDropped: rxDropped,
      ifaceRxPackets: known ? Math.max(0, now.rxPackets - base.rxPackets) : null,
      kernelDrops: null,
      truncated: this.truncatedCount,
    };
  }

  /**
   * Opens the interface and starts delivering packets to `sink` (synchronously, on the main thread, one call per
   * packet; `pkt` and `pkt.data` are reused and valid only during the call). Throws {@link LiveCaptureError} when
   * the capture cannot start: no such interface, interface down, no CAP_NET_RAW, invalid BPF filter, called in a
   * worker_thread, `cap` unavailable, or already started.
   */
  start(sink: PacketSink): void {
    if (this.cap !== null) throw new LiveCaptureError('already_started', `capture on "${this.iface}" is already running`);
    if (!isMainThread) {
      throw new LiveCaptureError(
        'worker_thread',
        'live capture must run on the main thread: the cap addon polls on the main libuv loop and cannot capture in a worker_thread',
      );
    }
    let mod;
    try {
      mod = loadCap();
    } catch (e) {
      throw new LiveCaptureError('cap_unavailable', `cannot load the libpcap binding (cap): ${errorMessage(e)}`);
    }
    const iface = this.iface;
    if (iface !== 'any' && isNetworkInterface(iface) === false) {
      throw new LiveCaptureError('no_such_interface', `no such network interface "${iface}" (available: ${kernelInterfaceNames().join(', ')})`);
    }
    if (iface !== 'any' && interfaceIsDown(iface)) {
      throw new LiveCaptureError('interface_down', `network interface "${iface}" is down (bring it up first: ip link set ${iface} up)`);
    }
    if (hasCapNetRaw() === false) throw permissionError(iface, 'CAP_NET_RAW is not in the effective capability set');
    const filter = effectiveFilter(this.bpf, this.promiscuous ? null : ethernetMac(iface));
    if (filter !== '') this.validateInChild(filter);

    const cap = new mod.Cap();
    retainedHandles.push(cap);
    let linkName: string;
    try {
      linkName = cap.open(iface, filter, this.bufferBytes, this.buf);
    } catch (e) {
      throw classifyOpenError(iface, this.bpf, errorMessage(e), 'open');
    }
    this.cap = cap;
    this.sink = sink;
    this.lt = capLinkType(linkName);
    this.pkt.linkType = this.lt;
    this.packets = 0;
    this.bytes = 0;
    this.truncatedCount = 0;
    this.errors = {};
    this.lastSinkError = null;
    this.finalCounters = null;
    this.baseCounters = iface === 'any' ? null : readInterfaceCounters(iface);
    this.anchorClock();
    cap.on('packet', this.onPacket);
  }

  /** Stops capturing and releases the interface (safe to call when not running, and from inside the sink). */
  stop(): void {
    const cap = this.cap;
    if (cap === null) return;
    this.finalCounters = this.iface === 'any' ? null : readInterfaceCounters(this.iface);
    this.cap = null;
    this.sink = null;
    cap.close();
    cap.removeListener('packet', this.onPacket);
  }

  private readonly onPacket = (nbytes: number, truncated: boolean): void => {
    const sink = this.sink;
    if (sink === null) return;
    const pkt = this.pkt;
    const mono = performance.now();
    if (mono >= this.nextClockCheckMs) this.checkWallClock(mono);
    let ts = this.wallAnchorUs + Math.floor((mono - this.monoAnchorMs) * 1000);
    if (ts < this.lastTs) ts = this.lastTs;
    this.lastTs = ts;
    pkt.ts = ts;
    const data = this.buf.subarray(0, nbytes);
    pkt.data = data;
    if (truncated || nbytes === CAP_SNAPLEN) {
      pkt.origLen = recoverOrigLen(this.lt, data);
      if (truncated || pkt.origLen > nbytes) this.truncatedCount++;
    } else {
      pkt.origLen = nbytes;
    }
    this.packets++;
    this.bytes += nbytes;
    try {
      sink(pkt);
    } catch (e) {
      this.errors.live_sink_exception = (this.errors.live_sink_exception ?? 0) + 1;
      this.lastSinkError = e;
    }
  };

  private anchorClock(): void {
    this.monoAnchorMs = performance.now();
    this.wallAnchorUs = Date.now() * 1000;
    this.nextClockCheckMs = this.monoAnchorMs + CLOCK_CHECK_MS;
    this.lastTs = 0;
  }

  private checkWallClock(mono: number): void {
    this.nextClockCheckMs = mono + CLOCK_CHECK_MS;
    const ours = this.wallAnchorUs + Math.floor((mono - this.monoAnchorMs) * 1000);
    const wall = Date.now() * 1000;
    if (wall - ours > CLOCK_STEP_US) {
      this.wallAnchorUs = wall;
      this.monoAnchorMs = mono;
    }
  }

  /** Compiles `filter` on the interface in a child process; throws the classified error when that fails. */
  private validateInChild(filter: string): void {
    const capPath = createRequire(import.meta.url).resolve('cap');
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const res = spawnSync(process.execPath, ['-e', VALIDATOR, '--', capPath, this.iface, filter, String(VALIDATE_BUFFER)], {
      encoding: 'utf8',
      env,
      timeout: 15_000,
    });
    const out = parseValidatorOutput(res.stdout);
    if (out === null) {
      const why = res.error !== undefined ? res.error.message : `exit status ${res.status}, ${(res.stderr ?? '').trim()}`;
      throw new LiveCaptureError('open_failed', `cannot check the BPF filter on "${this.iface}" in a child process: ${why}`);
    }
    if (out.ok === true) return;
    throw classifyOpenError(this.iface, this.bpf, out.message ?? 'unknown error', out.stage ?? 'open');
  }
}

/** What the filter-checking child printed. */
interface ValidatorOutput {
  ok?: boolean;
  stage?: 'open' | 'filter';
  message?: string;
}

function parseValidatorOutput(stdout: string | null): ValidatorOutput | null {
  try {
    const v: unknown = JSON.parse(stdout ?? '');
    return typeof v === 'object' && v !== null ? (v as ValidatorOutput) : null;
  } catch {
    return null;
  }
}

/** Whether /sys says the interface is administratively down (false when it cannot tell). */
function interfaceIsDown(iface: string): boolean {
  if (isNetworkInterface(iface) !== true) return false;
  try {
    const flags = readFileSync(`/sys/class/net/${iface}/flags`, 'utf8').trim();
    return /^0x[0-9a-fA-F]+$/.test(flags) && (parseInt(flags.slice(2), 16) & 1) === 0;
  } catch {
    return false;
  }
}

/** The MAC to emulate non-promiscuous mode on (Ethernet interfaces with a real MAC only), or null. */
function ethernetMac(iface: string): string | null {
  if (iface === 'any' || isNetworkInterface(iface) !== true) return null;
  try {
    if (readFileSync(`/sys/class/net/${iface}/type`, 'utf8').trim() !== '1') return null;
    const mac = readFileSync(`/sys/class/net/${iface}/address`, 'utf8').trim().toLowerCase();
    return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && mac !== '00:00:00:00:00:00' ? mac : null;
  } catch {
    return null;
  }
}

function permissionError(iface: string, detail: string): LiveCaptureError {
  return new LiveCaptureError(
    'permission_denied',
    `capturing on "${iface}" needs the CAP_NET_RAW capability (run as root, or grant it to the node binary: ` +
      `setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(command -v node)")"): ${detail}`,
  );
}

/** Turns a libpcap open/compile message into the operator-facing error. */
function classifyOpenError(iface: string, bpf: string, message: string, stage: 'open' | 'filter'): LiveCaptureError {
  const lower = message.toLowerCase();
  if (lower.includes('operation not permitted') || lower.includes('permission')) return permissionError(iface, message);
  if (lower.includes('no such device')) {
    return new LiveCaptureError('no_such_interface', `no such network interface "${iface}": ${message}`);
  }
  if (lower.includes('not up')) return new LiveCaptureError('interface_down', `network interface "${iface}" is down: ${message}`);
  if (stage === 'filter') return new LiveCaptureError('invalid_filter', `invalid BPF filter "${bpf}": ${message}`);
  return new LiveCaptureError('open_failed', `cannot capture on "${iface}": ${message}`);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
