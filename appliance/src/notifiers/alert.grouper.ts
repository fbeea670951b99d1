/**
 * Grouping and rate limiting of one channel's alerts, driven by the clock it is given (no timers): alerts with the
 * same type, endpoint and client that arrive within the group window become one message with a count; a channel
 * sends at most `maxPerMinute` messages in any 60 s, and what does not fit is folded into one summary message that
 * goes out as soon as the limit allows. The last free slot of a minute goes to the summary, so a flood always ends in
 * a message saying how much was held back. `snapshot()`/`restore()` carry the waiting alerts over a restart.
 */
import { z } from 'zod';
import { AlertSchema, groupKey, severityRank, type Alert } from './alert.types.ts';
import { SUMMARY_TYPE } from './alert.format.ts';

/** How a channel groups and limits. */
export interface GroupingPolicy {
  /** How long the first alert of a group waits for more of the same (0 = send at once). */
  windowMs: number;
  /** Messages per minute at most (≥ 1). */
  maxPerMinute: number;
}

/** Most open groups kept; alerts of further keys are counted straight into the summary. */
export const MAX_OPEN_GROUPS = 5000;
/** Groups listed by name in a summary message. */
export const SUMMARY_LISTED = 10;

const MINUTE = 60_000;

interface OpenGroup {
  alert: Alert;
  openedAt: number;
}

/** What a grouper is waiting on, as saved between restarts. */
export const GrouperSnapshotSchema = z.object({
  open: z.array(z.object({ alert: AlertSchema, openedAt: z.number() })).max(MAX_OPEN_GROUPS),
  folded: z.array(AlertSchema).max(MAX_OPEN_GROUPS),
  foldedOverflow: z.number().int().min(0),
  sent: z.array(z.number()).max(10_000),
});
/** What a grouper is waiting on, as saved between restarts. */
export type GrouperSnapshot = z.infer<typeof GrouperSnapshotSchema>;

function merge(into: Alert, a: Alert): void {
  into.count += a.count;
  into.firstSeen = Math.min(into.firstSeen, a.firstSeen);
  if (a.lastSeen >= into.lastSeen) {
    into.lastSeen = a.lastSeen;
    if (a.evidence !== '') into.evidence = a.evidence;
    if (a.identity !== '') into.identity = a.identity;
  }
  if (severityRank(a.severity) > severityRank(into.severity)) into.severity = a.severity;
}

/** Groups and rate-limits the alerts of one channel. */
export class AlertGrouper {
  private readonly open = new Map<string, OpenGroup>();
  private readonly folded = new Map<string, Alert>();
  private foldedOverflow = 0;
  private sent: number[] = [];
  /** Whether the waiting state changed since the last `snapshot()`. */
  dirty = false;

  constructor(public policy: GroupingPolicy) {}

  /** The waiting state (groups, held-back alerts, recent sends), or null when nothing waits; clears `dirty`. */
  snapshot(): GrouperSnapshot | null {
    this.dirty = false;
    if (this.open.size === 0 && this.folded.size === 0 && this.foldedOverflow === 0 && this.sent.length === 0) return null;
    return { open: [...this.open.values()], folded: [...this.folded.values()], foldedOverflow: this.foldedOverflow, sent: this.sent.slice() };
  }

  /** Takes back a saved state (before any alert is added); false when `saved` is not a valid snapshot. */
  restore(saved: unknown): boolean {
    const r = GrouperSnapshotSchema.safeParse(saved);
    if (!r.success) return false;
    for (const g of r.data.open) this.open.set(groupKey(g.alert as Alert), { alert: g.alert as Alert, openedAt: g.openedAt });
    for (const a of r.data.folded) this.folded.set(groupKey(a as Alert), a as Alert);
    this.foldedOverflow = r.data.foldedOverflow;
    this.sent = r.data.sent;
    return true;
  }

