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

/**
 * Activity deltas as columns: a new (actor, endpoint) pair appends to arrays instead of allocating an object, and the
 * per-actor maps hold row numbers.
 */
class ActivityRows {
  length = 0;
  readonly actor: string[] = [];
  readonly host: string[] = [];
  readonly method: string[] = [];
  readonly path: string[] = [];
  readonly calls: number[] = [];
  readonly errors: number[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly types: Array<Set<string> | null> = [];

  /** Appends a row with no calls yet; returns its number. */
  add(actor: string, host: string, method: string, path: string, ts: number): number {
    this.actor.push(actor);
    this.host.push(host);
    this.method.push(method);
    this.path.push(path);
    this.calls.push(0);
    this.errors.push(0);
    this.first.push(ts);
    this.last.push(ts);
    this.types.push(null);
    return this.length++;
  }
}

/**
 * One actor's deltas: its activity by shared CallEndpoint object (see the inventory; found per call without building
 * a key), else by `host method path` text, and for identities their links by client IP. Two endpoint objects with
 * the same text (after a re-templating) give two deltas in one drain; the repository's merge adds them up.
 */
interface ActorAcc {
  actor: string;
  byEndpoint: Map<CallEndpoint, number>;
  byPath: Map<string, number>;
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
  private activity = new ActivityRows();
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
    const rows = this.activity;
    let r = shared ? actor.byEndpoint.get(ep) : actor.byPath.get(key);
    if (r === undefined) {
      if (rows.length >= this.caps.activities) {
        this.dropped++;
        return;
      }
      r = rows.add(actor.actor, call.host, method, path, ts);
      if (shared) actor.byEndpoint.set(ep, r);
      else actor.byPath.set(key, r);
    }
    rows.calls[r]++;
    if (error) rows.errors[r]++;
    if (ts < rows.first[r]) rows.first[r] = ts;
    if (ts > rows.last[r]) rows.last[r] = ts;
    const hits = call.sensitive;
    for (let i = 0; i < hits.length; i++) {
      if (hits[i].direction !== 'response') continue;
      const types = (rows.types[r] ??= new Set());
      if (types.size < 64) types.add(hits[i].type);
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
    const rows = this.activity;
    const activity: ActorActivity[] = [];
    for (let r = 0; r < rows.length; r++) {
      const types = rows.types[r];
      activity.push({
        actor: rows.actor[r],
        host: rows.host[r],
        method: rows.method[r],
        path: rows.path[r],
        calls: rows.calls[r],
        errors: rows.errors[r],
        sensitiveTypes: types === null ? [] : [...types].sort(),
        firstSeen: isoTime(rows.first[r]),
        lastSeen: isoTime(rows.last[r]),
      });
    }
    this.links = [];
    this.activity = new ActivityRows();
    this.ips = new Map();
    this.identities = new Map();
    return { links, activity };
  }

  contribute(_report: AnalysisReport): void {
    // Tracing data goes to the state database through drain(); the report lists identities per client.
  }
}

