/**
 * Admin password reset from the VM console. The console menu (root, image-build/overlay/usr/lib/api-radar/
 * console-menu.sh) writes `<data>/console-reset-admin` (`user=<name or empty>`, `password=<new password>`) and restarts
 * the service; at start the service consumes that request: the named admin (or the first admin) gets the new
 * password, is unlocked and signed out everywhere, the reset is audited, and `<data>/console-reset-admin.result` says
 * `ok <user>` or `error <reason>` for the menu to print. Only root can write into the data directory besides the
 * service, so the file itself is the proof that the request came from the console.
 */
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../store/clock.repository.ts';
import type { UsersRepository } from '../store/sqlite/users.repository.ts';
import type { SessionsRepository } from '../store/sqlite/sessions.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import { hashPassword, passwordProblems } from './password.hasher.ts';
import { parseKeyValues } from './host-settings.service.ts';

/** The request file the console menu writes, in the data directory. */
export const CONSOLE_RESET_REQUEST = 'console-reset-admin';
/** The result file the menu waits for, in the data directory. */
export const CONSOLE_RESET_RESULT = 'console-reset-admin.result';

/** Repositories the reset works on. */
export interface ConsoleResetDeps {
  users: UsersRepository;
  sessions: SessionsRepository;
  audit: AuditRepository;
  clock: Clock;
}

/**
 * Consumes a pending console reset request, if any (the file is removed whatever the outcome). Returns a line for the
 * service log, or null when there was no request.
 */
export async function consumeConsoleReset(dataDir: string, deps: ConsoleResetDeps): Promise<string | null> {
  const file = join(dataDir, CONSOLE_RESET_REQUEST);
  let text: string | null;
  try {
    if (!lstatSync(file).isFile()) throw new Error('not a regular file');
    text = readFileSync(file, 'utf8').slice(0, 1024);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    text = null;
  } finally {
    rmSync(file, { force: true });
  }
  const result = await reset(text, deps);
  writeFileSync(join(dataDir, CONSOLE_RESET_RESULT), `${result}\n`, { mode: 0o640 });
  return `console password reset: ${result}`;
}

async function reset(text: string | null, deps: ConsoleResetDeps): Promise<string> {
  if (text === null) return 'error the request is not a regular file';
  const kv = parseKeyValues(text);
  const name = kv.get('user') ?? '';
  const password = kv.get('password') ?? '';
  if (password === '') return 'error the request holds no password';
  const admins = deps.users.list().filter((u) => u.role === 'admin').sort((a, b) => a.id - b.id);
  const user = name === '' ? admins[0] : admins.find((u) => u.username.toLowerCase() === name.toLowerCase());
  if (user === undefined) return name === '' ? 'error there is no admin account (finish setup first)' : 'error no admin account has that name';
  const problems = passwordProblems(password, user.username);
  if (problems.length > 0) return `error the new password breaks the rules: ${problems.join('; ')}`;
  const now = deps.clock.now();
  deps.users.setPassword(user.id, await hashPassword(password), now);
  deps.users.recordSuccess(user.id, now);
  deps.sessions.deleteForUser(user.id);
  deps.audit.append({ at: now, userId: null, username: 'console', action: 'user.password_reset', target: `user:${user.username}`, ip: 'console', detail: { via: 'console menu' } });
  return `ok ${user.username}`;
}
