/**
 * Per-actor state of the abuse detectors. An actor is a client IP (`ip:<address>`) or an identity
 * (`id:<identity>`); each call updates its client's actor and, when it carries one, its identity's actor. All
 * state is bounded by the caps in AbuseSettings.
 */
import { BoundedSet } from './bounded.set.ts';
import { RateBucket } from './rate.baseline.ts';

/** Login counters of one client in the current window. */
export interface LoginWindow {
  start: number;
  attempts: number;
  failures: number;
  usernames: BoundedSet;
  /** Per account tried: failures, distinct passwords, whether a success followed. */
  accounts: Map<string, AccountWindow>;
  accountsOverflow: number;
}

/** Brute-force counters for one account from one client. */
export interface AccountWindow {
  attempts: number;
  failures: number;
  passwords: BoundedSet;
  firing: boolean;
}

/** Object-access counters of one actor on one template in the current window. */
export interface TemplateWindow {
  start: number;
  calls: number;
  /** 403/404 answers. */
  errors: number;
  /** Distinct ids requested. */
  ids: BoundedSet;
  /** Distinct ids answered 2xx. */
  okIds: BoundedSet;
  /** Distinct ids answered 2xx that were never given to this identity in an earlier response. */
  unseenOk: number;
  /** Distinct page/offset values walked. */
  pages: BoundedSet;
  /** Longest sequential id run found at the last check, and the id count at that check. */
  run: number;
  runCheckedAt: number;
  rate: RateBucket;
}

/** Automation-fingerprint state of one client. */
export interface AutomationState {
  start: number;
  lastTs: number;
  /** Welford accumulators of inter-call gaps (µs). */
  gaps: number;
  gapMean: number;
  gapM2: number;
  lastAgent: string;
  agentIsBot: string;
  agents: BoundedSet;
  headerOrders: BoundedSet;
}

/** All state of one actor. */
export interface ActorState {
  key: string;
  login: LoginWindow | null;
  templates: Map<string, TemplateWindow>;
  templatesOverflow: number;
  rate: RateBucket;
  sensitiveStart: number;
  sensitiveRecords: number;
  automation: AutomationState | null;
  /** Ids given to this identity in responses (identities only). */
  learnedIds: BoundedSet | null;
}

/** A fresh actor state. */
export function newActor(key: string, learnedIds: number): ActorState {
  return {
    key,
    login: null,
    templates: new Map(),
    templatesOverflow: 0,
    rate: new RateBucket(),
    sensitiveStart: -1,
    sensitiveRecords: 0,
    automation: null,
    learnedIds: key.startsWith('id:') ? new BoundedSet(learnedIds) : null,
  };
}

/** A fresh template window starting at `ts`. */
export function newTemplateWindow(ts: number, idCap: number): TemplateWindow {
  return { start: ts, calls: 0, errors: 0, ids: new BoundedSet(idCap), okIds: new BoundedSet(idCap), unseenOk: 0, pages: new BoundedSet(idCap), run: 0, runCheckedAt: 0, rate: new RateBucket() };
}

/** Resets a template window in place for a new window at `ts` (the rate bucket carries on). */
export function resetTemplateWindow(w: TemplateWindow, ts: number): void {
  w.start = ts;
  w.calls = 0;
  w.errors = 0;
  w.ids.clear();
  w.okIds.clear();
  w.unseenOk = 0;
  w.pages.clear();
  w.run = 0;
  w.runCheckedAt = 0;
}

/** Masks a username for evidence: first character and stars. */
export function maskUser(u: string): string {
  if (u.length === 0) return '(empty)';
  return u.slice(0, 1) + '***';
}
