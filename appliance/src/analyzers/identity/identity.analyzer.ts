/**
 * The identity analyzer (first in the pipeline): finds how each call authenticated itself and who it claims to be,
 * and sets `call.auth` for the analyzers after it. Looks, in order of strength, at the Authorization header (Basic,
 * Bearer with or without a JWT, Digest, other schemes), API-key headers, session cookies, and credentials in the
 * query string. Identities never hold a raw secret: basic-auth and digest user names and JWT subjects are kept as
 * they are (they name the caller), keys, opaque tokens and sessions only as fingerprints.
 */
import { headerValue, type HeaderList } from '../../engine/transaction.types.ts';
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallAuth, CallContext } from '../call.context.ts';
import { fingerprint } from '../sensitive/masking.ts';
import { decodeJwt } from './jwt.decoder.ts';

/** Header names that carry API keys or tokens (lower case). */
export const API_KEY_HEADERS: ReadonlySet<string> = new Set([
  'x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token', 'x-access-token', 'x-token', 'x-app-key', 'x-client-secret',
  'access-token', 'token', 'x-amz-security-token', 'x-goog-api-key', 'ocp-apim-subscription-key',
]);

/** Query parameter names that carry credentials (lower case). */
export const QUERY_CREDENTIALS: ReadonlySet<string> = new Set(['api_key', 'apikey', 'api-key', 'access_token', 'accesstoken', 'token', 'key', 'auth', 'auth_token', 'jwt', 'id_token', 'sessionid', 'session_id']);

const SESSION_COOKIE_RE = /^(session|sess|sid|sessionid|session_id|jsessionid|phpsessid|aspsessionid\w*|asp\.net_sessionid|connect\.sid|laravel_session|_session|.*_session|auth|auth_token|token|access_token|jwt)$/i;

/** Finds the auth of one call (exported for tests and for the service's live views). */
export function extractAuth(requestHeaders: HeaderList, query: string): CallAuth {
  const authz = headerValue(requestHeaders, 'authorization');
  if (authz !== undefined && authz.trim() !== '') {
    const v = authz.trim();
    const sp = v.indexOf(' ');
    const scheme = (sp < 0 ? v : v.slice(0, sp)).toLowerCase();
    const cred = sp < 0 ? '' : v.slice(sp + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(cred, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? '' : decoded.slice(0, colon).slice(0, 128);
      return { scheme: 'basic', carrier: 'authorization', identity: user === '' ? '' : `user:${user}` };
    }
    if (scheme === 'bearer') return tokenAuth(cred, 'authorization', 'bearer');
    if (scheme === 'digest') {
      const m = /username="([^"]{1,128})"/i.exec(cred);
      return { scheme: 'digest', carrier: 'authorization', identity: m === null ? '' : `user:${m[1]}` };
    }
    return { scheme: 'other', carrier: 'authorization', identity: cred === '' ? '' : `key:${fingerprint(v)}` };
  }
  for (const [name, value] of requestHeaders) {
    const lower = name.toLowerCase();
    if (API_KEY_HEADERS.has(lower) && value.trim() !== '') return tokenAuth(value.trim(), lower, 'api_key');
  }
  const cookie = headerValue(requestHeaders, 'cookie');
  if (cookie !== undefined) {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (value.length >= 8 && SESSION_COOKIE_RE.test(name)) {
        const jwt = decodeJwt(value);
        if (jwt !== null) return { scheme: 'jwt', carrier: `cookie:${name}`, identity: jwtIdentity(jwt.sub, jwt.iss, value), jwt };
        return { scheme: 'cookie', carrier: `cookie:${name}`, identity: `session:${fingerprint(value)}` };
      }
    }
  }
  if (query !== '') {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).toLowerCase();
      const value = pair.slice(eq + 1);
      if (QUERY_CREDENTIALS.has(name) && value.length >= 8) return tokenAuth(decodeQueryValue(value), `query:${name}`, 'api_key');
    }
  }
  return { scheme: 'none', carrier: '', identity: '' };
}

function tokenAuth(token: string, carrier: string, fallback: 'bearer' | 'api_key'): CallAuth {
  const jwt = decodeJwt(token);
  if (jwt !== null) return { scheme: 'jwt', carrier, identity: jwtIdentity(jwt.sub, jwt.iss, token), jwt };
  return { scheme: fallback, carrier, identity: token === '' ? '' : `key:${fingerprint(token)}` };
}

/** A JWT names its caller by subject (and issuer when several issue tokens); without one, by fingerprint. */
function jwtIdentity(sub: string, iss: string, token: string): string {
  if (sub !== '') return iss !== '' ? `sub:${iss}|${sub}` : `sub:${sub}`;
  return `key:${fingerprint(token)}`;
}

function decodeQueryValue(v: string): string {
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** Sets `call.auth` on every call. */
export class IdentityAnalyzer implements Analyzer {
  readonly id = 'identity';

  onCall(call: CallContext): void {
    call.auth = extractAuth(call.tx.requestHeaders, call.tx.query);
  }

  contribute(_report: AnalysisReport): void {}
}
