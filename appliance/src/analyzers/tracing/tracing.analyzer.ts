/**
 * The tracing collector: for every call, records the link between the client IP and the identity it used, and
 * what each actor (`ip:<address>`, `id:<identity>`) touched — endpoint, errors, sensitive data types received. It
 * keeps bounded deltas that the live service drains periodically into the actor-links repository (the offline
 * report carries identities per client through the clients analyzer instead).
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint } from '../call.context.ts';
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

/**
 * One actor's deltas: its activity by shared CallEndpoint object (see the inventory; found per call without building
 * a key), else by `host method path` text, and for identities their links by client IP. Two endpoint objects with
 * the same text (after a re-templating) give two deltas in one drain; the repository's merge adds them up.
 */
interface ActorAcc {
  actor: string;
  byEndpoint: Map<CallEndpoint, ActivityAcc>;
  byPath: Map<string, ActivityAcc>;
  links: Map<string, LinkAcc> | null;
}

/** Caps of the collector between two drains. */
export interface TracingCaps {
  links: number;
  activities: number;
}

/** Collects link and activity deltas. */
export class TracingAnalyzer implements Analyzer {
  readonly id = 'tracing';
  /** Actors by client IP and by identity (two maps, so no prefixed key is built per call). */
  private ips = new Map<string, ActorAcc>();
  private identities = new Map<string, ActorAcc>();
  /** Deltas in the order they were first seen (the drain order). */
  private links: LinkAcc[] = [];
  private activity: ActivityAcc[] = [];
  /** Deltas dropped because a cap was reached before a drain. */
  dropped = 0;

  constructor(private readonly caps: TracingCaps = { links: 100_000, activities: 200_000 }) {}

  onCall(call: CallContext): void {
    const tx = call.tx;
    const ts = tx.startTs;
    const identity = call.auth?.identity ?? '';
    const error = tx.status !== null && tx.status >= 400;
    const ip = tx.clientIp;
    const ipActor = this.actorOf(this.ips, ip, 'ip:');
    if (ipActor !== null) this.touch(ipActor, call, error, ts);
    if (identity === '') return;
    const idActor = this.actorOf(this.identities, identity, 'id:');
    if (idActor === null) return;
    this.touch(idActor, call, error, ts);
    const links = (idActor.links ??= new Map());
    let l = links.get(ip);
    if (l === undefined) {
      if (this.links.length >= this.caps.links) {
        this.dropped++;
        return;
      }
      l = { ip, identity, calls: 0, first: ts, last: ts };
      links.set(ip, l);
      this.links.push(l);
    }
    l.calls++;
    if (ts < l.first) l.first = ts;
    if (ts > l.last) l.last = ts;
  }

  private touch(actor: ActorAcc, call: CallContext, error: boolean, ts: number): void {
    const ep = call.endpoint;
    const shared = ep !== null && ep.host === call.host;
    const method = ep?.method ?? call.tx.method;
    const path = ep?.template ?? call.tx.path;
    const key = shared ? '' : `${call.host}\u0000${method}\u0000${path}`;
    let a = shared ? actor.byEndpoint.get(ep) : actor.byPath.get(key);
    if (a === undefined) {
      if (this.activity.length >= this.caps.activities) {
        this.dropped++;
        return;
      }
      a = { actor: actor.actor, host: call.host, method, path, calls: 0, errors: 0, types: null, first: ts, last: ts };
      if (shared) actor.byEndpoint.set(ep, a);
      else actor.byPath.set(key, a);
      this.activity.push(a);
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

  /**
   * The deltas of actor `name` in `map`, created on its first call; null (counted in `dropped`) past as many actors as
   * both caps together, which only a flood of single-call actors reaches before a drain.
   */
  private actorOf(map: Map<string, ActorAcc>, name: string, prefix: 'ip:' | 'id:'): ActorAcc | null {
    let a = map.get(name);
    if (a === undefined) {
      if (this.ips.size + this.identities.size >= this.caps.activities + this.caps.links) {
        this.dropped++;
        return null;
      }
      a = { actor: prefix + name, byEndpoint: new Map(), byPath: new Map(), links: null };
      map.set(name, a);
    }
    return a;
  }

  /** Takes the deltas collected since the last drain (and starts new ones). */
  drain(): { links: ActorLink[]; activity: ActorActivity[] } {
    const links = this.links.map((l) => ({ ip: l.ip, identity: l.identity, calls: l.calls, firstSeen: isoTime(l.first), lastSeen: isoTime(l.last) }));
    const activity = this.activity.map((a) => ({
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
    this.links = [];
    this.activity = [];
    this.ips = new Map();
    this.identities = new Map();
    return { links, activity };
  }

  contribute(_report: AnalysisReport): void {
    // Tracing data goes to the state database through drain(); the report lists identities per client.
  }
}

