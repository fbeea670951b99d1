/**
 * Counters of the flow stage (flow table + TCP reassembly), as shown by the engine statistics and the capture-quality
 * page. One mutable instance per FlowTable; the stage updates the fields in place on the hot path.
 */

/** Flow-table and reassembly counters. Byte counts are TCP payload bytes; "flows" are TCP connections. */
export interface FlowStats {
  /** Flows created since start (a SYN, a SYN+ACK or a data segment for an unknown connection). */
  flowsCreated: number;
  /** Flows currently in the table (including closed flows kept for `tcpClosedTimeoutSec` to absorb late packets). */
  flowsActive: number;
  /** Flows removed from the table after FIN/RST, an idle timeout or the end of the capture (not evictions). */
  flowsClosed: number;
  /** Live flows removed early because the table reached `maxFlows` (weird `flow_table_evicted`). */
  flowsEvicted: number;
  /** Flows picked up without a handshake (first packet carried data and no SYN/SYN+ACK was seen). */
  flowsMidstream: number;
  /** Flows removed with payload seen in only one direction (asymmetric / one-sided capture). */
  flowsOneSided: number;
  /** Flows whose stream-consumer factory returned null: tracked, but their payload is ignored. */
  flowsDeclined: number;
  /** TCP segments handed to the flow table. */
  segments: number;
  /** Segments without payload (pure ACK, FIN, RST) for unknown connections: dropped without creating a flow. */
  segmentsWithoutFlow: number;
  /** Payload bytes delivered in order to stream consumers (onData). */
  bytesDelivered: number;
  /** Bytes declared missing to stream consumers (sum of onGap sizes; each onGap also counts weird `tcp_gap`). */
  gapBytes: number;
  /** Payload bytes of segments that carried nothing new (all already delivered or already buffered). */
  retransmittedBytes: number;
  /** Segments that carried nothing new. Counted here only, not as a weird: retransmissions are normal TCP. */
  retransmittedSegments: number;
  /** Bytes of partially new segments that overlapped delivered or buffered data (first-received data wins). */
  overlapBytes: number;
  /** Segments that arrived ahead of a hole and were copied into a reassembly buffer. */
  outOfOrderSegments: number;
  /** Out-of-order bytes currently buffered across all flows (bounded by `reassemblyMemcapBytes`). */
  reassemblyBytes: number;
  /** Highest value `reassemblyBytes` reached. */
  reassemblyBytesPeak: number;
}

/** A zeroed counter set. */
export function newFlowStats(): FlowStats {
  return {
    flowsCreated: 0,
    flowsActive: 0,
    flowsClosed: 0,
    flowsEvicted: 0,
    flowsMidstream: 0,
    flowsOneSided: 0,
    flowsDeclined: 0,
    segments: 0,
    segmentsWithoutFlow: 0,
    bytesDelivered: 0,
    gapBytes: 0,
    retransmittedBytes: 0,
    retransmittedSegments: 0,
    overlapBytes: 0,
    outOfOrderSegments: 0,
    reassemblyBytes: 0,
    reassemblyBytesPeak: 0,
  };
}
