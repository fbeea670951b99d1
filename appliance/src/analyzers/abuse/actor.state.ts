/**
 * Per-actor state of the abuse detectors. An actor is a client IP (`ip:<address>`) or an identity
 * (`id:<identity>`); each call updates its client's actor and, when it carries one, its identity's actor. All
 * state is bounded by the caps in AbuseSettings.
 */
import type { BoundedSet } from './bounded.set.ts';
import { RateBucket } from './rate.baseline.ts';
import { IdFilter } from './id.filter.ts';
import type { IdCounter } from './id.counter.ts';

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

/**
 * Object-access counters of one actor on one template in the current window, and (as a RateBucket) the actor's
 * call rate on that template. One flat object per pair keeps the live heap small.
 */
export class TemplateWindow extends RateBucket {
  /** Start of the object-access window (µs). */
  winStart: number;
  calls = 0;
  /** 403/404 answers. */
  errors = 0;
  /** Distinct ids requested (allocated on the first id). */
  ids: IdCounter | null = null;
  /** Distinct ids answered 2xx (allocated on the first). */
  okIds: IdCounter | null = null;
  /** Distinct ids answered 2xx that were never given to this identity in an earlier response. */
  unseenOk = 0;
  /** Distinct page/offset values walked (allocated on the first). */
  pages: IdCounter | null = null;
  /** Longest sequential id run found at the last check, and the id count at that check. */
  run = 0;
  runCheckedAt = 0;

  constructor(ts: number) {
    super();
    this.winStart = ts;
  }

  /** Resets the object-access counters for a new window at `ts` (the rate bucket carries on). */
  resetWindow(ts: number): void {
    this.winStart = ts;
    this.calls = 0;
    this.errors = 0;
    this.ids?.clear();
    this.okIds?.clear();
    this.unseenOk = 0;
    this.pages?.clear();
    this.run = 0;
    this.runCheckedAt = 0;
  }
}

/**
 * Automation-fingerprint state of one client, kept in the actor's own object; `autoOpen` is false until the first
 * call opens a window. The window's times and gap accumulators are doubles in the analyzer's rows by actor slot
 * ({@link AUTO_ROW} numbers each, unboxed): see {@link AUTO_START}.
 */
export interface AutomationState {
  autoOpen: boolean;
  /** Inter-call gaps counted in the window. */
  gaps: number;
  lastAgent: string;
  agentIsBot: string;
  /** Distinct user agents and header orders (allocated when the agent first changes). */
  agents: BoundedSet | null;
  headerOrders: BoundedSet | null;
  firstOrder: string;
}

/** Offsets in an automation row: window start (µs), time of the last call (µs, -1 before one), Welford mean and M2 of the gaps (µs). */
export const AUTO_START = 0;
export const AUTO_LAST_TS = 1;
export const AUTO_GAP_MEAN = 2;
export const AUTO_GAP_M2 = 3;
/** Numbers per automation row. */
export const AUTO_ROW = 4;

/**
 * All state of one actor. The actor is its own all-endpoints rate bucket (one object and one memory access less per
 * call than a bucket of its own).
 */
export class ActorState extends RateBucket implements AutomationState {
  // The fields every call reads come first (fewer cache lines touched per call).
  /** Templates tracked for this actor (in the pair table and in `templates`). */
  templateCount = 0;
  autoOpen = false;
  gaps = 0;
  lastAgent = '\u0000';
  sensitiveRecords = 0;
  /**
   * Identities only: the serial of their first client's actor (a number compare spares most string compares of
   * `homeIp`; no reference, so an evicted client actor is not kept alive); -1 until then.
   */
  homeSerial = -1;
  multiIp = false;
  login: LoginWindow | null = null;
  /**
   * Templates without an interned id (past the analyzer's template cap): the window, or while the template was called
   * once only, the time of that call (a window opens on the second call). Created on first use; the other templates'
   * windows are in the analyzer's pair table.
   */
  templates: Map<string, TemplateWindow | number> | null = null;
  /** Templates not tracked because the actor had the maximum. */
  templatesOverflow = 0;
  sensitiveStart = -1;
  agentIsBot = '';
  agents: BoundedSet | null = null;
  headerOrders: BoundedSet | null = null;
  firstOrder = '';
  /** Ids given to this identity in responses (identities only; a Bloom filter of fixed size). */
  learnedIds: IdFilter | null;
  /** Identities only: the first client IP it was used from (`multiIp`: used from another one since). */
  homeIp = '';

  /**
   * @param key `ip:<address>` or `id:<identity>`
   * @param serial the actor's serial in the actor registry (unique; an actor re-created after eviction gets a new one)
   */
  constructor(
    readonly key: string,
    readonly serial: number,
  ) {
    super();
    this.learnedIds = key.startsWith('id:') ? new IdFilter() : null;
  }
}

/** A fresh actor state. */
export function newActor(key: string, serial: number): ActorState {
  return new ActorState(key, serial);
}

/** Masks a username for evidence: first character and stars. */
export function maskUser(u: string): string {
  if (u.length === 0) return '(empty)';
  return u.slice(0, 1) + '***';
}
