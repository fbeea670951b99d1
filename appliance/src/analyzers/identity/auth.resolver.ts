/**
 * Works out how a call authenticated itself from its request: the Authorization header (Basic, Bearer, JWT,
 * Digest, other schemes), API-key headers, credentials in the query string and session cookies. Produces the
 * CallAuth of the call contract with a stable identity id that never holds a raw secret: basic-auth users and JWT
 * subjects are kept as names, keys and sessions only as keyed fingerprints.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import type { AuthScheme, CallAuth } from '../call.context.ts';
import { fingerprint } from '../sensitive/masking.ts';
import { percentDecode } from '../sensitive/message.parsers.ts';
import { decodeJwt, looksLikeJwt, type JwtFacts } from './jwt.decoder.ts';
import { GenerationalCache } from './lru.cache.ts';
import { HeaderNameSet, headerIs } from './header.names.ts';

/** Names that carry an API key or token in a request header (lower case). */
export const API_KEY_HEADERS: ReadonlySet<string> = new Set([
  'x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-api-token', 'x-auth-token', 'x-access-token', 'x-token',
  'x-app-key', 'x-client-secret', 'ocp-apim-subscription-key', 'x-functions-key', 'private-token', 'x-gitlab-token',
]);

const API_KEY_NAMES = new HeaderNameSet(API_KEY_HEADERS);

/** Query parameter names that carry a bearer token (lower case). */
export const QUERY_TOKEN_PARAMS: ReadonlySet<string> = new Set(['access_token', 'id_token', 'token', 'jwt', 'auth_token']);

/** Query parameter names that carry an API key (lower case). */
export const QUERY_KEY_PARAMS: ReadonlySet<string> = new Set(['api_key', 'apikey', 'api-key', 'key', 'app_key', 'appkey', 'access_key', 'subscription-key']);

/** Cookie names known to carry a session (lower case); names containing `sess`, `sid` or `token` count too. */
export const SESSION_COOKIES: ReadonlySet<string> = new Set([
  'jsessionid', 'phpsessid', 'asp.net_sessionid', 'connect.sid', 'sid', 'session', 'sessionid', 'session_id',
  'laravel_session', 'ci_session', '_session_id', 'auth', 'auth_token', 'access_token', 'token', 'jwt',
]);

/** Longest identity name kept (basic-auth user, JWT subject); longer ones are cut. */
export const MAX_IDENTITY_NAME = 128;

/** A fresh "no authentication" result. */
export function noAuth(): CallAuth {
  return { scheme: 'none', carrier: '', identity: '' };
}

/** Removes control characters and cuts to {@link MAX_IDENTITY_NAME}, so names are safe to show and bounded. */
export function cleanName(s: string): string {
  let out = s.length > MAX_IDENTITY_NAME ? s.slice(0, MAX_IDENTITY_NAME) : s;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(out)) out = out.replace(/[\u0000-\u001f\u007f]/g, '');
  return out;
}

/** A basic-auth credential, decoded. The password is only for fingerprinting by the login helpers. */
export interface BasicCredential {
  user: string;
  password: string;
}

/** Decodes the credentials of a `Basic` Authorization value (without the scheme word); null when malformed. */
export function decodeBasic(b64: string): BasicCredential | null {
  const t = b64.trim();
  if (t.length === 0 || t.length > 4096 || !/^[A-Za-z0-9+/=_-]+$/.test(t)) return null;
  const decoded = Buffer.from(t, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: cleanName(decoded.slice(0, colon)), password: decoded.slice(colon + 1) };
}

/**
 * Caches decoded JWT facts by token and resolved Authorization headers by value, since clients send the same
 * credential on many calls. Cached CallAuth objects are shared between calls and must be treated as read-only.
 */
export class JwtCache {
  private readonly cache: GenerationalCache<string, JwtFacts | false>;
  private readonly headers: GenerationalCache<string, CallAuth>;

  constructor(capacity = 4096) {
    this.cache = new GenerationalCache(Math.max(2, capacity));
    this.headers = new GenerationalCache(Math.max(2, capacity));
  }

  /** Decoded facts of `token`, or null when it is not a JWT. */
  decode(token: string): JwtFacts | null {
    const hit = this.cache.get(token);
    if (hit !== undefined) return hit === false ? null : hit;
    const facts = decodeJwt(token);
    this.cache.set(token, facts ?? false);
    return facts;
  }

  /** The CallAuth of an Authorization header value, resolved once per distinct value. */
  authorization(value: string): CallAuth {
    let a = this.headers.get(value);
    if (a === undefined) {
      a = fromAuthorization(value, this);
      if (value.length <= 8192) this.headers.set(value, a);
    }
    return a;
  }
}

