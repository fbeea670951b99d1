/**
 * Decodes the header and claims of a JWT (JWS compact form) without verifying it: the appliance only observes, so
 * what matters is what the token says (algorithm, subject, issuer, expiry, which claims it carries). Bounded and
 * never throwing; results are cached because the same tokens repeat across calls.
 */

/** What a JWT says about itself. */
export interface JwtFacts {
  alg: string;
  /** Claim names (sorted), not values. */
  claims: string[];
  /** `exp` in seconds since the epoch, or null when absent or not a number. */
  exp: number | null;
  iss: string;
  sub: string;
}

const MAX_PART = 16_384;
const cache = new Map<string, JwtFacts | null>();

function decodeJson(b64: string): Record<string, unknown> | null {
  if (b64.length === 0 || b64.length > MAX_PART || !/^[A-Za-z0-9_-]+$/.test(b64)) return null;
  const text = Buffer.from(b64, 'base64url').toString('utf8');
  if (text.charCodeAt(0) !== 123) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The facts of `token` when it is a JWT (header JSON with a string `alg`), else null. */
export function decodeJwt(token: string): JwtFacts | null {
  const hit = cache.get(token);
  if (hit !== undefined) return hit;
  let facts: JwtFacts | null = null;
  const a = token.indexOf('.');
  const b = a < 0 ? -1 : token.indexOf('.', a + 1);
  if (a > 0 && b > a && token.indexOf('.', b + 1) < 0) {
    const header = decodeJson(token.slice(0, a));
    if (header !== null && typeof header.alg === 'string') {
      const payload = decodeJson(token.slice(a + 1, b)) ?? {};
      facts = {
        alg: header.alg.slice(0, 32),
        claims: Object.keys(payload).slice(0, 64).sort(),
        exp: typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : null,
        iss: typeof payload.iss === 'string' ? payload.iss.slice(0, 256) : '',
        sub: typeof payload.sub === 'string' ? payload.sub.slice(0, 256) : typeof payload.sub === 'number' ? String(payload.sub) : '',
      };
    }
  }
  if (cache.size >= 4096) cache.clear();
  if (token.length <= 8192) cache.set(token, facts);
  return facts;
}
