/**
 * Packet-level types shared by the capture sources (files, live interfaces) and the decode stage.
 *
 * A source hands the engine one {@link RawPacket} at a time, synchronously. The packet's `data` buffer may be a
 * view into the source's own read buffer: it is valid only until the callback returns, so any stage that keeps
 * bytes (reassembly, fragment buffers) must copy them.
 */

/** Link-layer header types (LINKTYPE_* values from the pcap/pcapng specifications) that the decoder understands. */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  ETHERNET: 1,
  /** Raw IP (version taken from the first nibble). */
  RAW: 101,
  /** OpenBSD loopback: 4-byte address family in network byte order. */
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** One captured frame as read from a file or an interface. */
export interface RawPacket {
  /** Capture time in microseconds since the Unix epoch (nanosecond captures are rounded down). */
  ts: number;
  /** LINKTYPE_* of the interface the packet was captured on. */
  linkType: number;
  /** Captured bytes (may be shorter than `origLen` when the snap length cut it). Valid only during the callback. */
  data: Buffer;
  /** Length of the packet on the wire. */
  origLen: number;
  /** Interface index (pcapng) or 0. */
  ifIndex: number;
}

/** Receives packets from a source, synchronously. */
export type PacketSink = (pkt: RawPacket) => void;

/**
 * Receives packets as ranges of the source's read buffer (no per-packet object or view): the frame is
 * `buf[off..end)`, valid only during the call. The fast path from capture files into the engine.
 */
export interface FrameSink {
  frame(buf: Buffer, off: number, end: number, ts: number, linkType: number, origLen: number, ifIndex: number): void;
}

/** Counters every packet source reports. */
export interface SourceStats {
  packets: number;
  bytes: number;
  /** Packets the kernel or the capture buffer dropped, where the OS can tell; null when unknown. */
  drops: number | null;
  /** Malformed file structures seen (bad block, record past end of file, ...), by reason. */
  errors: Record<string, number>;
}

/**
 * A decoded TCP segment: what the decode stage hands to the flow table. The decode stage reuses one instance per
 * engine, so consumers must copy what they keep (addresses are copied into the flow on creation; payload bytes are
 * copied by the reassembler when they must be buffered).
 */
export interface TcpSegment {
  ts: number;
  ipVersion: 4 | 6;
  /** Source and destination addresses as raw bytes (4 or 16), views into the packet. */
  srcAddr: Buffer;
  dstAddr: Buffer;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP flag bits (FIN=0x01, SYN=0x02, RST=0x04, PSH=0x08, ACK=0x10, URG=0x20). */
  flags: number;
  window: number;
  /** TCP payload (may be shorter than the IP header says when the snap length cut it; see `payloadMissing`). */
  payload: Buffer;
  /** Payload bytes announced by the IP header but not captured (snaplen cut). */
  payloadMissing: number;
  /** VLAN ids from outer to inner (802.1Q / QinQ), empty when untagged. */
  vlans: number[];
}

/** TCP flag bits. */
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;
