/**
 * Masking and fingerprinting of sensitive values, so raw values never need to be stored: personal data is shown
 * partly (`110101********1234`, `138****5678`, `622202******7890`, `a***@example.com`), secrets and tokens only as
 * a keyed, truncated SHA-256 fingerprint (`sha256:3f2a…`, 16 hex digits) that still lets equal values be counted.
 */
import { createHmac } from 'node:crypto';

/** How a value is masked. */
export type MaskStyle = 'id' | 'mobile' | 'card' | 'email' | 'landline' | 'name' | 'address' | 'ip' | 'ssn' | 'iban' | 'partial' | 'fingerprint';

/** Mask style per built-in type id. Types not listed are fingerprinted (the safe default). */
export const MASK_STYLES: Readonly<Record<string, MaskStyle>> = {
  cn_id_card: 'id',
  cn_mobile: 'mobile',
  cn_landline: 'landline',
  cn_uscc: 'partial',
  passport: 'partial',
  cn_hk_macau_permit: 'partial',
  bank_card: 'card',
  credit_card: 'card',
  cn_license_plate: 'partial',
  cn_name: 'name',
  cn_address: 'address',
  email: 'email',
  iban: 'iban',
  us_ssn: 'ssn',
  ipv4: 'ip',
  ipv6: 'ip',
  jwt: 'fingerprint',
  private_key: 'fingerprint',
  aws_access_key: 'fingerprint',
  github_token: 'fingerprint',
  slack_token: 'fingerprint',
  stripe_key: 'fingerprint',
  google_api_key: 'fingerprint',
  password: 'fingerprint',
  secret: 'fingerprint',
  bearer_token_in_url: 'fingerprint',
};

function stars(n: number): string {
  return n > 0 ? '*'.repeat(n) : '';
}

/** Keeps the first `head` and last `tail` characters and stars the rest (all stars when too short). */
function keep(value: string, head: number, tail: number): string {
  const n = value.length;
  if (n <= head + tail) return stars(Math.max(n, 1));
  return value.slice(0, head) + stars(n - head - tail) + value.slice(n - tail);
}

/** Masks `value` with a given style. */
export function maskAs(style: MaskStyle, value: string): string {
  switch (style) {
    case 'id':
      return keep(value, 6, 4);
    case 'mobile':
      return keep(value, 3, 4);
    case 'card':
      return keep(value, 6, 4);
    case 'email': {
      const at = value.lastIndexOf('@');
      if (at <= 0) return keep(value, 1, 0);
      return value[0] + '***' + value.slice(at);
    }
    case 'landline': {
      const dash = value.indexOf('-');
      const local = dash >= 0 ? value.slice(dash + 1) : value;
      return (dash >= 0 ? value.slice(0, dash + 1) : '') + keep(local, 0, 4);
    }
    case 'name':
      return keep(value, 1, 0);
    case 'address':
      return value.slice(0, Math.min(6, value.length >> 1)) + '****';
    case 'ip': {
      const dot = value.indexOf('.');
      if (dot >= 0) {
        const dot2 = value.indexOf('.', dot + 1);
        return (dot2 > 0 ? value.slice(0, dot2) : value.slice(0, dot)) + '.*.*';
      }
      const colon = value.indexOf(':');
      return (colon > 0 ? value.slice(0, colon) : '') + ':****';
    }
    case 'ssn':
      return '***-**-' + value.slice(-4);
    case 'iban':
      return keep(value, 4, 4);
    case 'partial':
      return keep(value, 2, 2);
    case 'fingerprint':
      return fingerprint(value);
  }
}

/** Masks `value` as its type requires (see {@link MASK_STYLES}); unknown types are fingerprinted. */
export function mask(type: string, value: string): string {
  return maskAs(MASK_STYLES[type] ?? 'fingerprint', value);
}

const FP_CACHE_LIMIT = 4096;
let fpKey: Buffer = Buffer.from('api-radar/sensitive-fingerprint/v1');
const fpCache = new Map<string, string>();

/**
 * Sets the fingerprint key (a per-installation secret, so fingerprints cannot be reversed by hashing guesses
 * elsewhere). Clears the fingerprint cache.
 */
export function setFingerprintKey(key: Buffer | string): void {
  fpKey = Buffer.isBuffer(key) ? Buffer.from(key) : Buffer.from(key, 'utf8');
  fpCache.clear();
}

/** `sha256:` + the first 16 hex digits of HMAC-SHA256(key, value). Cached, since tokens repeat across calls. */
export function fingerprint(value: string): string {
  const hit = fpCache.get(value);
  if (hit !== undefined) return hit;
  const fp = 'sha256:' + createHmac('sha256', fpKey).update(value, 'utf8').digest('hex').slice(0, 16);
  if (fpCache.size >= FP_CACHE_LIMIT) fpCache.clear();
  if (value.length <= 4096) fpCache.set(value, fp);
  return fp;
}
