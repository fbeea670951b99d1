// Shapes of the inventory, declared-spec, threat and email answers of the service as the UI reads them (the service's
// own types live in appliance/src; these mirror the fields the pages show).

/** Lifecycle states of a stored endpoint, in display order. */
export const ENDPOINT_STATES = ['new', 'active', 'dormant', 'revived', 'retired'] as const;
/** One of {@link ENDPOINT_STATES}. */
export type EndpointState = (typeof ENDPOINT_STATES)[number];

/** A host of `GET /inventory/hosts`. */
export interface InventoryHost {
  host: string;
  endpoints: number;
  calls: number;
  states: Partial<Record<EndpointState, number>>;
  lastSeen: number;
}

/** A parameter seen on an endpoint. */
export interface EndpointParam {
  in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  name: string;
  type: string;
  format?: string;
  /** Values seen, sensitive ones masked (captured text: render as text). */
  examples?: string[];
}

/** A stored endpoint of `GET /inventory/apis`. */
export interface StoredEndpoint {
  id: number;
  host: string;
  method: string;
  template: string;
  state: EndpointState;
  stateSince: number;
  inSpec: boolean;
  deprecated: boolean;
  calls: number;
  firstSeen: number;
  lastSeen: number;
  statuses: Record<string, number>;
  auth: string[];
  sensitive: string[];
  params: EndpointParam[];
  risk: number;
  sources: number;
  /** A user pinned the template (never merged or re-templated). */
  pinned: boolean;
  /** Merged JSON schemas of request bodies and successful response bodies (absent when none was JSON). */
  requestSchema?: Record<string, unknown>;
  responseSchema?: Record<string, unknown>;
}

/** One entry of `GET /inventory/changes`. */
export interface InventoryChange {
  id: number;
  at: number;
  host: string;
  method: string;
  template: string;
  kind: string;
  detail: Record<string, unknown>;
}

/** A declared spec of `GET /specs`. */
export interface DeclaredSpec {
  id: number;
  name: string;
  hosts: string[];
  format: string;
  title: string;
  version: string;
  operations: number;
  uploadedBy: string;
  uploadedAt: number;
}

/** A shadow or zombie endpoint of `GET /inventory/diff`. */
export interface DiffEndpoint {
  host: string;
  method: string;
  path: string;
  calls: number;
  firstSeen: string;
  lastSeen: string;
  sensitive: string[];
  spec?: string;
}

/** The comparison of traffic with the declared specs. */
export interface InventoryDiff {
  run: { id: number; name: string };
  shadow: DiffEndpoint[];
  zombie: DiffEndpoint[];
  orphan: Array<{ host: string; method: string; path: string; spec: string; operationId: string }>;
  drift: Array<{ host: string; method: string; path: string; spec: string; kind: string; name: string; detail: string }>;
}

/** Finding statuses a user can set. */
export const FINDING_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;
/** One of {@link FINDING_STATUSES}. */
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** Finding categories the filter offers. */
export const FINDING_CATEGORIES = ['attack', 'abuse', 'exposure', 'inventory', 'sensitive', 'policy'] as const;
/** Severities, most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** A finding of `GET /threats/findings`. */
export interface Finding {
  id: number;
  type: string;
  category: string;
  severity: string;
  host: string;
  method: string;
  path: string;
  client: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  evidence: string;
  outcome: string | null;
  status: FindingStatus;
  statusNote: string;
  statusBy: string;
  statusAt: string | null;
}

/** A call in the attacker view. */
export interface TracedCall {
  ts: string;
  clientIp: string;
  identity: string;
  method: string;
  host: string;
  path: string;
  status: number | null;
  detections: string[];
}

/** The attacker view of `GET /threats/trace`. */
export interface AttackerTrace {
  seed: { ip: string } | { identity: string };
  ips: string[];
  identities: string[];
  links: Array<{ ip: string; identity: string; calls: number; firstSeen: string; lastSeen: string }>;
  endpoints: Array<{ actor: string; host: string; method: string; path: string; calls: number; errors: number; sensitiveTypes: string[]; firstSeen: string; lastSeen: string }>;
  dataTouched: string[];
  timeline: Array<{ kind: 'finding'; at: string; finding: Finding } | { kind: 'call'; at: string; call: TracedCall }>;
  truncated: boolean;
  summary: { findings: number; openFindings: number; bySeverity: Record<string, number>; byType: Record<string, number>; firstSeen: string | null; lastSeen: string | null };
}
