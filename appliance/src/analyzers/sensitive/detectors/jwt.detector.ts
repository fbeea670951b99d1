/**
 * JSON Web Token (JWS compact form): three base64url parts, the first decoding to a JSON object with a string
 * `alg`. Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { MAX_MATCHES_PER_TEXT, pushMatch } from '../detector.helpers.ts';

const RE = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{5,2048})\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,2048}(?![A-Za-z0-9_.-])/g;

const headerCache = new Map<string, boolean>();

/** True when a base64url JWT header decodes to a JSON object with a string `alg` (cached: headers repeat). */
export function isJwtHeader(b64: string): boolean {
  const hit = headerCache.get(b64);
  if (hit !== undefined) return hit;
  const ok = checkHeader(b64);
  if (headerCache.size >= 1024) headerCache.clear();
  headerCache.set(b64, ok);
  return ok;
}

function checkHeader(b64: string): boolean {
  const json = Buffer.from(b64, 'base64url').toString('utf8');
  if (json.charCodeAt(0) !== 123 || !json.includes('"alg"')) return false;
  try {
    const h: unknown = JSON.parse(json);
    return typeof h === 'object' && h !== null && typeof (h as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** The `jwt` detector. */
export const jwtDetector: SensitiveDetector = {
  id: 'jwt',
  label: { en: 'JSON Web Token', zh: 'JWT 令牌' },
  defaultLevel: 3,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Eyj, minDots: 2, minWordRun: 8 },
  triggerHints: 0,
  find(text, _ctx, out) {
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      if (isJwtHeader(m[1])) added += pushMatch(out, 'jwt', m[0], m.index, m.index + m[0].length, 0.95);
    }
    return added;
  },
};
