/**
 * The attacker view: for a client IP or an identity, the group of IPs and identities linked to it (an identity
 * used from several IPs, several identities used from one IP, followed for a bounded number of hops), the
 * endpoints and sensitive data the group touched, and its findings on one timeline — plus the individual calls
 * when an event store is attached. A service over repositories, for the REST API.
 */
import type { FindingRecord, FindingStatus, FindingsRepository } from './findings.repository.ts';
import type { ActorActivity, ActorLink, ActorLinksRepository } from './actor-links.repository.ts';

/** One call of an actor, as the event store (DuckDB) returns it. */
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

/** Reads an actor group's calls from the event store; attached by the service when the event store runs. */
export interface CallEventsSource {
  callsOf(ips: readonly string[], identities: readonly string[], limit: number): Promise<TracedCall[]>;
}

/** Limits of a trace. */
export interface TraceOptions {
  /** Link hops followed from the seed (default 2). */
  maxHops?: number;
  /** Most IPs plus identities in the group (default 50). */
  maxActors?: number;
  /** Most timeline entries (default 500). */
  limit?: number;
}

/** One entry of the timeline. */
export type TimelineEntry = { kind: 'finding'; at: string; finding: FindingRecord } | { kind: 'call'; at: string; call: TracedCall };

/** The attacker view of a client or identity. */
export interface AttackerTrace {
  seed: { ip: string } | { identity: string };
  ips: string[];
  identities: string[];
  /** The links that joined the group, with how often each IP used each identity. */
  links: ActorLink[];
  /** Endpoints touched by any actor of the group. */
  endpoints: ActorActivity[];
  /** Sensitive data types the group received. */
  dataTouched: string[];
  /** Findings and calls, oldest first. */
  timeline: TimelineEntry[];
  /** The group reached `maxActors` or `maxHops` before every link was followed. */
  truncated: boolean;
  summary: { findings: number; openFindings: number; bySeverity: Record<string, number>; byType: Record<string, number>; firstSeen: string | null; lastSeen: string | null };
}

/** Builds attacker views and sets finding statuses. */
export class TracingService {
  constructor(
    private readonly findings: FindingsRepository,
    private readonly links: ActorLinksRepository,
    private readonly calls: CallEventsSource | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The attacker view of a client IP or identity. */
  async trace(seed: { ip: string } | { identity: string }, opts: TraceOptions = {}): Promise<AttackerTrace> {
    const maxHops = opts.maxHops ?? 2;
    const maxActors = opts.maxActors ?? 50;
    const limit = opts.limit ?? 500;
    const ips = new Set<string>();
    const identities = new Set<string>();
    const linkMap = new Map<string, ActorLink>();
    let frontier: Array<{ ip?: string; identity?: string }> = ['ip' in seed ? { ip: seed.ip } : { identity: seed.identity }];
    if ('ip' in seed) ips.add(seed.ip);
    else identities.add(seed.identity);
    let truncated = false;
    for (let hop = 0; hop < maxHops && frontier.length > 0; hop++) {
      const next: Array<{ ip?: string; identity?: string }> = [];
      for (const node of frontier) {
        const found = node.ip !== undefined ? this.links.identitiesOfIp(node.ip, maxActors) : this.links.ipsOfIdentity(node.identity!, maxActors);
        for (const l of found) {
          linkMap.set(`${l.ip}\u0000${l.identity}`, l);
          if (node.ip !== undefined && !identities.has(l.identity)) {
            if (ips.size + identities.size >= maxActors) {
              truncated = true;
              continue;
            }
            identities.add(l.identity);
            next.push({ identity: l.identity });
          } else if (node.identity !== undefined && !ips.has(l.ip)) {
            if (ips.size + identities.size >= maxActors) {
              truncated = true;
              continue;
            }
            ips.add(l.ip);
            next.push({ ip: l.ip });
          }
        }
      }
      frontier = next;
    }
    if (frontier.length > 0) truncated = true;

    const ipList = [...ips].sort();
    const idList = [...identities].sort();
    const actors = [...ipList.map((ip) => `ip:${ip}`), ...idList.map((id) => `id:${id}`)];
    const endpoints = this.links.activityOf(actors, limit);
    const data = new Set<string>();
    for (const e of endpoints) for (const t of e.sensitiveTypes) data.add(t);

    const findings = this.findings.list({ clients: ipList, limit });
    const timeline: TimelineEntry[] = findings.map((f) => ({ kind: 'finding', at: f.firstSeen, finding: f }));
    if (this.calls !== null) {
      for (const c of await this.calls.callsOf(ipList, idList, limit)) timeline.push({ kind: 'call', at: c.ts, call: c });
    }
    timeline.sort((a, b) => a.at.localeCompare(b.at));
    if (timeline.length > limit) {
      timeline.length = limit;
      truncated = true;
    }

    const bySeverity: Record<string, number> = {};
    const byType: Record<string, number> = {};
    let first: string | null = null;
    let last: string | null = null;
    for (const f of findings) {
      bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
      byType[f.type] = (byType[f.type] ?? 0) + f.count;
      if (first === null || f.firstSeen < first) first = f.firstSeen;
      if (last === null || f.lastSeen > last) last = f.lastSeen;
    }
    return {
      seed,
      ips: ipList,
      identities: idList,
      links: [...linkMap.values()].sort((a, b) => b.calls - a.calls || a.ip.localeCompare(b.ip)),
      endpoints,
      dataTouched: [...data].sort(),
      timeline,
      truncated,
      summary: { findings: findings.length, openFindings: findings.filter((f) => f.status === 'open').length, bySeverity, byType, firstSeen: first, lastSeen: last },
    };
  }

  /** Sets a finding's status as a user decided; null when there is no such finding. */
  setFindingStatus(id: number, status: FindingStatus, user: string, note = ''): FindingRecord | null {
    return this.findings.setStatus(id, status, user, note, this.now().toISOString());
  }
}
