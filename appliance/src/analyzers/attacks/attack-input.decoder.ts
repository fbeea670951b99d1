/**
 * The decodings attackers use to hide payloads, applied to one input value before the detectors look at it:
 * repeated URL decoding (double encoding, IIS `%uXXXX`), HTML entities (named, decimal, hex, with or without `;`),
 * backslash escapes (`\uXXXX`, `\xXX`, octal), fullwidth and enclosed forms (NFKC), and base64 when the whole value
 * is base64 that decodes to printable text. Also computes the pre-filter character-class mask. Bounded: at most
 * {@link MAX_DECODE_ROUNDS} rounds over a value of at most the inspected length; never throws.
 */
import { CharClass } from './attack.types.ts';

/** Most decoding rounds applied to one value (each round: URL, entities, escapes). */
export const MAX_DECODE_ROUNDS = 3;
/** Shortest value tried as base64. */
export const MIN_BASE64_LENGTH = 16;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function hexAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = hexVal(s.charCodeAt(i + k));
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** The {@link CharClass} mask of `s`. */
export function charMask(s: string): number {
  let m = 0;
  let prevDash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let dash = false;
    switch (c) {
      case 39: case 34: case 96: m |= CharClass.Quote; break;
      case 60: case 62: m |= CharClass.Angle; break;
      case 40: case 41: m |= CharClass.Paren; break;
      case 38: m |= CharClass.Sep | CharClass.Amp; break;
      case 59: case 124: case 10: case 13: m |= CharClass.Sep; break;
      case 47: m |= CharClass.Slash; break;
      case 92: m |= CharClass.Slash | CharClass.Backslash; break;
      case 36: m |= CharClass.Dollar; break;
      case 123: case 125: m |= CharClass.Brace; break;
      case 46: m |= CharClass.Dot; break;
      case 58: m |= CharClass.Colon; break;
      case 61: m |= CharClass.Equals; break;
      case 35: m |= CharClass.Hash; break;
      case 45: if (prevDash) m |= CharClass.Dash2; dash = true; break;
      case 37: m |= CharClass.Percent; break;
      case 64: m |= CharClass.At; break;
      case 91: case 93: m |= CharClass.Bracket; break;
      case 42: m |= CharClass.Star; break;
      case 44: m |= CharClass.Comma; break;
      case 32: case 9: case 11: case 12: case 160: m |= CharClass.Space; break;
      case 95: m |= CharClass.Underscore; break;
      case 63: m |= CharClass.Question; break;
      default:
        if (c >= 0x2018 && ((c >= 0xff00 && c <= 0xffef) || (c >= 0x2460 && c <= 0x24ff) || c === 0x2018 || c === 0x2019)) m |= CharClass.Wide;
        else if (c === 0x02bc) m |= CharClass.Wide;
    }
    prevDash = dash;
  }
  return m;
}

/** URL-decodes `%XX` (as UTF-8 bytes) and `%uXXXX`; '+' is kept. Returns `s` itself when nothing decodes. */
export function urlDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  let out = '';
  let changed = false;
  const flush = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const b = hexAt(s, i + 1, 2);
      if (b >= 0) {
        bytes.push(b);
        i += 2;
        changed = true;
        continue;
      }
      const lc = s.charCodeAt(i + 1) | 32;
      if (lc === 117) {
        const u = hexAt(s, i + 2, 4);
        if (u >= 0) {
          flush();
          out += String.fromCharCode(u);
          i += 5;
          changed = true;
          continue;
        }
      }
    }
    flush();
    out += s[i];
  }
  flush();
  return changed ? out : s;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', colon: ':', sol: '/', bsol: '\\', lpar: '(',
  rpar: ')', semi: ';', equals: '=', tab: '\t', newline: '\n', period: '.', comma: ',', excl: '!', num: '#',
  dollar: '$', percnt: '%', lsqb: '[', rsqb: ']', lcub: '{', rcub: '}', grave: '`', plus: '+', ast: '*',
  vert: '|', quest: '?', commat: '@', lowbar: '_', hyphen: '-', dash: '-',
};

