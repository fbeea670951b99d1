/**
 * Notification channels and their delivery records in the state database (migration 0300), and the alerts waiting
 * in each channel's grouper (migration 0302).
 */
import type { Severity } from '../../analyzers/call.context.ts';
import { prepared, type StateDatabase } from './state.database.ts';

/** One stored channel; `settings` holds secrets in clear (the service redacts them for the API). */
export interface StoredChannel {
  id: number;
  name: string;
  kind: string;
  enabled: boolean;
  minSeverity: Severity;
  groupWindowSeconds: number;
  maxPerMinute: number;
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** A channel as created or replaced. */
export type ChannelInput = Omit<StoredChannel, 'id' | 'createdAt' | 'updatedAt'>;

/** What a delivery carried. */
export type DeliveryKind = 'alert' | 'summary' | 'test';

/** Where a delivery stands. */
export type DeliveryStatus = 'sending' | 'sent' | 'failed';

/** One delivery through a channel. */
export interface DeliveryRecord {
  id: number;
  channelId: number;
  kind: DeliveryKind;
  alertType: string;
  severity: string;
  title: string;
  count: number;
  status: DeliveryStatus;
  attempts: number;
  /** What went wrong, in words ('' when sent). */
  error: string;
  detail: string;
  /** The delivery this one retries, or null. */
  retryOf: number | null;
  createdAt: number;
  finishedAt: number | null;
}

interface ChannelRow {
  id: number;
  name: string;
  kind: string;
  enabled: number;
  min_severity: Severity;
  group_window_s: number;
  max_per_minute: number;
  settings: string;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  id: number;
  channel_id: number;
  kind: DeliveryKind;
  alert_type: string;
  severity: string;
  title: string;
  count: number;
  status: DeliveryStatus;
  attempts: number;
  error: string;
  detail: string;
  retry_of: number | null;
  created_at: number;
  finished_at: number | null;
}

const DELIVERY_COLUMNS = 'id, channel_id, kind, alert_type, severity, title, count, status, attempts, error, detail, retry_of, created_at, finished_at';

function toChannel(r: ChannelRow): StoredChannel {
  return { id: r.id, name: r.name, kind: r.kind, enabled: r.enabled === 1, minSeverity: r.min_severity, groupWindowSeconds: r.group_window_s, maxPerMinute: r.max_per_minute, settings: JSON.parse(r.settings) as Record<string, unknown>, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toDelivery(r: DeliveryRow): DeliveryRecord {
  return { id: r.id, channelId: r.channel_id, kind: r.kind, alertType: r.alert_type, severity: r.severity, title: r.title, count: r.count, status: r.status, attempts: r.attempts, error: r.error, detail: r.detail, retryOf: r.retry_of, createdAt: r.created_at, finishedAt: r.finished_at };
}

/** Stores channels and deliveries. */
export class NotifierChannelsRepository {
  constructor(private readonly db: StateDatabase) {}

  list(): StoredChannel[] {
    return (this.db.prepare('SELECT * FROM notifier_channels ORDER BY id').all() as ChannelRow[]).map(toChannel);
  }

  get(id: number): StoredChannel | undefined {
    const r = this.db.prepare('SELECT * FROM notifier_channels WHERE id = ?').get(id) as ChannelRow | undefined;
    return r === undefined ? undefined : toChannel(r);
  }

  /** Whether another channel than `exceptId` has `name`. */
  nameTaken(name: string, exceptId = 0): boolean {
    return this.db.prepare('SELECT 1 FROM notifier_channels WHERE name = ? AND id <> ?').get(name, exceptId) !== undefined;
  }

  /** Creates a channel; returns its id. */
  create(c: ChannelInput, now: number): number {
    const r = this.db
      .prepare('INSERT INTO notifier_channels (name, kind, enabled, min_severity, group_window_s, max_per_minute, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(c.name, c.kind, c.enabled ? 1 : 0, c.minSeverity, c.groupWindowSeconds, c.maxPerMinute, JSON.stringify(c.settings), now, now);
    return Number(r.lastInsertRowid);
  }

  /** Replaces channel `id` (its kind cannot change); false when there is none. */
  update(id: number, c: Omit<ChannelInput, 'kind'>, now: number): boolean {
    return (
      this.db
        .prepare('UPDATE notifier_channels SET name = ?, enabled = ?, min_severity = ?, group_window_s = ?, max_per_minute = ?, settings = ?, updated_at = ? WHERE id = ?')
        .run(c.name, c.enabled ? 1 : 0, c.minSeverity, c.groupWindowSeconds, c.maxPerMinute, JSON.stringify(c.settings), now, id).changes > 0
    );
  }

  /** Deletes channel `id` with its deliveries; false when there was none. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM notifier_channels WHERE id = ?').run(id).changes > 0;
  }

  /** Saves the waiting alerts of channels (JSON snapshots; null removes a channel's), in one transaction. */
  savePending(states: ReadonlyArray<{ channelId: number; state: unknown }>, now: number): void {
    const put = prepared(this.db, 'INSERT INTO notifier_pending (channel_id, state, updated_at) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM notifier_channels WHERE id = ?) ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at');
    const del = prepared(this.db, 'DELETE FROM notifier_pending WHERE channel_id = ?');
    this.db.transaction(() => {
      for (const s of states) {
        if (s.state === null) del.run(s.channelId);
        else put.run(s.channelId, JSON.stringify(s.state), now, s.channelId);
      }
    })();
  }

  /** The saved waiting alerts of channel `id` (parsed JSON), undefined when none. */
  pendingOf(id: number): unknown {
    const r = prepared(this.db, 'SELECT state FROM notifier_pending WHERE channel_id = ?').get(id) as { state: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.state) as unknown);
  }

  /** Records a delivery that is starting; returns its id. */
  startDelivery(d: Pick<DeliveryRecord, 'channelId' | 'kind' | 'alertType' | 'severity' | 'title' | 'count' | 'retryOf'> & { alert: unknown }, now: number): number {
    const r = this.db
      .prepare("INSERT INTO notifier_deliveries (channel_id, kind, alert_type, severity, title, count, status, alert, retry_of, created_at) VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?, ?)")
      .run(d.channelId, d.kind, d.alertType, d.severity, d.title, d.count, JSON.stringify(d.alert), d.retryOf, now);
    return Number(r.lastInsertRowid);
  }

  /** Records how delivery `id` ended. */
  finishDelivery(id: number, status: 'sent' | 'failed', attempts: number, error: string, detail: string, now: number): void {
    this.db.prepare('UPDATE notifier_deliveries SET status = ?, attempts = ?, error = ?, detail = ?, finished_at = ? WHERE id = ?').run(status, attempts, error, detail, now, id);
  }

  /** The alert delivery `id` carried (as stored JSON), or undefined. */
  deliveryAlert(id: number): unknown {
    const r = this.db.prepare('SELECT alert FROM notifier_deliveries WHERE id = ?').get(id) as { alert: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.alert) as unknown);
  }

  getDelivery(id: number): DeliveryRecord | undefined {
    const r = this.db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM notifier_deliveries WHERE id = ?`).get(id) as DeliveryRow | undefined;
    return r === undefined ? undefined : toDelivery(r);
  }

  /** Deliveries newest first, of one channel when `channelId` is given, before id `beforeId` (keyset paging). */
  deliveries(limit: number, channelId?: number, beforeId?: number): DeliveryRecord[] {
    const where: string[] = [];
    const args: number[] = [];
    if (channelId !== undefined) {
      where.push('channel_id = ?');
      args.push(channelId);
    }
    if (beforeId !== undefined) {
      where.push('id < ?');
      args.push(beforeId);
    }
    const sql = `SELECT ${DELIVERY_COLUMNS} FROM notifier_deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as DeliveryRow[]).map(toDelivery);
  }

  /**
   * Failed alert and summary deliveries not yet sent again that failed after `since`, with how many earlier
   * deliveries their retry chain holds (0 for a first delivery), oldest first.
   */
  failedUnretried(since: number, limit: number): Array<{ id: number; finishedAt: number; chainDepth: number }> {
    return this.db
      .prepare(
        `WITH RECURSIVE chain(start, id, depth) AS (
           SELECT d.id, d.retry_of, 0 FROM notifier_deliveries d
            WHERE d.status = 'failed' AND d.kind IN ('alert', 'summary') AND d.finished_at >= ?
              AND NOT EXISTS (SELECT 1 FROM notifier_deliveries r WHERE r.retry_of = d.id)
           UNION ALL
           SELECT c.start, p.retry_of, c.depth + 1 FROM chain c JOIN notifier_deliveries p ON p.id = c.id WHERE c.depth < 50
         )
         SELECT c.start AS id, d.finished_at AS finishedAt, max(c.depth) AS chainDepth
           FROM chain c JOIN notifier_deliveries d ON d.id = c.start
          GROUP BY c.start ORDER BY c.start LIMIT ?`,
      )
      .all(since, limit) as Array<{ id: number; finishedAt: number; chainDepth: number }>;
  }

  /** Deletes delivery records older than `before`; returns how many. */
  pruneDeliveries(before: number): number {
    return this.db.prepare("DELETE FROM notifier_deliveries WHERE created_at < ? AND status <> 'sending'").run(before).changes;
  }
}
