/**
 * The shapes `GET /calls/endpoint-timeline`, `GET /calls/endpoint-clients` and `GET /calls/sensitive` answer with (types only, so the UI can import
 * them too).
 */
import type { EndpointBucket, EndpointClient, SensitiveCallSummary } from '../store/events/call-event.types.ts';

/** One endpoint chart bucket as the API returns it (latency in ms). */
export interface EndpointBucketView extends Omit<EndpointBucket, 'startUs' | 'latencyAvgUs' | 'latencyP95Us'> {
  time: string;
  latencyAvgMs: number | null;
  latencyP95Ms: number | null;
}

/** One sensitive type in `GET /calls/sensitive`: its level (defaults and user edits) and what the call log holds. */
export interface SensitiveTypeView {
  type: string;
  /** Detector label; null for a type without a detector. */
  label: { en: string; zh: string } | null;
  level: number | null;
  defaultLevel: number | null;
  edited: boolean;
  calls: number;
  endpoints: number;
  clients: number;
  last: string | null;
}

/** `GET /calls/sensitive`: every known type (seen or not) with its level, and the busiest endpoints and clients per type. */
export interface SensitiveCallsView {
  from: string;
  to: string;
  types: SensitiveTypeView[];
  endpoints: Array<Omit<SensitiveCallSummary['endpoints'][number], 'lastUs'> & { last: string }>;
  clients: SensitiveCallSummary['clients'];
}

/** One client of an endpoint in `GET /calls/endpoint-clients`. */
export interface EndpointClientView extends Omit<EndpointClient, 'firstUs' | 'lastUs'> {
  /** errors / calls (0–1). */
  errorShare: number;
  /** Findings on the endpoint raised for this client address (any status). */
  findings: number;
  first: string;
  last: string;
}
