/**
 * Settings of the exposure checks with documented defaults (docs/behaviour.md): which responses are scanned for
 * verbose errors and how much, what counts as a weak JWT, which headers sensitive endpoints must send.
 */

/** Exposure check settings. */
export interface ExposureSettings {
  /** Scan responses with a status of at least this for verbose errors (500: only server errors; 0: all). */
  verboseErrorMinStatus: number;
  /** Response bytes scanned for verbose errors. */
  verboseErrorBytes: number;
  /** JWT lifetimes (exp − iat) longer than this, in seconds, are weak. */
  jwtMaxLifetimeSec: number;
  /** Claim names (lower case, compared without `_` and `-`) that must not travel in a JWT payload. */
  jwtSensitiveClaims: string[];
  /** Query parameter names (lower case) that carry passwords. */
  passwordParams: string[];
}

/** Defaults. */
export const DEFAULT_EXPOSURE_SETTINGS: ExposureSettings = {
  verboseErrorMinStatus: 400,
  verboseErrorBytes: 16_384,
  jwtMaxLifetimeSec: 30 * 24 * 3600,
  jwtSensitiveClaims: ['password', 'passwd', 'pwd', 'secret', 'clientsecret', 'ssn', 'idcard', 'idnumber', 'idno', 'cardnumber', 'cardno', 'bankcard', 'cvv', 'pin', 'privatekey'],
  passwordParams: ['password', 'passwd', 'pwd', 'pass', 'user_password'],
};

/** Merges user settings over the defaults and rejects values out of range. */
export function resolveExposureSettings(input: Partial<ExposureSettings> = {}): ExposureSettings {
  const s = { ...DEFAULT_EXPOSURE_SETTINGS, ...input };
  const problems: string[] = [];
  if (!(Number.isInteger(s.verboseErrorMinStatus) && s.verboseErrorMinStatus >= 0 && s.verboseErrorMinStatus <= 599)) problems.push('verboseErrorMinStatus must be 0–599');
  if (!(Number.isInteger(s.verboseErrorBytes) && s.verboseErrorBytes > 0)) problems.push('verboseErrorBytes must be a positive integer');
  if (!(s.jwtMaxLifetimeSec > 0)) problems.push('jwtMaxLifetimeSec must be positive');
  if (problems.length > 0) throw new RangeError(`invalid exposure settings: ${problems.join('; ')}`);
  return s;
}
