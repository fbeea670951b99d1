/**
 * The clock as a repository, so services that expire sessions, lock accounts or schedule jobs can be tested by
 * moving time instead of waiting.
 */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests set and advance. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.ms += ms;
  }
  /** Sets the time. */
  set(ms: number): void {
    this.ms = ms;
  }
}
