/**
 * Path segment classification for endpoint templating: decides from one segment alone whether it is a value
 * (integer, UUID, hex hash, ObjectId, date, email, phone or ID-card-like number, snowflake id, opaque token) and
 * so a parameter, or a literal (words, slugs, versions such as `v2` or `2024-01-01` used as an API version are
 * judged by position, not here). Literals may still become parameters by cardinality (see path.templater.ts).
 */

/** What a segment looks like. `literal` means "a word": it stays literal unless cardinality says otherwise. */
export type SegmentKind =
  | 'literal'
  | 'version'
  | 'integer'
  | 'uuid'
  | 'objectid'
  | 'hex'
  | 'date'
  | 'email'
  | 'phone'
  | 'idcard'
  | 'token';

/** JSON-schema-like type and format of a parameter of this kind. */
export const KIND_SCHEMA: Readonly<Record<Exclude<SegmentKind, 'literal' | 'version'>, { type: string; format?: string }>> = {
  integer: { type: 'integer' },
  uuid: { type: 'string', format: 'uuid' },
  objectid: { type: 'string', format: 'objectid' },
  hex: { type: 'string', format: 'hex' },
  date: { type: 'string', format: 'date' },
  email: { type: 'string', format: 'email' },
  phone: { type: 'string', format: 'phone' },
  idcard: { type: 'string', format: 'id-card' },
  token: { type: 'string', format: 'opaque' },
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION_RE = /^v\d{1,3}(\.\d{1,3}){0,2}(beta\d*|alpha\d*)?$/i;
const DATE_RE = /^(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const COMPACT_DATE_RE = /^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const EMAIL_RE = /^[^@\s/]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}$/;
const CN_MOBILE_RE = /^(\+?86)?1[3-9]\d{9}$/;
const ID_CARD_RE = /^\d{17}[\dXx]$/;

/** Classifies one path segment (already percent-decoded). */
export function classifySegment(seg: string): SegmentKind {
  const n = seg.length;
  if (n === 0) return 'literal';
  const c0 = seg.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (isDigits(seg)) {
      if (n === 8 && COMPACT_DATE_RE.test(seg)) return 'date';
      if (n === 11 && CN_MOBILE_RE.test(seg)) return 'phone';
      return 'integer';
    }
    if (n === 18 && ID_CARD_RE.test(seg)) return 'idcard';
    if (n === 10 && DATE_RE.test(seg)) return 'date';
  }
  if (n === 36 && UUID_RE.test(seg)) return 'uuid';
  if (n === 32 && isHex(seg) && hasDigit(seg)) return 'uuid';
  if (n === 24 && isHex(seg) && hasDigit(seg)) return 'objectid';
  if (n >= 16 && isHex(seg) && hasDigit(seg) && hasHexLetter(seg)) return 'hex';
  if ((c0 === 118 || c0 === 86) && VERSION_RE.test(seg)) return 'version';
  if (c0 === 43 && CN_MOBILE_RE.test(seg)) return 'phone';
  if (seg.includes('@') && EMAIL_RE.test(seg)) return 'email';
  if (looksOpaque(seg)) return 'token';
  return 'literal';
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function hasHexLetter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c >= 97 && c <= 102) return true;
  }
  return false;
}

/**
 * An opaque token: 20+ characters of the base64/base64url alphabet mixing letters and digits with no word-like
 * structure (no dashes or underscores separating lower-case words, as slugs have).
 */
function looksOpaque(s: string): boolean {
  if (s.length < 20) return false;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  let seps = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c === 45 || c === 95) seps++;
    else if (c === 43 || c === 47 || c === 61 || c === 46 || c === 126) continue;
    else return false;
  }
  if (digits === 0) return false;
  if (upper === 0 && seps > 0) return false; // lower-case-with-dashes-and-1-number: a slug
  return upper + lower > 0 && (upper > 0 || digits >= 4);
}

/** The parameter name for a value that follows `previous` (`users` → `userId`, `orders` → `orderId`; else `id`). */
export function paramName(previous: string | null, kind: SegmentKind): string {
  if (previous === null || previous === '' || previous.startsWith('{')) return kind === 'date' ? 'date' : 'id';
  let base = nameBases.get(previous);
  if (base === undefined) {
    base = nameBase(previous);
    if (nameBases.size >= MAX_NAME_BASES) nameBases.clear();
    nameBases.set(ownString(previous), base);
  }
  if (base === null) return kind === 'date' ? 'date' : 'id';
  if (base === '') return 'id';
  if (kind === 'date') return `${base}Date`;
  if (kind === 'email') return `${base}Email`;
  return `${base}Id`;
}

/**
 * `s` as a string of its own: segments are slices of the request's head string, and a long slice kept in the tree
 * (or a cache) would keep the whole head alive.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Name bases by preceding segment, as {@link nameBase} gives them (templates are named again and again). */
const nameBases = new Map<string, string | null>();
const MAX_NAME_BASES = 4096;

/**
 * The name base a literal `previous` gives a parameter after it (`user_accounts` → `userAccount`): null when
 * `previous` is not a plain literal, '' when it has no word.
 */
function nameBase(previous: string): string | null {
  if (classifySegment(previous) !== 'literal') return null;
  const words = previous.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ');
  const last = words[words.length - 1] ?? '';
  if (last === '') return '';
  const head = words.slice(0, -1).map((w, i) => (i === 0 ? w.toLowerCase() : cap(w.toLowerCase())));
  const one = singular(last.toLowerCase());
  return head.length > 0 ? head.join('') + cap(one) : one;
}

function cap(w: string): string {
  return w.length === 0 ? w : w[0].toUpperCase() + w.slice(1);
}

/** A plain English singular for resource names (`categories` → `category`, `boxes` → `box`, `users` → `user`). */
export function singular(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}
