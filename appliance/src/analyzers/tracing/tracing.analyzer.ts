/**
 * The tracing collector: for every call, records the link between the client IP and the identity it used, and
 * what each actor (`ip:<address>`, `id:<identity>`) touched — endpoint, errors, sensitive data types received. It
 * keeps bounded deltas that the live service drains periodically into the actor-links repository (the offline
 * report carries identities per client through the clients analyzer instead).
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import { isoTime, type Analyzer } from '../analyzer.types.ts';
import type { CallContext, CallEndpoint } from '../call.context.ts';
import { ActorRegistry } from '../identity/actor.registry.ts';
import { PairTable } from '../identity/pair.table.ts';
import type { ActivityDelta, ActorLink } from './actor-links.repository.ts';

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

/** Caps of the collector between two drains. */
export interface TracingCaps {
  links: number;
  activities: number;
}

/** Collects link and activity deltas. */
export class TracingAnalyzer implements Analyzer {
  readonly id = 'tracing';
  /**
   * Client IPs and identities as slots: the abuse analyzer's registry when a call arrives with its slots (the same
   * pipeline; adopted on the first call), else one of the collector's own, emptied at each drain.
   */
  private registry = new ActorRegistry(Infinity);
  private ownRegistry = true;
  private started = false;
  /** Per (actor slot, endpoint id): the activity row (`num`) and the serial of the actor that made it (`tag`). */
  private rowsByPair = new PairTable<never>();
  /** Per (identity slot, IP slot): the link (`obj`), with the serials of the identity (`tag`) and the IP (`num`). */
  private linksByPair = new PairTable<LinkAcc>();
  /** Endpoint ids since the last drain: shared CallEndpoint objects, and `host method path` texts of the others. */
  private endpointIds = new Map<CallEndpoint, number>();
  private pathIds = new Map<string, number>();
  /** Per slot: the drain period and actor serial it was last counted for (actors since the last drain, for the cap). */
  private seenPeriod = new Int32Array(1024).fill(-1);
  private seenSerial = new Float64Array(1024);
  private period = 0;
  private actorsInPeriod = 0;
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
    if (!this.started) {
      this.started = true;
      const shared = call.actors?.registry;
      if (shared !== undefined) {
        this.registry = shared;
        this.ownRegistry = false;
      }
    }
    const reg = this.registry.resolve(tx, ip, identity);
    const ipSlot = reg.ip;
    const idSlot = reg.identity;
    let endpointId = -1;
    if (this.counted(ipSlot)) endpointId = this.touch(ipSlot, call, error, ts, endpointId);
    if (idSlot < 0 || !this.counted(idSlot)) return;
    this.touch(idSlot, call, error, ts, endpointId);
    const pairs = this.linksByPair;
    const idSerial = reg.serial[idSlot];
    const ipSerial = reg.serial[ipSlot];
    let at = pairs.find(idSlot, ipSlot);
    let l = at >= 0 && pairs.tag[at] === idSerial && pairs.num[at] === ipSerial ? pairs.obj[at] : undefined;
    if (l === undefined) {
      if (this.links.length >= this.caps.links) {
        this.dropped++;
        return;
      }
      l = { ip, identity, calls: 0, first: ts, last: ts };
      if (at < 0) at = pairs.insert(idSlot, ipSlot);
      pairs.tag[at] = idSerial;
      pairs.num[at] = ipSerial;
      pairs.obj[at] = l;
      this.links.push(l);
    }
    l.calls++;
    if (ts < l.first) l.first = ts;
    if (ts > l.last) l.last = ts;
  }

  /**
   * Whether the actor in `slot` is collected: true once it was counted in this drain period; a new one is counted
   * unless as many actors as both caps together were (which only a flood of single-call actors reaches before a
   * drain; counted in `dropped`).
   */
  private counted(slot: number): boolean {
    if (slot >= this.seenPeriod.length) {
      let n = this.seenPeriod.length;
      while (n <= slot) n *= 2;
      const period = new Int32Array(n).fill(-1);
      period.set(this.seenPeriod);
      const serial = new Float64Array(n);
      serial.set(this.seenSerial);
      this.seenPeriod = period;
      this.seenSerial = serial;
    }
    const serial = this.registry.serial[slot];
    if (this.seenPeriod[slot] === this.period && this.seenSerial[slot] === serial) return true;
    if (this.actorsInPeriod >= this.caps.activities + this.caps.links) {
      this.dropped++;
      return false;
    }
    this.actorsInPeriod++;
    this.seenPeriod[slot] = this.period;
    this.seenSerial[slot] = serial;
    return true;
  }

  /**
   * Counts the call in the activity row of (actor in `slot`, the call's endpoint); `endpointId` is the endpoint's id
   * when already known for this call (-1 otherwise). Returns the endpoint id.
   */
  private touch(slot: number, call: CallContext, error: boolean, ts: number, endpointId: number): number {
    const ep = call.endpoint;
    const shared = ep !== null && ep.host === call.host;
    const method = ep?.method ?? call.tx.method;
    const path = ep?.template ?? call.tx.path;
    let id = endpointId;
    if (id < 0) {
      const key = shared ? '' : `${call.host}\u0000${method}\u0000${path}`;
      const ids = shared ? this.endpointIds.get(ep) : this.pathIds.get(key);
      if (ids !== undefined) id = ids;
      else {
        id = this.endpointIds.size + this.pathIds.size;
        if (shared) this.endpointIds.set(ep, id);
        else this.pathIds.set(key, id);
      }
    }
    const rows = this.activity;
    const pairs = this.rowsByPair;
    const serial = this.registry.serial[slot];
    let at = pairs.find(slot, id);
    let r: number;
    if (at >= 0 && pairs.tag[at] === serial) r = pairs.num[at];
    else {
      if (rows.length >= this.caps.activities) {
        this.dropped++;
        return id;
      }
      r = rows.add(this.registry.keys[slot], call.host, method, path, ts);
      if (at < 0) at = pairs.insert(slot, id);
      pairs.tag[at] = serial;
      pairs.num[at] = r;
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
    return id;
  }

  /** Takes the deltas collected since the last drain (and starts new ones). */
  drain(): { links: ActorLink[]; activity: ActivityDelta[] } {
    const links = this.links.map((l) => ({ ip: l.ip, identity: l.identity, calls: l.calls, firstSeen: isoTime(l.first), lastSeen: isoTime(l.last) }));
    const rows = this.activity;
    const activity: ActivityDelta[] = [];
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
        firstMs: Math.floor(rows.first[r] / 1000),
        lastMs: Math.floor(rows.last[r] / 1000),
      });
    }
    this.links = [];
    this.activity = new ActivityRows();
    this.rowsByPair.clear();
    this.linksByPair.clear();
    this.endpointIds = new Map();
    this.pathIds = new Map();
    this.period++;
    this.actorsInPeriod = 0;
    if (this.ownRegistry) this.registry.clear();
    return { links, activity };
  }

  contribute(_report: AnalysisReport): void {
    // Tracing data goes to the state database through drain(); the report lists identities per client.
  }
}

