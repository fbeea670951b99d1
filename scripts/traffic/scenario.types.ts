/**
 * Types of the traffic generator's scenario catalogue: what a scenario is, and the golden expectations — the
 * transactions the engine must extract from the scenario's capture. The matching rules are documented on
 * {@link ExpectedTransaction}; docs for each scenario are in its {@link ScenarioInfo.notes}.
 */
import type { PcapngInterface } from '../../appliance/src/engine/source/capture.writer.ts';
import type { CapturedPacket } from './tcp-conversation.builder.ts';

/** Capture file formats. */
export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * One transaction the engine must emit. Matching against an engine `Transaction` (see transaction.types.ts):
 *
 * - Identity: `(clientIp, clientPort, index)` is unique within a scenario; sort both sides by it to compare. The
 *   client is the connection initiator (the SYN sender, or the ephemeral-port side of a mid-stream connection).
 * - `method`, `uri`, `host`, `status`, `httpVersion` compare with `===` (`host` is lower-case without ":80";
 *   `""` for method/uri/host and `null` for httpVersion when there is no request; `status` null without response).
 * - `requestBodyLength` / `responseBodyLength`: `tx.requestBody?.data.length ?? 0` (decoded bytes); null = not
 *   asserted. Same for the SHA-256 hex digests of the decoded bodies.
 * - `responseContentEncoding`: `tx.responseBody?.contentEncoding ?? []`; null = not asserted.
 * - `flags` are TxFlag names that MUST be set. When `flagsExact` is true no other flag may be set.
 * - `startTs` (µs) is when the first request byte (the first response byte without a request) became available in
 *   order; it defines the order of the `expected` list (then connection creation order, then index). Engines
 *   agree with it on lossless scenarios; on lossy ones treat it as informative.
 */
export interface ExpectedTransaction {
  /** 0-based index of the transaction within its connection. */
  index: number;
  startTs: number;
  ipVersion: 4 | 6;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  vlans: number[];
  method: string;
  uri: string;
  host: string;
  httpVersion: string | null;
  status: number | null;
  requestBodyLength: number | null;
  responseBodyLength: number | null;
  requestBodySha256: string | null;
  responseBodySha256: string | null;
  responseContentEncoding: string[] | null;
  flags: string[];
  flagsExact: boolean;
}

/** Static description of a scenario. */
export interface ScenarioInfo {
  name: string;
  description: string;
  /** Formats the scenario can be written in, preferred first (some need per-interface link types or pcap flags). */
  formats: CaptureFormat[];
  /** Some packets are missing from the capture (gaps, one-sided): see `notes` for what the engine must do. */
  lossy: boolean;
  /** What the engine must do, in words. */
  notes: string;
}

/** A generated scenario: its capture records and its golden expectations. */
export interface Scenario {
  info: ScenarioInfo;
  seed: number;
  /** Capture records in file order (timestamps non-decreasing). */
  packets: CapturedPacket[];
  expected: ExpectedTransaction[];
  /** pcapng interfaces, indexed by `CapturedPacket.ifIndex`. */
  interfaces: PcapngInterface[];
  /** Classic pcap options: big-endian headers and/or nanosecond timestamps. */
  pcap: { bigEndian: boolean; nanos: boolean };
}
