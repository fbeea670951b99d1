/**
 * The event-store contract: one CallEvent row per API call (the call log), the queries the API and reports run on
 * it, and the CallEventStore interface. DuckDB implements it on the appliance (`store/duckdb/`); a ClickHouse
 * implementation can be added behind the same interface for scaled-out sites.
 *
 * Every text field came from the network and is attacker-controlled; sensitive values in `uri` are already masked
 * when a row is built (see pipeline/call-event.mapper.ts).
 */

import type { CallColumns } from './call-columns.ts';

/** One API call as stored in the call log. */
export interface CallEvent {
  /** Capture time of the first request byte, µs since epoch. */
  tsUs: number;
  /** Where the call came from: `live:<iface>` or `upload:<run id>`. */
  source: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  host: string;
  method: string;
  /** Request target with sensitive values masked, at most 2,048 characters. */
  uri: string;
  /** Endpoint template (`/v1/users/{id}`), '' when not matched. */
  template: string;
  /** Response status, null when no response was seen. */
  status: number | null;
  requestBytes: number;
  responseBytes: number;
  /** Server latency in µs, null without both directions. */
  latencyUs: number | null;
  /** Auth scheme (`none`, `jwt`, ...). */
  authScheme: string;
  /** Identity id (`sub:...`, `key:<fingerprint>`), '' when anonymous. */
  identity: string;
  userAgent: string;
  /** Sensitive types seen in the call (distinct, sorted). */
  sensitiveTypes: string[];
  /** Number of sensitive values found. */
  sensitiveCount: number;
  /** Detection types raised on the call (distinct). */
  detections: string[];
  /** Highest detection severity rank (0 none, 1 info … 5 critical). */
  severity: number;
  /** Transaction flag bits (gap, truncated, ...). */
  flags: number;
}

/** A call-log search. Times are µs since epoch; every filter is optional. */
export interface CallQuery {
  fromUs?: number;
  toUs?: number;
  host?: string;
  template?: string;
  method?: string;
  clientIp?: string;
  identity?: string;
  /** Exact status (200) or a class (4 for 4xx). */
  status?: number;
  statusClass?: number;
  /** Only calls with this sensitive type, or this detection type. */
  sensitiveType?: string;
  detection?: string;
  /** Case-insensitive substring of uri, user agent, identity or client address. */
  text?: string;
  source?: string;
  /** Only the calls behind one finding: those its aggregation key and time span select. */
  finding?: FindingCallKey;
  /** Page size (1–500, default 50). */
  limit?: number;
  /** Continue after this cursor (from the previous page's `next`). */
  cursor?: string;
}

/** A stored call with its id. */
export interface StoredCall extends CallEvent {
  id: number;
}

/** One page of a search: newest first. */
export interface CallPage {
  calls: StoredCall[];
  /** Cursor of the next page, null at the end. */
  next: string | null;
}

/** Calls per time bucket (for charts and reports). */
export interface CallBucket {
  /** Bucket start, µs since epoch. */
  startUs: number;
  calls: number;
  errors: number;
  sensitiveCalls: number;
  detections: number;
  bytes: number;
}

/** One time bucket of one endpoint's calls: statuses by class and latency (endpoint charts). */
export interface EndpointBucket {
  /** Bucket start, µs since epoch. */
  startUs: number;
  calls: number;
  /** Calls by response status class; `noResponse` counts calls without a response. */
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  noResponse: number;
  /** Mean and 95th percentile server latency of the calls with both directions (µs), null when none had one. */
  latencyAvgUs: number | null;
  latencyP95Us: number | null;
}

/** An endpoint as the call log knows it. */
export interface CallEndpointKey {
  host: string;
  method: string;
  /** Endpoint template, '' for calls the inventory did not template. */
  template: string;
}

/**
 * What selects the calls behind a finding. A finding aggregates the detections of one type by (host, method, path,
 * client); its path is the call's template, or the request path when the call had none; `client` '' means the
 * finding is the endpoint's whatever the client. Times in µs, `toUs` exclusive.
 */
export interface FindingCallKey {
  type: string;
  host: string;
  method: string;
  path: string;
  client: string;
  fromUs: number;
  toUs: number;
}

/** One client (address and identity) of an endpoint over a time range. */
export interface EndpointClient {
  clientIp: string;
  /** Identity id, '' for anonymous calls. */
  identity: string;
  calls: number;
  /** Calls answered 4xx/5xx or not answered. */
  errors: number;
  /** Calls carrying sensitive values, and the values found in them (request and response). */
  sensitiveCalls: number;
  sensitiveValues: number;
  /** Calls with a detection. */
  detectedCalls: number;
  firstUs: number;
  lastUs: number;
}

