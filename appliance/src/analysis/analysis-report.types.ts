/**
 * The JSON document `api-radar analyze --json` writes (schema version 1), documented in docs/analyze-format.md.
 * Later stages fill more of it (templated paths, params, sensitive types, findings, clients); the shape is stable.
 */

import type { AttackOutcome, FindingCategory, Severity } from '../analyzers/call.context.ts';
import type { RiskFactor } from '../analyzers/risk/risk.model.ts';
import type { ExposureSnapshot } from '../analyzers/sensitive/sensitive-exposure.aggregator.ts';

/** A parameter of an endpoint. */
export interface ReportParam {
  in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  name: string;
  type: string;
  format?: string;
  /** A few values seen (at most {@link MAX_PARAM_EXAMPLES}), sensitive ones masked; captured text, render as text. */
  examples?: string[];
}

/** Most example values kept per parameter. */
export const MAX_PARAM_EXAMPLES = 3;

/** One API endpoint (host + method + path template). */
export interface ReportEndpoint {
  host: string;
  method: string;
  /** Path template with parameters in braces (the raw path until templating applies). */
  path: string;
  calls: number;
  /** Response status code → count; "none" counts calls without a response. */
  statuses: Record<string, number>;
  auth: string[];
  sensitive: string[];
  params: ReportParam[];
  inSpec: boolean;
  deprecated: boolean;
  /** Deprecation announced by the API's responses (`Deprecation`, `Sunset` headers): dates, ISO, or null. */
  deprecation?: { since: string | null; sunset: string | null; source: 'header' };
  /** Merged JSON Schema of the JSON request bodies seen, and of the successful (2xx) JSON response bodies. */
  requestSchema?: Record<string, unknown>;
  responseSchema?: Record<string, unknown>;
  risk: number;
  firstSeen: string;
  lastSeen: string;
}

/** One finding, aggregated by type, endpoint and client. */
export interface ReportFinding {
  type: string;
  category: FindingCategory;
  severity: Severity;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Evidence of the most recent occurrence, sensitive values masked. */
  evidence: string;
  /** For attacks: `likely_success` when any occurrence looked successful, else `attempt` (or `unknown`). */
  outcome?: AttackOutcome;
}

/** One client (by IP). */
export interface ReportClient {
  ip: string;
  calls: number;
  identities: string[];
  sensitiveRecords: number;
}

/** Engine counters of the run. */
export interface ReportStats {
  packets: number;
  bytes: number;
  flows: number;
  transactions: number;
  parseErrors: number;
  tcpGaps: number;
  durationMs: number;
  /** Anomalies by reason (capture-file problems prefixed `capture_`). */
  weird: Record<string, number>;
  /** Connections that were not HTTP, and of those the ones that opened with TLS (unreadable without decryption). */
  nonHttpConnections?: number;
  tlsConnections?: number;
  /** Servers with non-HTTP connections (most first, at most 50). */
  nonHttpServers?: Array<{ server: string; tls: number; other: number }>;
}

/** An endpoint's risk score with the factor breakdown behind it (the risk analyzer's view of this run). */
export interface ReportEndpointRisk {
  host: string;
  method: string;
  path: string;
  score: number;
  factors: RiskFactor[];
}

/** Capture quality of one host's calls. */
export interface ReportCaptureQuality {
  host: string;
  calls: number;
  /** Calls on connections where only one direction was seen (a mirror port missing a direction). */
  oneSided: number;
  /** Calls touched by a TCP gap (packets the capture lost). */
  gaps: number;
  /** Calls with a body cut at the analysis limit or by the end of the capture. */
  truncated: number;
  /** Requests without a response. */
  noResponse: number;
  /** Calls on connections picked up without their handshake. */
  midstream: number;
}

/** The whole document. */
export interface AnalysisReport {
  schemaVersion: 1;
  stats: ReportStats;
  endpoints: ReportEndpoint[];
  findings: ReportFinding[];
  clients: ReportClient[];
  /** Capture quality per host (busiest first, at most 500). */
  captureQuality?: ReportCaptureQuality[];
  /** Risk breakdown per endpoint (same order as `endpoints`), when the risk analyzer ran. */
  endpointRisk?: ReportEndpointRisk[];
  /** Sensitive-data exposure per endpoint and field, and the records clients and identities received. */
  sensitive?: ExposureSnapshot;
}
