/**
 * Sign-in and sessions: argon2id password checks, per-account lockout after repeated failures, per-address rate
 * limiting, session ids stored hashed with idle and absolute timeouts, and a CSRF token per session that every
 * state-changing request must echo in the `X-CSRF-Token` header.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../store/clock.repository.ts';
import type { Role, UsersRepository, UserRecord } from '../store/sqlite/users.repository.ts';
import type { SessionsRepository } from '../store/sqlite/sessions.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import { hashPassword, passwordProblems, verifyPassword } from './password.hasher.ts';

/** Limits of the sign-in and session policy. */
export interface AuthPolicy {
  /** Failed sign-ins in a row that lock an account. */
  maxFailures: number;
  /** How long a locked account stays locked. */
  lockMs: number;
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use. */
  absoluteMs: number;
  /** Sign-in attempts per client address per minute. */
  attemptsPerMinute: number;
}

/** The defaults: 5 failures lock for 15 minutes; 30 minutes idle; 12 hours absolute; 10 attempts a minute. */
export const DEFAULT_AUTH_POLICY: AuthPolicy = { maxFailures: 5, lockMs: 15 * 60_000, idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, attemptsPerMinute: 10 };

/** The signed-in user of a request. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  csrfToken: string;
  sessionHash: string;
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** Whether `role` is at least `needed`. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Signs users in and out and resolves sessions. */
export class AuthService {
  private readonly attempts = new Map<string, { windowStart: number; n: number }>();
  /** A fixed hash checked against when the user does not exist, so timing does not reveal user names. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly policy: AuthPolicy = DEFAULT_AUTH_POLICY,
  ) {}

  /** Signs in; returns the new session id (for the cookie) and its principal. Throws ApiError. */
  async login(username: string, password: string, ip: string, userAgent: string): Promise<{ sessionId: string; principal: Principal }> {
    const now = this.clock.now();
    this.rateLimit(ip, now);
    const user = this.users.byName(username);
    if (user === undefined) {
      this.dummyHash ??= hashPassword('not a real password, only for timing');
      await verifyPassword(await this.dummyHash, password);
      this.audit.append({ at: now, userId: null, username: username.slice(0, 64), action: 'auth.login_failed', target: '', ip, detail: { reason: 'unknown_user' } });
      throw new ApiError('invalid_credentials');
    }
    if (user.lockedUntil > now) throw new ApiError('account_locked');
    if (!(await verifyPassword(user.passwordHash, password))) {
      const lock = user.failedLogins + 1 >= this.policy.maxFailures ? now + this.policy.lockMs : null;
      this.users.recordFailure(user.id, lock, now);
      this.audit.append({ at: now, userId: user.id, username: user.username, action: lock === null ? 'auth.login_failed' : 'auth.account_locked', target: `user:${user.username}`, ip, detail: {} });
      throw new ApiError(lock === null ? 'invalid_credentials' : 'account_locked');
    }
    this.users.recordSuccess(user.id, now);
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const sessionHash = hashId(sessionId);
    this.sessions.create({ idHash: sessionHash, userId: user.id, csrfToken, createdAt: now, lastSeenAt: now }, ip, userAgent);
    this.audit.append({ at: now, userId: user.id, username: user.username, action: 'auth.login', target: `user:${user.username}`, ip, detail: {} });
    return { sessionId, principal: { userId: user.id, username: user.username, role: user.role, csrfToken, sessionHash } };
  }

  /** The principal of a session id, or throws `auth_required` / `session_expired`. Refreshes the idle timer. */
  resolve(sessionId: string | undefined): Principal {
    if (sessionId === undefined || sessionId === '') throw new ApiError('auth_required');
    const idHash = hashId(sessionId);
    const s = this.sessions.get(idHash);
    if (s === undefined) throw new ApiError('auth_required');
    const now = this.clock.now();
    if (now - s.lastSeenAt > this.policy.idleMs || now - s.createdAt > this.policy.absoluteMs) {
      this.sessions.delete(idHash);
      throw new ApiError('session_expired');
    }
    const user: UserRecord | undefined = this.users.byId(s.userId);
    if (user === undefined) throw new ApiError('auth_required');
    this.sessions.touch(idHash, now);
    return { userId: user.id, username: user.username, role: user.role, csrfToken: s.csrfToken, sessionHash: idHash };
  }

