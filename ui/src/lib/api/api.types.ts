// Shapes of the REST API answers the UI reads (mirrors of the service's route results; the service is the source of
// truth, see docs/service.md and docs/openapi.json). Every string in them may have come from captured traffic.
// Where a shape is a code list the service defines, it is imported from the service's types rather than copied.
import type { HealthProblemCode } from '../../../../appliance/src/services/health.problems.ts';

/** One address of a network interface. */
export interface InterfaceAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  netmask: string | null;
  prefixLength: number | null;
}

/** Receive and transmit counters of an interface (cumulative). */
export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
}

/** A network interface as `GET /interfaces` lists it. */
export interface NetworkInterface {
  name: string;
  description: string | null;
  pseudo: boolean;
  mac: string | null;
  operState: string | null;
  carrier: boolean | null;
  speedMbps: number | null;
  flags: { up: boolean; running: boolean; loopback: boolean; promiscuous: boolean } | null;
  addresses: InterfaceAddress[];
  counters: InterfaceCounters | null;
}

/** Result of `POST /interfaces/probe`. */
export interface ProbeResult {
  packets: number;
  bytes: number;
  transactions: number;
  hosts: Array<{ host: string; calls: number }>;
  seconds: number;
}

/** Capture settings (`/settings/capture`). */
export interface CaptureSettings {
  enabled: boolean;
  iface: string;
  bpf: string;
  promiscuous: boolean;
  watch: string[];
  ignore: string[];
}

/** Retention settings (`/settings/retention`). */
export interface RetentionSettings {
  maxAgeDays: number;
  maxGiB: number;
  storeRawSensitive: boolean;
}

/** System settings (`/settings/system`). */
export interface SystemSettings {
  timezone: string;
  ntpServers: string[];
}

/** State of the live capture. */
export type LiveState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

/** Live capture status (`/capture/status`, and inside the health snapshot). */
export interface LiveStatus {
  state: LiveState;
  iface: string;
  since: number | null;
  restarts: number;
  lastError: { code: string; message: string; at: number } | null;
  stats: {
    capture: { packets: number; bytes: number; drops: number };
    engine: { flows: number; transactions: number };
    calls: number;
    outOfScope: number;
    txPerSec: number;
  } | null;
}

/** A problem code of the health snapshot. */
export type { HealthProblemCode };

/** `GET /system/health`. */
export interface HealthSnapshot {
  at: number;
  service: { version: string; uptimeSeconds: number; rssBytes: number; heapUsedBytes: number; cpuSeconds: number; loadAverage: number[]; cores: number };
  /** Capture quality of the live capture's latest snapshot (null before any live traffic was analysed). */
  quality: {
    hosts: Array<{ host: string; calls: number; oneSided: number; gaps: number; truncated: number; noResponse: number; midstream: number }>;
    tlsConnections: number;
    nonHttpConnections: number;
    nonHttpServers: Array<{ server: string; tls: number; other: number }>;
  } | null;
  disk: { totalBytes: number; freeBytes: number; usedPercent: number };
  callLog: { written: number; lost: number; pending: number; lastFlushMs: number; bytes: number };
  capture: LiveStatus;
  uploadsRunning: number;
  problems: Array<{ code: HealthProblemCode; detail: string }>;
}

/** One bucket of `GET /calls/timeline`. */
export interface TimelineBucket {
  time: string;
  calls: number;
  errors: number;
  sensitiveCalls: number;
  detections: number;
  bytes: number;
}

/** `GET /calls/totals`. */
export interface CallTotals {
  calls: number;
  clients: number;
  identities: number;
  hosts: number;
  endpoints: number;
  errors: number;
  sensitiveCalls: number;
  detectedCalls: number;
  first: string | null;
  last: string | null;
}

/** One call of `GET /calls` (text fields are attacker-controlled; the URI is already masked). */
export interface CallView {
  id: number;
  time: string;
  source: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  host: string;
  method: string;
  uri: string;
  template: string;
  status: number | null;
  requestBytes: number;
  responseBytes: number;
  latencyMs: number | null;
  authScheme: string;
  identity: string;
  userAgent: string;
  sensitiveTypes: string[];
  sensitiveCount: number;
  detections: string[];
  severity: number;
}
