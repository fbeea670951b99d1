/**
 * JSON Web Token decoding for identity and exposure checks: splits a compact JWS/JWE, decodes the header and payload
 * (base64url JSON) and returns the facts the analyzers need. Never verifies signatures (a passive sensor has no
 * keys), never throws on hostile input, and bounds the size it decodes.
 */

/** Longest token decoded; longer ones are not treated as JWTs. */
export const MAX_JWT_LENGTH = 16384;

/** What a decoded JWT says about itself. */
export interface JwtFacts {
  /** `alg` of the header as sent ('' when absent or not a string). */
  alg: string;
  /** Header `typ` ('' when absent). */
  typ: string;
  /** Payload claim names in payload order (at most 64). */
  claims: string[];
  /** `exp` in seconds since the epoch, or null when absent or not a number. */
  exp: number | null;
  /** `iat` in seconds, or null. */
  iat: number | null;
  iss: string;
  sub: string;
  /** The third part (signature) is empty. */
  unsigned: boolean;
}

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodePart(part: string): Record<string, unknown> | null {
  if (part.length === 0 || part.length > MAX_JWT_LENGTH || !B64URL.test(part)) return null;
  try {
    const text = Buffer.from(part, 'base64url').toString('utf8');
    if (text.charCodeAt(0) !== 123) return null;
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function text(v: unknown, max = 256): string {
  if (typeof v === 'string') {
    const t = v.length > max ? v.slice(0, max) : v;
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u001f\u007f]/.test(t) ? t.replace(/[\u0000-\u001f\u007f]/g, '') : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** True when `s` has the shape of a compact JWT (three base64url parts, header starting with `eyJ`). */
export function looksLikeJwt(s: string): boolean {
  if (s.length < 10 || s.length > MAX_JWT_LENGTH || !s.startsWith('eyJ')) return false;
  const d1 = s.indexOf('.');
  if (d1 < 0) return false;
  const d2 = s.indexOf('.', d1 + 1);
  return d2 > d1 + 1 && s.indexOf('.', d2 + 1) < 0;
}

/** Decodes a compact JWT; null when `token` is not one (wrong shape, bad base64url, header or payload not JSON objects). */
export function decodeJwt(token: string): JwtFacts | null {
  if (!looksLikeJwt(token)) return null;
  const d1 = token.indexOf('.');
  const d2 = token.indexOf('.', d1 + 1);
  const header = decodePart(token.slice(0, d1));
  if (header === null) return null;
  const payload = decodePart(token.slice(d1 + 1, d2));
  if (payload === null) return null;
  const claims = Object.keys(payload);
  return {
    alg: text(header.alg, 32),
    typ: text(header.typ, 32),
    claims: claims.length > 64 ? claims.slice(0, 64) : claims,
    exp: num(payload.exp),
    iat: num(payload.iat),
    iss: text(payload.iss),
    sub: text(payload.sub),
    unsigned: d2 === token.length - 1,
  };
}
