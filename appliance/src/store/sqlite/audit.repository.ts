/** The audit trail: who did what, when, from where. Append-only. */
import type { StateDatabase } from './state.database.ts';

/** One audit entry. */
export interface AuditEntry {
  id: number;
  at: number;
  userId: number | null;
  username: string;
  action: string;
  target: string;
  ip: string;
  detail: Record<string, unknown>;
}

/** Appends to and reads the audit trail. */
export class AuditRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Appends one entry. `detail` must not hold secrets. */
  append(e: Omit<AuditEntry, 'id'>): void {
    this.db
      .prepare('INSERT INTO audit_log (at, user_id, username, action, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.userId, e.username, e.action, e.target, e.ip, JSON.stringify(e.detail));
  }

  /** The newest entries first, before `beforeId` when given (keyset paging). */
  list(limit: number, beforeId?: number): AuditEntry[] {
    const rows = (
      beforeId === undefined
        ? this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?').all(beforeId, limit)
    ) as Array<{ id: number; at: number; user_id: number | null; username: string; action: string; target: string; ip: string; detail: string }>;
    return rows.map((r) => ({ id: r.id, at: r.at, userId: r.user_id, username: r.username, action: r.action, target: r.target, ip: r.ip, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
