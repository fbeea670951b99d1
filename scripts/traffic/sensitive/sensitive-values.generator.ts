/**
 * Valid sensitive values and look-alike decoys for generated traffic, deterministic by the given SeededRandom:
 * Chinese ID numbers with a GB 11643 check character, mobile numbers with carrier prefixes, UnionPay and Visa cards
 * with a Luhn digit, IBANs with a MOD 97-10 check, USCCs with a GB 32100 check character, SSNs within the area
 * rules, passports, e-mails, JWTs, AWS keys, PEM private keys, passwords and public IPv4 addresses; decoys are
 * numbers that only look alike (Luhn failures, bad check digits, timestamps, trace ids).
 */
import type { SeededRandom } from '../seeded.random.ts';
import { gb11643CheckChar, gb32100CheckChar, luhnValid } from '../../../appliance/src/analyzers/sensitive/checksum.validators.ts';

/** A type the generator can produce, with the field names that usually carry it. */
export interface ValueKind {
  /** Detector type id. */
  type: string;
  /** Field names a real API would use (the detector may rely on them). */
  names: readonly string[];
  /** May appear in a URL path segment (the value stands alone and the previous segment names it). */
  pathable: boolean;
  make(rng: SeededRandom): string;
}

const REGIONS = ['110101', '110105', '310104', '440305', '510107', '330106', '420102', '320102'];
const MOBILE_PREFIXES = ['138', '139', '150', '151', '186', '187', '135', '177', '199', '158'];
const NAMES = ['li', 'wang', 'zhang', 'liu', 'chen', 'yang', 'zhao', 'huang', 'zhou', 'wu'];
const DOMAINS = ['example.com', 'mail.example.cn', 'corp.example.org', 'bank.example.net'];
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function digits(rng: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

function chars(rng: SeededRandom, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/** `prefix` + random digits + a Luhn check digit, `length` digits in all. */
export function luhnNumber(rng: SeededRandom, prefix: string, length: number): string {
  const body = prefix + digits(rng, length - prefix.length - 1);
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable: one Luhn digit always fits');
}

/** A valid 18-digit resident ID number. */
export function cnIdCard(rng: SeededRandom): string {
  const y = rng.int(1950, 2004);
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  const first = rng.pick(REGIONS) + String(y) + String(m).padStart(2, '0') + String(d).padStart(2, '0') + digits(rng, 3);
  return first + gb11643CheckChar(first);
}

/** An IBAN (Germany, 22 characters) with a correct MOD 97-10 check. */
export function iban(rng: SeededRandom): string {
  const bban = digits(rng, 18);
  const numeric = bban + '1314' + '00';
  let rem = 0;
  for (const c of numeric) rem = (rem * 10 + Number(c)) % 97;
  return `DE${String(98 - rem).padStart(2, '0')}${bban}`;
}

/** A valid unified social credit code. */
export function uscc(rng: SeededRandom): string {
  const first = '91' + rng.pick(REGIONS) + chars(rng, '0123456789ABCDEFGHJKLMNPQRTUWXY', 9);
  return first + gb32100CheckChar(first);
}

/** A JWT with a decodable JSON header (signature random). */
export function jwt(rng: SeededRandom): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sig = Buffer.from(chars(rng, '0123456789abcdef', 64), 'hex').toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: `u${rng.int(1, 99999)}`, iat: 1_700_000_000 })}.${sig}`;
}

/** The sensitive kinds the generator places. */
export const VALUE_KINDS: readonly ValueKind[] = [
  { type: 'cn_id_card', names: ['idCard', 'idNo', 'certNo', 'identityNo', '身份证号'], pathable: true, make: cnIdCard },
  { type: 'cn_mobile', names: ['mobile', 'phone', 'cellphone', 'contactPhone', '手机号'], pathable: true, make: (r) => r.pick(MOBILE_PREFIXES) + digits(r, 8) },
  { type: 'bank_card', names: ['bankCard', 'cardNo', 'bankAccount', 'payCard'], pathable: false, make: (r) => luhnNumber(r, r.pick(['622202', '622848', '621700', '623668']), r.pick([16, 19])) },
  { type: 'credit_card', names: ['creditCard', 'ccNumber', 'pan'], pathable: false, make: (r) => luhnNumber(r, r.pick(['4', '51', '55']), 16) },
  { type: 'email', names: ['email', 'mail', 'contactEmail', 'userEmail'], pathable: true, make: (r) => `${r.pick(NAMES)}.${r.pick(NAMES)}${r.int(1, 999)}@${r.pick(DOMAINS)}` },
  { type: 'iban', names: ['iban', 'accountIban', 'payeeIban'], pathable: false, make: iban },
  { type: 'us_ssn', names: ['ssn', 'socialSecurityNumber'], pathable: false, make: (r) => `${String(r.int(101, 665)).padStart(3, '0')}-${String(r.int(10, 99))}-${String(r.int(1000, 9999))}` },
  { type: 'cn_uscc', names: ['creditCode', 'uscc', 'unifiedSocialCreditCode', '统一社会信用代码'], pathable: false, make: uscc },
  { type: 'passport', names: ['passportNo', 'passportNumber', '护照号'], pathable: false, make: (r) => `E${digits(r, 8)}` },
  { type: 'jwt', names: ['accessToken', 'idToken', 'jwt'], pathable: false, make: jwt },
  { type: 'aws_access_key', names: ['awsAccessKeyId', 'accessKeyId'], pathable: false, make: (r) => `AKIA${chars(r, B32.slice(0, 26) + '234567', 16)}` },
  {
    type: 'private_key',
    names: ['privateKey', 'pem', 'signingKey'],
    pathable: false,
    make: (r) => `-----BEGIN RSA PRIVATE KEY-----\n${chars(r, B64, 64)}\n${chars(r, B64, 64)}\n${chars(r, B64, 40)}==\n-----END RSA PRIVATE KEY-----`,
  },
  { type: 'password', names: ['password', 'passwd', 'pwd', 'loginPassword'], pathable: false, make: (r) => `${r.pick(['Spring', 'Tiger', 'Blue'])}${r.int(10, 9999)}!${chars(r, 'abcxyz', 3)}` },
  { type: 'ipv4', names: ['loginIp', 'clientIp', 'lastLoginIp'], pathable: false, make: (r) => `${r.pick([36, 58, 101, 117, 183, 202, 221])}.${r.int(1, 254)}.${r.int(0, 254)}.${r.int(1, 254)}` },
];

/** One decoy: a field name and a value that must not be reported. */
export interface Decoy {
  name: string;
  value: string | number;
}

/** Look-alikes that must not match: Luhn failures, bad check characters, timestamps, ids. */
export function decoy(rng: SeededRandom): Decoy {
  switch (rng.int(0, 7)) {
    case 0: {
      const card = luhnNumber(rng, '622202', 19);
      const bad = card.slice(0, -1) + String((Number(card[18]) + 1 + rng.int(0, 8)) % 10);
      return { name: rng.pick(['orderNo', 'tradeNo', 'serialNo']), value: bad };
    }
    case 1: {
      const id = cnIdCard(rng);
      const good = id[17];
      const alt = '0123456789X'.replace(good, '');
      return { name: rng.pick(['refNo', 'bizId', 'idCard']), value: id.slice(0, 17) + alt[rng.int(0, alt.length - 1)] };
    }
    case 2:
      return { name: rng.pick(['ts', 'timestamp', 'createdAt']), value: 1_700_000_000_000 + rng.int(0, 99_999_999) };
    case 3:
      return { name: rng.pick(['created', 'updateTime']), value: `2024${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(10, 28))}${digits(rng, 6)}` };
    case 4:
      return { name: rng.pick(['traceId', 'requestId']), value: chars(rng, '0123456789abcdef', 32) };
    case 5:
      return { name: rng.pick(['trackingNo', 'waybill']), value: `12${digits(rng, 9)}` };
    case 6:
      return { name: rng.pick(['amount', 'balance']), value: rng.int(1, 99_999_999) / 100 };
    default:
      return { name: rng.pick(['version', 'appVer']), value: `${rng.int(1, 9)}.${rng.int(0, 20)}.${rng.int(0, 99)}.${rng.int(0, 999)}` };
  }
}