function tokenAuth(token: string, carrier: string, jwts: JwtCache, fallback: AuthScheme): CallAuth {
  if (looksLikeJwt(token)) {
    const f = jwts.decode(token);
    if (f !== null) {
      const identity = f.sub !== '' ? `sub:${cleanName(f.sub)}` : `key:${fingerprint(token)}`;
      return { scheme: 'jwt', carrier, identity, jwt: { alg: f.alg, claims: f.claims, exp: f.exp, iss: cleanName(f.iss), sub: cleanName(f.sub) } };
    }
  }
  if (token.length === 0) return { scheme: fallback, carrier, identity: '' };
  return { scheme: fallback, carrier, identity: `${fallback === 'cookie' ? 'session' : 'key'}:${fingerprint(token)}` };
}

function fromAuthorization(value: string, jwts: JwtCache): CallAuth {
  const v = value.trim();
  const sp = v.indexOf(' ');
  const word = (sp < 0 ? v : v.slice(0, sp)).toLowerCase();
  const rest = sp < 0 ? '' : v.slice(sp + 1).trim();
  switch (word) {
    case 'basic': {
      const cred = decodeBasic(rest);
      return { scheme: 'basic', carrier: 'authorization', identity: cred !== null && cred.user !== '' ? `user:${cred.user}` : '' };
    }
    case 'bearer':
      return tokenAuth(rest, 'authorization', jwts, 'bearer');
    case 'digest': {
      const m = /(?:^|[\s,])username\s*=\s*"([^"]{0,256})"/i.exec(rest);
      return { scheme: 'digest', carrier: 'authorization', identity: m !== null && m[1] !== '' ? `user:${cleanName(m[1])}` : '' };
    }
    default:
      if (sp < 0 && looksLikeJwt(v)) return tokenAuth(v, 'authorization', jwts, 'bearer');
      if (v.length === 0) return noAuth();
      return { scheme: 'other', carrier: 'authorization', identity: `key:${fingerprint(v)}` };
  }
}

function fromQuery(query: string, jwts: JwtCache): CallAuth | null {
  let i = 0;
  let count = 0;
  const n = query.length;
  while (i < n && count < 64) {
    let e = query.indexOf('&', i);
    if (e < 0) e = n;
    const eq = query.indexOf('=', i);
    if (eq > i && eq < e) {
      const name = percentDecode(query, i, eq).toLowerCase();
      const isToken = QUERY_TOKEN_PARAMS.has(name);
      if (isToken || QUERY_KEY_PARAMS.has(name)) {
        const value = percentDecode(query, eq + 1, e);
        if (value.length >= 8) return tokenAuth(value, `query:${name}`, jwts, isToken ? 'bearer' : 'api_key');
      }
    }
    count++;
    i = e + 1;
  }
  return null;
}

function isSessionCookie(name: string): boolean {
  return SESSION_COOKIES.has(name) || name.includes('sess') || name.endsWith('sid') || name.includes('token');
}

function fromCookies(cookie: string, jwts: JwtCache): CallAuth | null {
  let i = 0;
  let count = 0;
  const n = cookie.length;
  while (i < n && count < 64) {
    let e = cookie.indexOf(';', i);
    if (e < 0) e = n;
    let s = i;
    while (s < e && cookie.charCodeAt(s) === 32) s++;
    const eq = cookie.indexOf('=', s);
    if (eq > s && eq < e) {
      const name = cookie.slice(s, eq).trim().toLowerCase();
      if (isSessionCookie(name)) {
        const value = cookie.slice(eq + 1, e).trim();
        if (value.length >= 8) {
          const a = tokenAuth(value, `cookie:${name}`, jwts, 'cookie');
          return a.scheme === 'jwt' ? a : { scheme: 'cookie', carrier: a.carrier, identity: `session:${fingerprint(value)}` };
        }
      }
    }
    count++;
    i = e + 1;
  }
  return null;
}

/**
 * The authentication of a request. Order of preference: Authorization header, API-key headers, credentials in the
 * query string, session cookies. A JWT anywhere is reported as `jwt` with its decoded facts.
 */
export function resolveAuth(tx: Transaction, jwts: JwtCache = new JwtCache(64)): CallAuth {
  const hs = tx.requestHeaders;
  let keyHeader = -1;
  let cookieHeader = -1;
  for (let i = 0; i < hs.length; i++) {
    const name = hs[i][0];
    if (headerIs(name, 'authorization')) {
      const a = jwts.authorization(hs[i][1]);
      if (a.scheme !== 'none') return a;
    } else if (cookieHeader < 0 && headerIs(name, 'cookie')) cookieHeader = i;
    else if (keyHeader < 0 && API_KEY_NAMES.has(name)) keyHeader = i;
  }
  if (keyHeader >= 0) {
    const value = hs[keyHeader][1].trim();
    if (value.length > 0) return tokenAuth(value, hs[keyHeader][0].toLowerCase(), jwts, 'api_key');
  }
  if (tx.query.length > 0) {
    const q = fromQuery(tx.query, jwts);
    if (q !== null) return q;
  }
  if (cookieHeader >= 0) {
    const c = fromCookies(hs[cookieHeader][1], jwts);
    if (c !== null) return c;
  }
  return noAuth();
}
