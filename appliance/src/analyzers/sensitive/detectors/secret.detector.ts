/**
 * Secret, token or API key, by field name only (secret, client_secret, api_key, access_token, token, session,
 * Authorization, 密钥, 令牌, ...): a value of at least 6 characters that is not a literal, a masked value or a
 * plain small number. An auth scheme word ("Bearer ", "Basic ") is stripped. Not reported when a specific token
 * detector (jwt, github_token, ...) matched the same value, nor for token parameters in a query string (those
 * are bearer_token_in_url). Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { FieldHint } from '../field.hints.ts';
import { pushMatch } from '../detector.helpers.ts';
import { isPlaceholderValue } from './password.detector.ts';

const MIN_LEN = 6;
const MAX_LEN = 8192;
const SCHEME = /^(?:Bearer|Basic|Token|Digest|ApiKey|Key)\s+/i;

/** The `secret` detector. */
export const secretDetector: SensitiveDetector = {
  id: 'secret',
  label: { en: 'Secret, token or API key', zh: '密钥/令牌' },
  defaultLevel: 4,
  kind: 'field',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: null,
  triggerHints: FieldHint.Secret,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Secret) === 0) return 0;
    if (ctx.location === 'query' && (ctx.hints & FieldHint.UrlToken) !== 0) return 0;
    let v = text.trim();
    const scheme = SCHEME.exec(v);
    if (scheme !== null) v = v.slice(scheme[0].length);
    if (v.length < MIN_LEN || v.length > MAX_LEN || isPlaceholderValue(v) || /^[0-9]{1,9}$/.test(v)) return 0;
    return pushMatch(out, 'secret', v, 0, text.length, 0.85);
  },
};
