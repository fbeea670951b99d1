/** Users of the appliance (admin, analyst, viewer) with their password hashes and lockout state. */
import type { StateDatabase } from './state.database.ts';

/** A user's role, from most to least privileged. */
export type Role = 'admin' | 'analyst' | 'viewer';

/** One user row. */
export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
  role: Role;
  failedLogins: number;
  lockedUntil: number;
  createdAt: number;
}

interface Row {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  failed_logins: number;
  locked_until: number;
  created_at: number;
}

function toRecord(r: Row): UserRecord {
  return { id: r.id, username: r.username, passwordHash: r.password_hash, role: r.role, failedLogins: r.failed_logins, lockedUntil: r.locked_until, createdAt: r.created_at };
}

/** Stores users. */
export class UsersRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Number of users. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** The user named `username` (case-insensitive), or undefined. */
  byName(username: string): UserRecord | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r === undefined ? undefined : toRecord(r);
  }

  /** The user with `id`, or undefined. */
  byId(id: number): UserRecord | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toRecord(r);
  }

  /** All users, by name. */
  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as Row[]).map(toRecord);
  }

  /** Creates a user and returns its id. */
  create(username: string, passwordHash: string, role: Role, nowMs: number): number {
    const r = this.db.prepare('INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(username, passwordHash, role, nowMs, nowMs);
    return Number(r.lastInsertRowid);
  }

  /** Records a failed sign-in; locks the account until `lockUntil` when given. */
  recordFailure(id: number, lockUntil: number | null, nowMs: number): void {
    if (lockUntil === null) this.db.prepare('UPDATE users SET failed_logins = failed_logins + 1, updated_at = ? WHERE id = ?').run(nowMs, id);
    else this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = ?, updated_at = ? WHERE id = ?').run(lockUntil, nowMs, id);
  }

  /** Clears the failure count after a successful sign-in. */
  recordSuccess(id: number, nowMs: number): void {
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?').run(nowMs, id);
  }

  /** Replaces a user's password hash. */
  setPassword(id: number, passwordHash: string, nowMs: number): void {
    this.db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, nowMs, id);
  }

  /** Number of users with `role`. */
  countRole(role: Role): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users WHERE role = ?').get(role) as { n: number }).n;
  }

  /** Changes a user's role. */
  setRole(id: number, role: Role, nowMs: number): void {
    this.db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(role, nowMs, id);
  }

  /** Removes a user (their sessions go with them: ON DELETE CASCADE). */
  remove(id: number): void {
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }
}
