/** Login sessions: stored by the SHA-256 of their id (a stolen database holds no usable session id). */
import { prepared, type StateDatabase } from './state.database.ts';

/** One session row. */
export interface SessionRecord {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

/** Stores sessions. */
export class SessionsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Stores a new session. */
  create(s: SessionRecord, ip: string, userAgent: string): void {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.idHash, s.userId, s.csrfToken, s.createdAt, s.lastSeenAt, ip, userAgent.slice(0, 256));
  }

  /** The session with `idHash`, or undefined. */
  get(idHash: string): SessionRecord | undefined {
    const r = prepared(this.db, 'SELECT id_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?').get(idHash) as
      | { id_hash: string; user_id: number; csrf_token: string; created_at: number; last_seen_at: number }
      | undefined;
    return r === undefined ? undefined : { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at };
  }

  /** Marks activity on a session. */
  touch(idHash: string, nowMs: number): void {
    prepared(this.db, 'UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(nowMs, idHash);
  }

  /** Ends one session. */
  delete(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  /** Ends every session of a user (password change, role change). */
  deleteForUser(userId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  /** Removes sessions idle since `idleBefore` or created before `createdBefore`. */
  purge(idleBefore: number, createdBefore: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?').run(idleBefore, createdBefore).changes;
  }
}
