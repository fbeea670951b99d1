/**
 * The per-call context that flows through the analyzers. The pipeline creates one CallContext per Transaction that
 * carries a request, hands it to every analyzer in order, and then to the call sinks (the service's event writer,
 * the findings aggregator). Analyzers earlier in the order fill fields that later ones read:
 *
 *   identity  → `auth`        (auth scheme, carrier and a stable identity id)
 *   inventory → `endpoint`    (host, method, path template, spec status)
 *   sensitive → `sensitive`   (values found, already masked)
 *   attacks / abuse / exposure / policies → `detections`
 *
 * Everything here came from the network: values are attacker-controlled text, and raw sensitive values never leave
 * the analyzer that found them unmasked.
 */
import type { ActorSlots } from './identity/actor.registry.ts';
import type { Transaction } from '../engine/transaction.types.ts';
import type { SensitiveHit } from './sensitive/sensitive.scanner.ts';

/** How a call authenticated itself, as seen on the wire. */
export type AuthScheme = 'none' | 'basic' | 'bearer' | 'jwt' | 'api_key' | 'cookie' | 'digest' | 'other';

/** The authentication of one call. */
export interface CallAuth {
  /** The strongest scheme found (a JWT in a bearer header is `jwt`). */
  scheme: AuthScheme;
  /** Where the credential travelled: header name (lower case), `query:<name>` or `cookie:<name>`; '' for none. */
  carrier: string;
  /**
   * Stable identity id, never a raw secret: `user:<basic-auth user>`, `sub:<jwt subject>`, `key:<fingerprint>`,
   * `session:<fingerprint>`; '' when the call is anonymous or the identity cannot be told.
   */
  identity: string;
  /** Decoded JWT facts when the scheme is `jwt`. */
  jwt?: { alg: string; claims: string[]; exp: number | null; iss: string; sub: string };
}

/** The endpoint a call was matched to. */
export interface CallEndpoint {
  /** Stable key `host method template`. */
  key: string;
  host: string;
  method: string;
  /** Path template with parameters in braces, e.g. `/v2/accounts/{accountId}`. */
  template: string;
  /** The template comes from a declared spec. */
  inSpec: boolean;
}

/** Severity of a detection or finding. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** Family of a detection or finding. */
export type FindingCategory = 'attack' | 'abuse' | 'exposure' | 'inventory' | 'sensitive' | 'policy';

/** How an attack attempt fared, judged by the response. */
export type AttackOutcome = 'attempt' | 'likely_success' | 'unknown';

/** One thing an analyzer concluded about a call. Aggregated into findings by (type, endpoint, client). */
export interface Detection {
  /** Stable finding type id, e.g. `sqli`, `credential_stuffing`, `token_in_url`. */
  type: string;
  category: FindingCategory;
  severity: Severity;
  /** Why it fired, as text with any sensitive value masked (rendered as text by every consumer). */
  evidence: string;
  /** Attack grading by the response; omitted for non-attacks. */
  outcome?: AttackOutcome;
  /**
   * `client` (default): the finding belongs to this call's client; `endpoint`: to the endpoint whatever the client
   * (e.g. an unauthenticated sensitive endpoint).
   */
  scope?: 'client' | 'endpoint';
  /** The rule, detector or policy id that produced it (e.g. `sqli.tautology`, a CRS id). */
  rule?: string;
}

/** Everything the analyzers know about one call. */
export interface CallContext {
  readonly tx: Transaction;
  /** Host the endpoint is grouped under (Host header, else server address and port). */
  readonly host: string;
  auth: CallAuth | null;
  endpoint: CallEndpoint | null;
  /** Sensitive values found (masked forms in `masked`; `value` is raw and must not be stored). */
  sensitive: SensitiveHit[];
  detections: Detection[];
  /**
   * Sensitive records the response carried (distinct values per type, types at level ≥ 2), as the sensitive analyzer
   * counted them — fast-path calls included, whose counted JSON fields are not listed in `sensitive`. Unset before
   * that analyzer ran or when it found none.
   */
  sensitiveRecords?: number;
  /**
   * The call's client and identity as actor-registry slots, set by the first analyzer that looked them up (abuse), so
   * later ones (the actor-link collector) need not look them up again. Valid during this call only.
   */
  actors?: ActorSlots;
}

/** Receives every call after all analyzers ran (the event writer, test probes). Must not keep `ctx.tx` buffers. */
export type CallSink = (ctx: CallContext) => void;
