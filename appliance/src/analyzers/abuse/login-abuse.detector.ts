/**
 * Login abuse: `credential_stuffing` (one client, many usernames, high failure ratio) and `brute_force` (one
 * account, many passwords — from one client, or distributed over many). Counts in tumbling windows; once a
 * threshold holds, every further login call of that client (or on that account) in the window carries the
 * detection, with the figures that made it fire.
 */
import type { Detection } from '../call.context.ts';
import type { LoginAttempt } from '../identity/login.detector.ts';
import type { AbuseSettings } from './abuse.settings.ts';
import { BoundedSet } from './bounded.set.ts';
import { GenerationalCache } from '../identity/lru.cache.ts';
import { maskUser, type AccountWindow, type ActorState, type LoginWindow } from './actor.state.ts';

function newWindow(ts: number, cap: number): LoginWindow {
  return { start: ts, attempts: 0, failures: 0, usernames: new BoundedSet(cap), accounts: new Map(), accountsOverflow: 0 };
}

/** Counts one login attempt of `actor` (a client) at `ts` and returns what fired. */
export function observeLogin(actor: ActorState, login: LoginAttempt, ts: number, s: AbuseSettings, out: Detection[]): void {
  const windowUs = s.windowSec * 1e6;
  let w = actor.login;
  if (w === null || ts - w.start >= windowUs || ts < w.start) {
    w = newWindow(ts, s.caps.valuesPerCounter);
    actor.login = w;
  }
  w.attempts++;
  const failed = login.outcome === 'failure';
  if (failed) w.failures++;
  const user = login.username;
  w.usernames.add(user);

  const cs = s.credentialStuffing;
  const ratio = w.failures / w.attempts;
  if (w.attempts >= cs.minAttempts && w.usernames.distinct >= cs.minUsernames && ratio >= cs.minFailureRatio) {
    out.push({
      type: 'credential_stuffing',
      category: 'abuse',
      severity: 'high',
      rule: 'abuse.credential_stuffing',
      evidence:
        `${w.attempts} login attempts with ${w.usernames.distinct} distinct usernames in ${Math.round((ts - w.start) / 1e6)}s, ` +
        `${Math.round(ratio * 100)}% failed (limits: ≥${cs.minAttempts} attempts, ≥${cs.minUsernames} usernames, ≥${Math.round(cs.minFailureRatio * 100)}% failed); ` +
        `latest ${login.kind} login as ${maskUser(user)} → ${login.outcome} (${login.reason})`,
    });
  }

  let acc = w.accounts.get(user);
  if (acc === undefined) {
    if (w.accounts.size >= s.caps.accountsPerActor) {
      w.accountsOverflow++;
      return;
    }
    acc = { attempts: 0, failures: 0, passwords: new BoundedSet(s.caps.valuesPerCounter), firing: false } satisfies AccountWindow;
    w.accounts.set(user, acc);
  }
  acc.attempts++;
  if (failed) acc.failures++;
  if (login.passwordFp !== '') acc.passwords.add(login.passwordFp);
  const bf = s.bruteForce;
  if (acc.failures >= bf.minFailures && acc.passwords.distinct >= bf.minPasswords) acc.firing = true;
  if (acc.firing) {
    const success = login.outcome === 'success';
    out.push({
      type: 'brute_force',
      category: 'abuse',
      severity: success ? 'critical' : 'high',
      rule: success ? 'abuse.brute_force.success' : 'abuse.brute_force',
      evidence:
        `${acc.failures} failed of ${acc.attempts} ${login.kind} logins on account ${maskUser(user)} with ${acc.passwords.distinct} distinct passwords ` +
        `(limits: ≥${bf.minFailures} failures, ≥${bf.minPasswords} passwords)` +
        (success ? `; this attempt succeeded (${login.reason}): the account may be compromised` : ''),
    });
  }
}

/** Brute-force counters for one account across every client. */
interface SharedAccountWindow {
  start: number;
  attempts: number;
  failures: number;
  passwords: BoundedSet;
  /** Failed attempts per client (at most `valuesPerCounter` clients; others counted in `clientsOverflow`). */
  clients: Map<string, number>;
  clientsOverflow: number;
}

/**
 * Distributed brute force: one account attacked from many clients, each staying under the per-client limits.
 * Counts per account (bounded by a generational cache) in the same window; fires on the logins of every client
 * taking part once the account-wide limits hold and at least `minClients` clients took part.
 */
export class AccountLoginTracker {
  private readonly accounts: GenerationalCache<string, SharedAccountWindow>;

  constructor(private readonly s: AbuseSettings) {
    this.accounts = new GenerationalCache(Math.max(2, s.caps.actors));
  }

  /** Counts one login attempt from `client` and pushes `brute_force` when the account-wide limits hold. */
  observe(client: string, login: LoginAttempt, ts: number, out: Detection[]): void {
    if (login.username === '') return;
    const s = this.s;
    let w = this.accounts.get(login.username);
    if (w === undefined || ts - w.start >= s.windowSec * 1e6 || ts < w.start) {
      w = { start: ts, attempts: 0, failures: 0, passwords: new BoundedSet(s.caps.valuesPerCounter), clients: new Map(), clientsOverflow: 0 };
      this.accounts.set(login.username, w);
    }
    w.attempts++;
    const failed = login.outcome === 'failure';
    if (failed) w.failures++;
    if (login.passwordFp !== '') w.passwords.add(login.passwordFp);
    let mine = w.clients.get(client);
    if (mine === undefined) {
      if (w.clients.size >= s.caps.valuesPerCounter) w.clientsOverflow++;
      else w.clients.set(client, (mine = 0));
    }
    if (mine !== undefined && failed) w.clients.set(client, ++mine);
    const bf = s.bruteForce;
    const clients = w.clients.size + w.clientsOverflow;
    // A client is only blamed when it failed on the account itself enough times: the owner who logs in during an
    // attack (perhaps after a typo or two) is not the attacker.
    if (clients >= bf.minClients && (mine ?? 0) >= bf.minClientFailures && w.failures >= bf.minFailures && w.passwords.distinct >= bf.minPasswords) {
      const success = login.outcome === 'success';
      out.push({
        type: 'brute_force',
        category: 'abuse',
        severity: success ? 'critical' : 'high',
        rule: success ? 'abuse.brute_force.distributed.success' : 'abuse.brute_force.distributed',
        evidence:
          `${w.failures} failed of ${w.attempts} logins on account ${maskUser(login.username)} from ${clients} clients with ${w.passwords.distinct} distinct passwords, ${mine} failures from this client ` +
          `(distributed; limits: ≥${bf.minFailures} failures, ≥${bf.minPasswords} passwords, ≥${bf.minClients} clients, ≥${bf.minClientFailures} failures from the client)` +
          (success ? `; this attempt succeeded (${login.reason}): the account may be compromised` : ''),
      });
    }
  }
}
