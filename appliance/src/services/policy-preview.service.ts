/**
 * "Test this policy": replays the newest calls of the call log (at most `MAX_PREVIEW_CALLS`, oldest first so window
 * conditions count as they would have live) through a policy engine holding only the draft policy, and says what it
 * would have done: calls matched, findings raised, detections suppressed, notifications and block-list entries, the
 * clients it hit most and a few sample calls. Nothing is stored or sent.
 *
 * The call log keeps each call's detection types and its highest severity, not each detection's own severity; in the
 * replay every detection of a call carries that highest severity, so a `minSeverity` condition can match a little
 * more than it would live. The preview says so (`approximations`).
 */
import type { CallAuth, CallContext, CallEndpoint, Detection, Severity } from '../analyzers/call.context.ts';
import type { Transaction } from '../engine/transaction.types.ts';
import { PolicyEngine } from '../policies/policy.engine.ts';
import type { PolicyInput } from '../policies/policy.types.ts';
import type { CallEventStore, StoredCall } from '../store/events/call-event.types.ts';
import type { Clock } from '../store/clock.repository.ts';

/** Most calls one preview replays (the newest of the window). */
export const MAX_PREVIEW_CALLS = 200_000;
/** Longest window a preview looks back, in hours. */
export const MAX_PREVIEW_HOURS = 168;
const SAMPLES = 20;
const TOP_CLIENTS = 10;
const SEVERITY_BY_RANK: readonly Severity[] = ['info', 'info', 'low', 'medium', 'high', 'critical'];

/** A call the draft policy matched, as stored (URIs are masked in the call log). */
export interface PreviewSample {
  id: number;
  tsUs: number;
  clientIp: string;
  identity: string;
  host: string;
  method: string;
  uri: string;
  template: string;
  status: number | null;
  detections: string[];
}

/** What a draft policy would have done over the window. */
export interface PolicyPreview {
  fromUs: number;
  toUs: number;
  /** Calls replayed. */
  scanned: number;
  /** The window held more calls than one preview replays: only the newest were. */
  truncated: boolean;
  /** Calls on which the policy fired (after its window condition, if any). */
  matched: number;
  /** Findings the policy would have raised. */
  raised: number;
  /** Detections it would have suppressed. */
  suppressed: number;
  /** Notifications it would have sent (one per firing; channels group them further). */
  notifications: number;
  /** Distinct clients it would have put on the block list. */
  blockedClients: number;
  /** Clients it fired on most. */
  clients: Array<{ clientIp: string; calls: number }>;
  /** The newest calls it fired on. */
  samples: PreviewSample[];
  /** Where the replay differs from live evaluation. */
  approximations: string[];
}

/** The calls' facts the policy engine reads, shaped as the transaction it expects. */
function replayTransaction(c: StoredCall): Transaction {
  const q = c.uri.indexOf('?');
  return { method: c.method, status: c.status, clientIp: c.clientIp, serverIp: c.serverIp, path: q < 0 ? c.uri : c.uri.slice(0, q), startTs: c.tsUs } as unknown as Transaction;
}

/** A stored call as the context the policy analyzer sees; endpoint objects are shared per key (the engine plans per endpoint). */
function replayContext(c: StoredCall, endpoints: Map<string, CallEndpoint>): CallContext {
  const severity = SEVERITY_BY_RANK[c.severity] ?? 'info';
  const detections: Detection[] = c.detections.map((type) => ({ type, category: 'attack', severity, evidence: '' }));
  let endpoint: CallEndpoint | null = null;
  if (c.template !== '') {
    const key = `${c.host} ${c.method} ${c.template}`;
    endpoint = endpoints.get(key) ?? null;
    if (endpoint === null) endpoints.set(key, (endpoint = { key, host: c.host, method: c.method, template: c.template, inSpec: false }));
  }
  return {
    tx: replayTransaction(c),
    host: c.host,
    auth: { scheme: c.authScheme as CallAuth['scheme'], carrier: '', identity: c.identity },
    endpoint,
    sensitive: c.sensitiveTypes.map((type) => ({ type })) as unknown as CallContext['sensitive'],
    detections,
  };
}

/** Replays stored calls through draft policies. */
export class PolicyPreviewService {
  constructor(
    private readonly calls: CallEventStore,
    private readonly clock: Clock,
    private readonly timeZone: () => string,
  ) {}

  /** What `policy` would have done over the last `hours` hours (1–168) of stored calls. */
  async preview(policy: PolicyInput, hours: number): Promise<PolicyPreview> {
    const h = Math.min(MAX_PREVIEW_HOURS, Math.max(1, Math.trunc(hours)));
    const toUs = this.clock.now() * 1000 + 1;
    const fromUs = toUs - h * 3600e6;
    const stored = await this.calls.recent(fromUs, toUs, MAX_PREVIEW_CALLS + 1);
    const truncated = stored.length > MAX_PREVIEW_CALLS;
    const replay = truncated ? stored.slice(1) : stored;
    let notifications = 0;
    const blocked = new Set<string>();
    const engine = new PolicyEngine([{ ...policy, enabled: true, id: 1, builtin: false, updatedAt: 0 }], this.timeZone(), (a) => {
      if (a.notify.length > 0) notifications++;
      if (a.blockMinutes !== null && a.client !== '') blocked.add(a.client);
    });
    let matched = 0;
    let raised = 0;
    let suppressed = 0;
    const clients = new Map<string, number>();
    const samples: PreviewSample[] = [];
    const endpoints = new Map<string, CallEndpoint>();
    for (const c of replay) {
      const ctx = replayContext(c, endpoints);
      const before = ctx.detections.length;
      const hitsBefore = engine.hits.get(1) ?? 0;
      engine.evaluate(ctx);
      if ((engine.hits.get(1) ?? 0) === hitsBefore) continue;
      matched++;
      if (policy.actions.raise !== undefined) raised++;
      if (policy.actions.suppress) suppressed += before - ctx.detections.length;
      clients.set(c.clientIp, (clients.get(c.clientIp) ?? 0) + 1);
      samples.push({ id: c.id, tsUs: c.tsUs, clientIp: c.clientIp, identity: c.identity, host: c.host, method: c.method, uri: c.uri, template: c.template, status: c.status, detections: c.detections });
      if (samples.length > SAMPLES) samples.shift();
    }
    const approximations: string[] = [];
    if (policy.conditions.minSeverity !== undefined) approximations.push('The call log keeps each call\'s highest severity only: every detection of a call is judged at that severity.');
    if (truncated) approximations.push(`Only the newest ${MAX_PREVIEW_CALLS.toLocaleString('en-US')} calls of the window were replayed.`);
    return {
      fromUs,
      toUs,
      scanned: replay.length,
      truncated,
      matched,
      raised,
      suppressed,
      notifications,
      blockedClients: blocked.size,
      clients: [...clients].map(([clientIp, calls]) => ({ clientIp, calls })).sort((a, b) => b.calls - a.calls || a.clientIp.localeCompare(b.clientIp)).slice(0, TOP_CLIENTS),
      samples: samples.reverse(),
      approximations,
    };
  }
}
