/**
 * Type declarations for the npm package `cap` 0.2.1 (a libpcap binding without bundled types), limited to what the
 * appliance uses: the device list and live capture. Facts below come from its README and src/binding.cc.
 *
 * Behaviour worth knowing (checked against 0.2.1's source):
 * - `open()` always sets snaplen 65535, promiscuous mode on, a 1 s read timeout and immediate mode; it returns the
 *   link type as a string.
 * - No `Cap` may be garbage-collected: its destructor emits an async-hooks destroy inside V8's weak callback, which
 *   intermittently segfaults Node 20. One whose `open()` threw also aborts the process when closed or re-opened
 *   (it stops a poll handle that was never initialised).
 * - A `Cap` cannot be re-opened after `close()` (its `closing` flag is never reset); create a new one.
 * - The addon is not context-aware and polls on the main thread's libuv loop, so it cannot capture inside a
 *   worker_thread.
 */
declare module 'cap' {
  import type { EventEmitter } from 'node:events';

  /** One address of a device, as `pcap_findalldevs` reports it (IPv4 and IPv6 only). */
  export interface CapDeviceAddress {
    addr?: string;
    netmask?: string;
    broadaddr?: string;
    dstaddr?: string;
  }

  /** One entry of {@link Cap.deviceList}. */
  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapDeviceAddress[];
    /** Present (as this exact string) only for loopback devices. */
    flags?: 'PCAP_IF_LOOPBACK';
  }

  /**
   * A libpcap live capture handle. Emits `packet` (nbytes, truncated) once per packet, after copying the packet into
   * the Buffer given to `open()`; `truncated` is true when the packet did not fit in that Buffer.
   */
  export class Cap extends EventEmitter {
    constructor();
    /**
     * Opens `device` with a BPF `filter` ('' for none) and a kernel buffer of `bufSize` bytes; packets are copied
     * into `buffer`. Returns 'ETHERNET', 'LINKTYPE_LINUX_SLL', 'NULL', 'RAW', 'IEEE802_11_RADIO' or
     * 'Unknown linktype <DLT number>'. Throws an Error carrying libpcap's message.
     */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    /** Stops capturing; returns whether a handle was open. */
    close(): boolean;
    /** Windows only (absent elsewhere). */
    setMinBytes?(nBytes: number): void;
    /** Sends a raw frame on the open device. */
    send(buffer: Buffer, nBytes?: number): void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    removeListener(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    /** Every device libpcap can open, including pseudo devices ('any', 'nflog', 'dbus-system', ...). */
    static deviceList(): CapDevice[];
    /** The first device holding `ip` (or the first non-loopback device with an address when omitted). */
    static findDevice(ip?: string): string | undefined;
  }

  /** Protocol header decoders shipped with the package (not used by the appliance). */
  export const decoders: Record<string, unknown>;

  const cap: { Cap: typeof Cap; decoders: typeof decoders };
  export default cap;
}
