/**
 * Bearer credential in a URL: a query parameter named access_token, token, api_key, apikey, auth_token,
 * id_token, refresh_token, jwt, sessionid, ... with a value of at least 8 characters — either in the request's
 * own query string (location `query`) or inside a URL found elsewhere (a Referer header, a callback URL in a
 * body). Such values leak through logs, proxies and Referer headers. Stored only as a fingerprint.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { MAX_MATCHES_PER_TEXT, pushMatch } from '../detector.helpers.ts';
import { isPlaceholderValue } from './password.detector.ts';

const MIN_LEN = 8;
const RE = /[?&](?:access_token|accesstoken|token|api_key|apikey|api-key|auth_token|authtoken|id_token|refresh_token|jwt|session_id|sessionid|jsessionid)=([^&#\s"'<>]{8,4096})/gi;

/** The `bearer_token_in_url` detector. */
export const bearerTokenInUrlDetector: SensitiveDetector = {
  id: 'bearer_token_in_url',
  label: { en: 'Bearer token in URL', zh: 'URL 中的令牌' },
  defaultLevel: 4,
  kind: 'value',
  secret: true,
  locations: ALL_LOCATIONS,
  prefilter: { all: Feature.Equals | Feature.QueryChar, minWordRun: 8 },
  triggerHints: FieldHint.UrlToken,
  find(text, ctx, out) {
    if (ctx.location === 'query' && (ctx.hints & FieldHint.UrlToken) !== 0) {
      const v = text.trim();
      if (v.length < MIN_LEN || isPlaceholderValue(v)) return 0;
      return pushMatch(out, 'bearer_token_in_url', v, 0, text.length, 0.9);
    }
    if ((ctx.features.mask & (Feature.Equals | Feature.QueryChar)) !== (Feature.Equals | Feature.QueryChar)) return 0;
    RE.lastIndex = 0;
    let added = 0;
    let m: RegExpExecArray | null;
    while (added < MAX_MATCHES_PER_TEXT && (m = RE.exec(text)) !== null) {
      const s = m.index + m[0].length - m[1].length;
      added += pushMatch(out, 'bearer_token_in_url', m[1], s, s + m[1].length, 0.85);
    }
    return added;
  },
};
