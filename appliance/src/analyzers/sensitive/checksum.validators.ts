/**
 * Check-digit and format validators used by the detectors: GB 11643 (resident ID, ISO 7064 MOD 11-2), GB 32100
 * (unified social credit code, MOD 31), Luhn (bank and credit cards), ISO 13616 IBAN (MOD 97-10 with the country
 * length table), calendar dates and Chinese province codes. Pure functions on canonical strings.
 */

const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]);

/** True when `code` (two digits) is a province-level administrative division code used in ID numbers. */
export function isCnProvinceCode(code: number): boolean {
  return PROVINCES.has(code);
}

/** True when y-m-d is a real calendar date. */
export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days;
}

function num(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character ('0'-'9' or 'X') for the first 17 digits of `s`, or '' when they are not digits. */
export function gb11643CheckChar(s: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return '';
    sum += c * ID_WEIGHTS[i];
  }
  return ID_CHECK[sum % 11];
}

/**
 * Validates an 18-character resident ID number (upper-case 'X' as check character): province code, birth date
 * (year ≥ 1900, a real date, not after `todayYmd`) and the GB 11643 check character.
 */
export function isValidCnIdCard18(s: string, todayYmd: number): boolean {
  if (s.length !== 18 || !isCnProvinceCode(num(s, 0, 2))) return false;
  const y = num(s, 6, 10);
  const m = num(s, 10, 12);
  const d = num(s, 12, 14);
  if (y < 1900 || !isValidDate(y, m, d) || y * 10000 + m * 100 + d > todayYmd) return false;
  return gb11643CheckChar(s) === s[17];
}

/** Validates a 15-digit legacy ID number (issued before 1999): province code and a 19yy birth date. */
export function isValidCnIdCard15(s: string): boolean {
  if (s.length !== 15 || num(s, 0, 15) < 0 || !isCnProvinceCode(num(s, 0, 2))) return false;
  return isValidDate(1900 + num(s, 6, 8), num(s, 8, 10), num(s, 10, 12));
}

/** Luhn (mod 10) check over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let c = digits.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    if (dbl) {
      c *= 2;
      if (c > 9) c -= 9;
    }
    sum += c;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The 31-character alphabet of GB 32100 (digits and letters except I, O, Z, S, V). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character for the first 17 characters of `s`, or '' when one is outside the alphabet. */
export function gb32100CheckChar(s: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(s[i]);
    if (v < 0) return '';
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Validates an 18-character unified social credit code: registration-authority code, a non-zero category digit,
 * a 6-digit division code with a valid province, and the GB 32100 check character.
 */
export function isValidUscc(s: string): boolean {
  if (s.length !== 18 || '123456789ANY'.indexOf(s[0]) < 0) return false;
  const cat = s.charCodeAt(1);
  if (cat < 49 || cat > 57) return false;
  if (num(s, 2, 8) < 0 || !isCnProvinceCode(num(s, 2, 4))) return false;
  return gb32100CheckChar(s) === s[17];
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** Validates a compact upper-case IBAN: country length and ISO 7064 MOD 97-10 (remainder 1). */
export function isValidIban(s: string): boolean {
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  if (len === undefined || s.length !== len) return false;
  let rem = 0;
  for (let k = 0; k < s.length; k++) {
    const i = (k + 4) % s.length;
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** The Chinese civil date (UTC+8) of a time in ms since the epoch, as yyyymmdd. */
export function ymdOf(ms: number): number {
  const d = new Date(ms + 8 * 3600_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

let todayCache = 0;
let todayUntil = 0;

/** Today's date as {@link ymdOf}, recomputed at most once a minute. */
export function todayYmd(): number {
  const now = Date.now();
  if (now < todayUntil) return todayCache;
  todayCache = ymdOf(now);
  todayUntil = now + 60_000;
  return todayCache;
}