const ENTITY_RE = /&(?:#[xX]([0-9a-fA-F]{1,6});?|#([0-9]{1,7});?|([a-zA-Z]{2,8});)/g;

/** Decodes HTML character references (numeric with or without ';', and common named ones). */
export function htmlDecode(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY_RE, (m: string, hx: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED_ENTITIES[named.toLowerCase()] ?? m;
    const cp = hx !== undefined ? parseInt(hx, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Decodes `\uXXXX`, `\u{X..}`, `\xXX`, octal `\NNN` and `\/`-style escapes; others are kept. */
export function unescapeBackslash(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 92 || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const n = s.charCodeAt(i + 1) | 32;
    if (n === 117) {
      const u = hexAt(s, i + 2, 4);
      if (u >= 0) {
        out += String.fromCharCode(u);
        i += 5;
        changed = true;
        continue;
      }
    } else if (n === 120) {
      const x = hexAt(s, i + 2, 2);
      if (x >= 0) {
        out += String.fromCharCode(x);
        i += 3;
        changed = true;
        continue;
      }
    } else {
      const o = s.charCodeAt(i + 1);
      if (o >= 48 && o <= 55 && i + 3 < s.length) {
        const a = s.charCodeAt(i + 2) - 48;
        const b = s.charCodeAt(i + 3) - 48;
        if (a >= 0 && a <= 7 && b >= 0 && b <= 7) {
          out += String.fromCharCode(((o - 48) << 6) | (a << 3) | b);
          i += 3;
          changed = true;
          continue;
        }
      }
      if (o === 47 || o === 39 || o === 34) {
        out += s[i + 1];
        i += 1;
        changed = true;
        continue;
      }
    }
    out += s[i];
  }
  return changed ? out : s;
}

/** Replaces typographic single quotes (U+2018, U+2019, U+02BC) by an ASCII apostrophe, as lax back ends do. */
function asciiQuotes(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2018 || c === 0x2019 || c === 0x02bc) return s.replace(/[\u2018\u2019\u02bc]/g, "'");
  }
  return s;
}

function hasCompatForms(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0xff00 && c <= 0xffef) || (c >= 0x2460 && c <= 0x24ff)) return true;
  }
  return false;
}

/** Character classes that mean {@link fullyDecode} may change a value. */
export const DECODABLE = CharClass.Percent | CharClass.Amp | CharClass.Backslash | CharClass.Wide;

/** Applies URL, entity and escape decoding (and NFKC for fullwidth/enclosed forms) until stable, bounded. */
export function fullyDecode(s: string): string {
  let cur = s;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next = urlDecode(cur);
    next = htmlDecode(next);
    next = unescapeBackslash(next);
    if (hasCompatForms(next)) next = next.normalize('NFKC');
    if (next.length > 0) next = asciiQuotes(next);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
}

/**
 * The text a value decodes to when the whole value is base64 (standard or URL alphabet) of printable UTF-8 text
 * (tabs and newlines allowed), else null. Values without both letters and digits or with a wrong length are skipped.
 */
export function base64Text(s: string): string | null {
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 61) n--;
  if (n < MIN_BASE64_LENGTH || s.length - n > 2 || n % 4 === 1) return null;
  let digits = 0;
  let upper = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isBase64Char(c)) return null;
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
  }
  if (upper === 0 || upper === n || digits === n) return null;
  const buf = Buffer.from(s.slice(0, n), 'base64');
  if (buf.length === 0) return null;
  let printable = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if ((b >= 32 && b < 127) || b === 9 || b === 10 || b === 13) printable++;
    else if (b < 32 || b === 127) return null;
  }
  if (printable < buf.length * 0.9) return null;
  const text = buf.toString('utf8');
  return text.indexOf('\ufffd') >= 0 ? null : text;
}