  /** Ends a session. */
  logout(p: Principal, ip: string): void {
    this.sessions.delete(p.sessionHash);
    this.audit.append({ at: this.clock.now(), userId: p.userId, username: p.username, action: 'auth.logout', target: '', ip, detail: {} });
  }

  /** Creates a user (admin action). */
  async createUser(actor: Principal, username: string, password: string, role: Role, ip: string): Promise<number> {
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw new ApiError('validation_failed', { password: problems });
    if (this.users.byName(username) !== undefined) throw new ApiError('conflict', undefined, 'A user with this name exists.');
    const id = this.users.create(username, await hashPassword(password), role, this.clock.now());
    this.audit.append({ at: this.clock.now(), userId: actor.userId, username: actor.username, action: 'user.create', target: `user:${username}`, ip, detail: { role } });
    return id;
  }

  /**
   * Changes a user's role (admin action). Their sessions end at once, so the new role applies from their next sign-in.
   * The last administrator cannot be demoted.
   */
  setRole(actor: Principal, userId: number, role: Role, ip: string): UserRecord {
    const user = this.existingUser(userId);
    if (user.role === role) return user;
    if (user.role === 'admin') this.keepAnAdmin();
    const now = this.clock.now();
    this.users.setRole(user.id, role, now);
    this.sessions.deleteForUser(user.id);
    this.audit.append({ at: now, userId: actor.userId, username: actor.username, action: 'user.role_change', target: `user:${user.username}`, ip, detail: { from: user.role, to: role } });
    return { ...user, role };
  }

  /** Removes a user (admin action) with their sessions. The last administrator cannot be removed. */
  removeUser(actor: Principal, userId: number, ip: string): void {
    const user = this.existingUser(userId);
    if (user.role === 'admin') this.keepAnAdmin();
    this.users.remove(user.id);
    this.sessions.deleteForUser(user.id);
    this.audit.append({ at: this.clock.now(), userId: actor.userId, username: actor.username, action: 'user.remove', target: `user:${user.username}`, ip, detail: { role: user.role } });
  }

  private existingUser(userId: number): UserRecord {
    const user = this.users.byId(userId);
    if (user === undefined) throw new ApiError('not_found');
    return user;
  }

  private keepAnAdmin(): void {
    if (this.users.countRole('admin') <= 1) throw new ApiError('last_admin');
  }

  /** Changes the signed-in user's password; ends their other sessions. */
  async changePassword(p: Principal, current: string, next: string, ip: string): Promise<void> {
    const user = this.users.byId(p.userId);
    if (user === undefined || !(await verifyPassword(user.passwordHash, current))) throw new ApiError('invalid_credentials');
    const problems = passwordProblems(next, user.username);
    if (problems.length > 0) throw new ApiError('validation_failed', { password: problems });
    this.users.setPassword(user.id, await hashPassword(next), this.clock.now());
    this.sessions.deleteForUser(user.id);
    this.audit.append({ at: this.clock.now(), userId: user.id, username: user.username, action: 'user.password_change', target: `user:${user.username}`, ip, detail: {} });
  }

  private rateLimit(ip: string, now: number): void {
    const a = this.attempts.get(ip);
    if (a === undefined || now - a.windowStart >= 60_000) {
      if (this.attempts.size > 10_000) this.attempts.clear();
      this.attempts.set(ip, { windowStart: now, n: 1 });
      return;
    }
    a.n++;
    if (a.n > this.policy.attemptsPerMinute) throw new ApiError('rate_limited');
  }
}
