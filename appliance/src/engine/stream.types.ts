/**
 * The contract between TCP reassembly (flow stage) and the application parsers (HTTP stage): each TCP connection
 * delivers its two byte streams, in order, with gaps and ends marked, to one {@link StreamConsumer}.
 */

/** Direction of a byte stream inside a connection. */
export const Dir = {
  /** Client (connection initiator) to server. */
  ToServer: 0,
  /** Server to client. */
  ToClient: 1,
} as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

/** Why a direction's stream ended. */
export type StreamEndReason = 'fin' | 'rst' | 'timeout' | 'evicted' | 'shutdown';

/**
 * Identity of a connection, fixed when the flow is created. Addresses are printable strings. The client is the
 * SYN sender; for a connection picked up mid-stream it is a guess (the side with the higher, non-well-known port),
 * which the application parser may correct by content (e.g. it sees responses flowing "to the server").
 */
export interface ConnectionInfo {
  /** Engine-unique flow number. */
  flowId: number;
  ipVersion: 4 | 6;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  vlans: number[];
  /** The capture began after the connection's three-way handshake (no SYN seen). */
  midstream: boolean;
}

/**
 * Receives a connection's reassembled streams. Calls for one connection are strictly ordered in capture time.
 * `data` buffers may be views the caller reuses after the call returns: copy what you keep.
 */
export interface StreamConsumer {
  /** In-order bytes of one direction; `ts` is the capture time (µs) of the segment that completed them. */
  onData(dir: Dir, data: Buffer, ts: number): void;
  /**
   * Optional fast form of {@link onData}: the bytes are `buf[off..end)` of a buffer that may be much larger (a
   * capture read buffer). When present, the reassembler calls it instead of onData and creates no view.
   */
  onBytes?(dir: Dir, buf: Buffer, off: number, end: number, ts: number): void;
  /** `bytes` of one direction were never captured (a hole the reassembler gave up on). */
  onGap(dir: Dir, bytes: number, ts: number): void;
  /** One direction ended (FIN, RST, ...). Called at most once per direction. */
  onEnd(dir: Dir, reason: StreamEndReason, ts: number): void;
}

/** Creates the consumer for a new connection. Returning null means "not interested": the flow stage drops payloads. */
export type StreamConsumerFactory = (conn: ConnectionInfo) => StreamConsumer | null;