/** Sensitive data in the call log over a time range: per type, the endpoints and clients whose calls carried it. */
export interface SensitiveCallSummary {
  /** Per type: calls carrying it, distinct endpoints and clients. */
  types: Array<{ type: string; calls: number; endpoints: number; clients: number; lastUs: number }>;
  /** The busiest endpoints per type (at most `perType` each), most calls first. */
  endpoints: Array<CallEndpointKey & { type: string; calls: number; lastUs: number }>;
  /** The clients whose calls carried each type most (at most `perType` each): calls and sensitive values in them. */
  clients: Array<{ type: string; clientIp: string; calls: number; values: number }>;
}

/** Totals over a time range (for reports and the overview). */
export interface CallTotals {
  calls: number;
  clients: number;
  identities: number;
  hosts: number;
  endpoints: number;
  errors: number;
  sensitiveCalls: number;
  detectedCalls: number;
  firstUs: number | null;
  lastUs: number | null;
}

/** What the event store keeps. */
export interface RetentionPolicy {
  /** Calls older than this many days are deleted (0: keep by age forever). */
  maxAgeDays: number;
  /** The store is trimmed (oldest first) to stay under this many bytes on disk (0: no budget). */
  maxBytes: number;
}

/** Result of a retention pass. */
export interface RetentionResult {
  deletedByAge: number;
  deletedByBudget: number;
  bytesAfter: number;
}

/** Counters of the call-log writer. */
export interface CallsWriterStats {
  written: number;
  flushes: number;
  /** Calls dropped after a batch failed three times. */
  lost: number;
  lastFlushMs: number;
}

/** The call log: append in batches, search, roll up. Implemented by DuckDbCallsRepository. */
export interface CallEventStore {
  /** Writer counters. */
  readonly stats: CallsWriterStats;
  /** Bytes the store uses on disk. */
  usedBytes(): Promise<number>;
  /** Queues calls; they become durable at the next flush (at least once a second while the store is open). */
  append(events: readonly CallEvent[]): void;
  /** Queues a batch already in columns (what the pipeline processes send); same durability as `append`. */
  appendColumns(batch: CallColumns): void;
  /** Writes every queued call and its rollups in one transaction. */
  flush(): Promise<void>;
  /** Calls queued and not yet flushed. */
  pending(): number;
  search(q: CallQuery): Promise<CallPage>;
  /** The newest `limit` calls between the two times, returned oldest first (replays such as a policy preview). */
  recent(fromUs: number, toUs: number, limit: number): Promise<StoredCall[]>;
  /**
   * Calls per bucket of `bucketSeconds` (60 or a multiple of 60) between the two times, from the minute rollups (and
   * the hourly rollups for whole hours when buckets are whole hours).
   */
  timeline(fromUs: number, toUs: number, bucketSeconds: number, host?: string): Promise<CallBucket[]>;
  totals(fromUs: number, toUs: number): Promise<CallTotals>;
  /** One endpoint's calls per bucket of `bucketSeconds` (a multiple of 60) between the two times, from the calls. */
  endpointTimeline(fromUs: number, toUs: number, bucketSeconds: number, endpoint: CallEndpointKey): Promise<EndpointBucket[]>;
  /**
   * One endpoint's clients (address × identity) between the two times, most calls first, at most `limit`, and how
   * many there are in all.
   */
  endpointClients(fromUs: number, toUs: number, endpoint: CallEndpointKey, limit: number): Promise<{ clients: EndpointClient[]; total: number }>;
  /** One stored call by id, null when there is none (or retention removed it). */
  byId(id: number): Promise<StoredCall | null>;
  /** Sensitive types in the calls between the two times, with their busiest endpoints and clients (`perType` each). */
  sensitiveSummary(fromUs: number, toUs: number, perType: number): Promise<SensitiveCallSummary>;
  /** The newest `limit` calls made from any of the client IPs or with any of the identities, newest first. */
  callsOfActors(ips: readonly string[], identities: readonly string[], limit: number): Promise<StoredCall[]>;
  /** Writes the calls of a time range to a Parquet file; returns the number of rows. */
  exportParquet(fromUs: number, toUs: number, path: string): Promise<number>;
  applyRetention(policy: RetentionPolicy, nowUs: number): Promise<RetentionResult>;
  /** Brings the hourly rollups up to the last completed hour before `nowUs` (see the `rollups` job). */
  rollUpHours(nowUs: number): Promise<{ hours: number; rows: number; rolledUntilUs: number }>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Severity names by rank, as stored in {@link CallEvent.severity}. */
export const SEVERITY_RANKS: Readonly<Record<string, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
