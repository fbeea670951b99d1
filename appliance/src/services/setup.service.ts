/**
 * First-run setup: the one-time setup token and the creation of the first admin. Until setup completes, only the
 * setup routes answer, and only with the token, which the service prints in its log and writes to a file the VM
 * console banner shows (`<data>/setup-token`); it is stored hashed. Completing setup creates the admin, removes the
 * token file and closes the setup routes for good.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../store/clock.repository.ts';
import type { SettingsRepository } from '../store/sqlite/settings.repository.ts';
import type { UsersRepository } from '../store/sqlite/users.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import { ApiError } from '../errors/error.catalogue.ts';
import { hashPassword, passwordProblems } from './password.hasher.ts';

const TOKEN_HASH_KEY = 'setup.tokenHash';
const COMPLETED_KEY = 'setup.completedAt';

/** Name of the token file in the data directory (read by the console banner). */
export const SETUP_TOKEN_FILE = 'setup-token';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Runs the first-run setup. */
export class SetupService {
  constructor(
    private readonly dataDir: string,
    private readonly settings: SettingsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Whether setup has been completed. */
  isComplete(): boolean {
    return this.settings.get<string>(COMPLETED_KEY) !== undefined;
  }

  /**
   * Makes sure a setup token exists while setup is pending: creates one (returned, to print in the log) when none
   * is stored, else returns null (the token file from the earlier start stays valid). Call at boot.
   */
  ensureToken(): string | null {
    if (this.isComplete()) return null;
    if (this.settings.get<string>(TOKEN_HASH_KEY) !== undefined) return null;
    const token = randomBytes(18).toString('base64url');
    this.settings.set(TOKEN_HASH_KEY, sha256(token).toString('hex'), this.clock.now());
    writeFileSync(join(this.dataDir, SETUP_TOKEN_FILE), `${token}\n`, { mode: 0o640 });
    return token;
  }

  /** Whether `token` is the setup token (constant-time). */
  checkToken(token: string): boolean {
    const stored = this.settings.get<string>(TOKEN_HASH_KEY);
    if (stored === undefined || this.isComplete()) return false;
    const a = sha256(token);
    const b = Buffer.from(stored, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Completes setup: creates the first admin. Throws ApiError (setup_completed, setup_token_invalid, validation_failed). */
  async complete(token: string, username: string, password: string, ip: string): Promise<void> {
    if (this.isComplete()) throw new ApiError('setup_completed');
    if (!this.checkToken(token)) throw new ApiError('setup_token_invalid');
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw new ApiError('validation_failed', { password: problems });
    const hash = await hashPassword(password);
    if (this.isComplete()) throw new ApiError('setup_completed');
    const now = this.clock.now();
    const id = this.users.create(username, hash, 'admin', now);
    this.settings.set(COMPLETED_KEY, new Date(now).toISOString(), now);
    this.settings.delete(TOKEN_HASH_KEY);
    rmSync(join(this.dataDir, SETUP_TOKEN_FILE), { force: true });
    this.audit.append({ at: now, userId: id, username, action: 'setup.complete', target: `user:${username}`, ip, detail: {} });
  }
}
