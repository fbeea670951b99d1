/**
 * The tracing collector: for every call, records the link between the client IP and the identity it used, and
 * what each actor (`ip:<address>`, `id:<identity>`) touched — endpoint, errors, sensitive data types received. It
 * keeps bounded deltas that the live service drains periodically into the actor-links repository (the offline
 * report carries identities per client through the clients analyzer instead).
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import type { ActorActivity, ActorLink } from './actor-links.repository.ts';

interface LinkAcc {
  ip: string;
  identity: string;
  calls: number;
  first: number;
  last: number;
}

interface ActivityAcc {
  actor: string;
  host: string;
  method: string;
  path: string;
  calls: number;
  errors: number;
  types: Set<string> | null;
  first: number;
  last: number;
}

/** Caps of the collector between two drains. */
export interface TracingCaps {
  links: number;
  activities: number;
}

/** Collects link and activity deltas. */
export class TracingAnalyzer implements Analyzer {
  readonly id = 'tracing';
  private links = new Map<string, LinkAcc>();
  private activity = new Map<string, ActivityAcc>();
  /** Deltas dropped because a cap was reached before a drain. */
  dropped = 0;

  constructor(private readonly caps: TracingCaps = { links: 100_000, activities: 200_000 }) {}

  onCall(call: CallContext): void {
    const tx = call.tx;
    const ts = tx.startTs;
    const identity = call.auth?.identity ?? '';
    const method = call.endpoint?.method ?? tx.method;
    const path = call.endpoint?.template ?? tx.path;
    const error = tx.status !== null && tx.status >= 400;
    this.touch(`ip:${tx.clientIp}`, call, method, path, error, ts);
    if (identity === '') return;
    this.touch(`id:${identity}`, call, method, path, error, ts);
    const key = `${tx.clientIp}\u0000${identity}`;
    let l = this.links.get(key);
    if (l === undefined) {
      if (this.links.size >= this.caps.links) {
        this.dropped++;
        return;
      }
      l = { ip: tx.clientIp, identity, calls: 0, first: ts, last: ts };
      this.links.set(key, l);
    }
    l.calls++;
    if (ts < l.first) l.first = ts;
    if (ts > l.last) l.last = ts;
  }

  private touch(actor: string, call: CallContext, method: string, path: string, error: boolean, ts: number): void {
    const key = `${actor}\u0000${call.host}\u0000${method}\u0000${path}`;
    let a = this.activity.get(key);
    if (a === undefined) {
      if (this.activity.size >= this.caps.activities) {
        this.dropped++;
        return;
      }
      a = { actor, host: call.host, method, path, calls: 0, errors: 0, types: null, first: ts, last: ts };
      this.activity.set(key, a);
    }
    a.calls++;
    if (error) a.errors++;
    if (ts < a.first) a.first = ts;
    if (ts > a.last) a.last = ts;
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) {
      if (hits[i].direction !== 'response') continue;
      a.types ??= new Set();
      if (a.types.size < 64) a.types.add(hits[i].type);
    }
  }

  /** Takes the deltas collected since the last drain (and starts new ones). */
  drain(): { links: ActorLink[]; activity: ActorActivity[] } {
    const links = [...this.links.values()].map((l) => ({ ip: l.ip, identity: l.identity, calls: l.calls, firstSeen: isoTime(l.first), lastSeen: isoTime(l.last) }));
    const activity = [...this.activity.values()].map((a) => ({
      actor: a.actor,
      host: a.host,
      method: a.method,
      path: a.path,
      calls: a.calls,
      errors: a.errors,
      sensitiveTypes: a.types === null ? [] : [...a.types].sort(),
      firstSeen: isoTime(a.first),
      lastSeen: isoTime(a.last),
    }));
    this.links = new Map();
    this.activity = new Map();
    return { links, activity };
  }

  contribute(_report: AnalysisReport): void {
    // Tracing data goes to the state database through drain(); the report lists identities per client.
  }
}
