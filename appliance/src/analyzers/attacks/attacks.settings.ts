/**
 * Settings of the attack detection analyzer: the bounds on work per call and the response size and time baselines
 * used to grade attempts (both learned after `sizeBaselineMinSamples` clean 2xx calls of an endpoint). Every limit is named here; {@link resolveAttackSettings} fills defaults.
 */

/** Attack analyzer settings. */
export interface AttackSettings {
  /** Most inputs (values and names) inspected per call. */
  maxInputs: number;
  /** Characters of one value inspected (a longer value is inspected in its first and last half of this). */
  maxValueLength: number;
  /** Request body bytes parsed for inputs. */
  maxBodyBytes: number;
  /** Response body bytes searched for success signatures and reflections. */
  maxResponseBytes: number;
  /** Calls of an endpoint with a 2xx response needed before its response size and time baselines are used. */
  sizeBaselineMinSamples: number;
  /** A response is unusually large when above mean + this many standard deviations ... */
  sizeBaselineSigmas: number;
  /** ... and at least this many times the mean. */
  sizeBaselineRatio: number;
  /** A response is unusually slow when above mean + this many standard deviations of the endpoint's times ... */
  timeBaselineSigmas: number;
  /** ... and at least this many times the mean ... */
  timeBaselineRatio: number;
  /** ... and at least this long (µs): time-based blind payloads wait seconds. */
  timeBaselineMinDelayUs: number;
  /** Endpoints whose size baseline is kept (the table is reset when full). */
  sizeBaselineEndpoints: number;
  /** Clean values remembered so repeated ones are not scanned again (the cache is reset when full; 0 disables it). */
  cleanCacheSize: number;
}

/** Defaults of {@link AttackSettings}. */
export const DEFAULT_ATTACK_SETTINGS: Readonly<AttackSettings> = {
  maxInputs: 256,
  maxValueLength: 4096,
  maxBodyBytes: 65536,
  maxResponseBytes: 65536,
  sizeBaselineMinSamples: 20,
  sizeBaselineSigmas: 4,
  sizeBaselineRatio: 3,
  timeBaselineSigmas: 4,
  timeBaselineRatio: 5,
  timeBaselineMinDelayUs: 1_000_000,
  sizeBaselineEndpoints: 20000,
  cleanCacheSize: 8192,
};

/** Settings with defaults for what `partial` leaves out. */
export function resolveAttackSettings(partial: Partial<AttackSettings> = {}): AttackSettings {
  return { ...DEFAULT_ATTACK_SETTINGS, ...partial };
}