  /** Takes one alert at time `now`. */
  add(alert: Alert, now: number): void {
    this.dirty = true;
    const key = groupKey(alert);
    const g = this.open.get(key);
    if (g !== undefined) merge(g.alert, alert);
    else if (this.open.size < MAX_OPEN_GROUPS) this.open.set(key, { alert: { ...alert }, openedAt: now });
    else this.fold(key, { ...alert });
  }

  /** Groups waiting to be sent (open, or folded into the next summary). */
  get pending(): number {
    return this.open.size + this.folded.size + (this.foldedOverflow > 0 ? 1 : 0);
  }

  /** The messages to send at `now`, oldest group first, within the rate limit (a summary last if any). */
  due(now: number): Alert[] {
    const ready: Alert[] = [];
    // Groups are kept in the order they opened, so the walk stops at the first one still inside its window.
    for (const [key, g] of this.open) {
      if (now - g.openedAt < this.policy.windowMs) break;
      ready.push(g.alert);
      this.open.delete(key);
    }
    const hasFolded = this.folded.size > 0 || this.foldedOverflow > 0;
    if (ready.length === 0 && !hasFolded) return ready;
    this.dirty = true;
    let old = 0;
    while (old < this.sent.length && now - this.sent[old] >= MINUTE) old++;
    if (old > 0) this.sent.splice(0, old);
    const free = Math.max(0, this.policy.maxPerMinute - this.sent.length);
    const out: Alert[] = [];
    if (ready.length + (hasFolded ? 1 : 0) <= free) {
      out.push(...ready);
    } else {
      const individual = Math.max(0, free - 1);
      out.push(...ready.slice(0, individual));
      for (const a of ready.slice(individual)) this.fold(groupKey(a), a);
    }
    if (free > out.length && (this.folded.size > 0 || this.foldedOverflow > 0)) out.push(this.takeSummary(now));
    for (let i = 0; i < out.length; i++) this.sent.push(now);
    return out;
  }

  private fold(key: string, a: Alert): void {
    const f = this.folded.get(key);
    if (f !== undefined) merge(f, a);
    else if (this.folded.size < MAX_OPEN_GROUPS) this.folded.set(key, a);
    else this.foldedOverflow += a.count;
  }

  private takeSummary(now: number): Alert {
    const groups = [...this.folded.values()].sort((a, b) => b.count - a.count || severityRank(b.severity) - severityRank(a.severity));
    const total = groups.reduce((n, g) => n + g.count, 0) + this.foldedOverflow;
    const hosts = new Set(groups.map((g) => g.host));
    const top = groups.slice(0, SUMMARY_LISTED).map((g) => `${g.count}× ${g.type}${g.endpoint !== '' ? ` ${g.endpoint}` : ''}${g.client !== '' ? ` from ${g.client}` : ''}`);
    const more = groups.length - top.length;
    const summary: Alert = {
      type: SUMMARY_TYPE,
      category: 'policy',
      severity: groups.reduce((s, g) => (severityRank(g.severity) > severityRank(s) ? g.severity : s), groups[0]?.severity ?? 'info'),
      host: hosts.size === 1 ? [...hosts][0] : '',
      endpoint: '',
      client: '',
      identity: '',
      evidence: `${total} alerts in ${groups.length + (this.foldedOverflow > 0 ? 1 : 0)} groups were held back by the limit of ${this.policy.maxPerMinute} messages a minute: ${top.join('; ')}${more > 0 ? `; and ${more} more groups` : ''}${this.foldedOverflow > 0 ? `; ${this.foldedOverflow} alerts beyond the group limit` : ''}`,
      count: total,
      firstSeen: groups.reduce((t, g) => Math.min(t, g.firstSeen), groups[0]?.firstSeen ?? now),
      lastSeen: groups.reduce((t, g) => Math.max(t, g.lastSeen), groups[0]?.lastSeen ?? now),
      linkPath: '/findings',
    };
    this.folded.clear();
    this.foldedOverflow = 0;
    return summary;
  }
}
