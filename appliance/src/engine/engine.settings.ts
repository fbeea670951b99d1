/**
 * Engine limits: every bound the engine applies to untrusted traffic is a named setting here, with a default that
 * keeps memory bounded whatever the input. When a limit bites, the stage that applies it counts a weird (the
 * reason id is given next to each setting) and goes on.
 */

/** All engine limits. Times are in seconds of capture time (packet timestamps), sizes in bytes. */
export interface EngineSettings {
  /** Flow-table cap; when full, the least recently seen flow is evicted (weird `flow_table_evicted`). */
  maxFlows: number;
  /** An established TCP flow idle this long is closed (pending transactions are flushed). */
  tcpIdleTimeoutSec: number;
  /**
   * Milliseconds an RST waits before it ends the connection; data from the RST's sender within it means the RST was
   * not real (forged or ignored by the receiver) and the connection goes on (`tcp_rst_ignored`).
   */
  tcpRstGraceMs: number;
  /** A flow that saw FIN in both directions (or an RST that stood) is dropped after this long. */
  tcpClosedTimeoutSec: number;
  /** Out-of-order bytes buffered per direction; beyond it the oldest hole is declared a gap (`tcp_reassembly_depth_exceeded`). */
  reassemblyPerDirectionBytes: number;
  /** Out-of-order bytes buffered across all flows (`tcp_reassembly_memcap`). */
  reassemblyMemcapBytes: number;
  /** IP datagrams being reassembled at once (`ip_frag_table_full`). */
  maxFragmentDatagrams: number;
  /** A fragmented datagram not complete after this long is dropped (`ip_frag_timeout`). */
  fragmentTimeoutSec: number;
  /** Bytes held in fragment buffers across all datagrams (`ip_frag_memcap`). */
  fragmentMemcapBytes: number;
  /** Largest request or response header block (`http_header_too_large`). */
  httpMaxHeaderBytes: number;
  /** Most header fields in one message (`http_too_many_headers`). */
  httpMaxHeaderCount: number;
  /** Body bytes kept per message for analysis (after decoding); the rest is counted, not kept (flag `truncated`). */
  httpBodyLimit: number;
  /** Most bytes a content decoder (gzip, deflate, br) may produce per body (`http_decompression_bomb`). */
  httpDecompressLimit: number;
  /** Requests waiting for their response on one connection (pipelining) before the oldest is emitted without one. */
  httpMaxPendingRequests: number;
}

/** Defaults, chosen after Suricata's stream and libhtp defaults where they exist. */
export const DEFAULT_ENGINE_SETTINGS: Readonly<EngineSettings> = Object.freeze({
  maxFlows: 262_144,
  tcpIdleTimeoutSec: 120,
  tcpClosedTimeoutSec: 5,
  tcpRstGraceMs: 1000,
  reassemblyPerDirectionBytes: 1 << 20,
  reassemblyMemcapBytes: 256 << 20,
  maxFragmentDatagrams: 8192,
  fragmentTimeoutSec: 30,
  fragmentMemcapBytes: 32 << 20,
  httpMaxHeaderBytes: 64 << 10,
  httpMaxHeaderCount: 256,
  httpBodyLimit: 1 << 20,
  httpDecompressLimit: 8 << 20,
  httpMaxPendingRequests: 64,
});

/** Returns the defaults overridden by `overrides` (unknown keys are ignored by the type system). */
export function engineSettings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return { ...DEFAULT_ENGINE_SETTINGS, ...overrides };
}
