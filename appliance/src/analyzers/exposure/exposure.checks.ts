/**
 * The exposure checks, one function per finding type, each pure over a CallContext: `plaintext_credentials`,
 * `jwt_alg_none`, `weak_jwt`, `verbose_error`, `cors_misconfig` and `missing_security_headers`. The sensor only
 * parses clear-text HTTP, so any credential it can read travelled unencrypted on the mirrored link.
 */
import { headerValue, type Transaction } from '../../engine/transaction.types.ts';
import type { CallContext, Detection } from '../call.context.ts';
import { decodeBasic } from '../identity/auth.resolver.ts';
import { detectLoginOnce } from '../identity/login.detector.ts';
import { headerIs } from '../identity/header.names.ts';
import type { ExposureSettings } from './exposure.settings.ts';
import { findVerboseError, mayHaveVerboseError } from './verbose-error.patterns.ts';

function maskUser(u: string): string {
  return u.length === 0 ? '(empty)' : u.slice(0, 1) + '***';
}

function where(tx: Transaction): string {
  return `plain HTTP to ${tx.serverIp}:${tx.serverPort}`;
}

/** Basic-auth credentials or passwords (login bodies, query strings) readable on the wire. */
export function checkPlaintextCredentials(call: CallContext, s: ExposureSettings, out: Detection[]): void {
  const tx = call.tx;
  const auth = call.auth;
  if (auth !== null && auth.scheme === 'basic') {
    const v = headerValue(tx.requestHeaders, 'authorization') ?? '';
    const cred = decodeBasic(v.trim().slice(6));
    out.push({ type: 'plaintext_credentials', category: 'exposure', severity: 'high', scope: 'endpoint', rule: 'exposure.plaintext.basic', evidence: `HTTP Basic credentials of user ${maskUser(cred?.user ?? '')} sent over ${where(tx)}` });
    return;
  }
  if (tx.query.length > 0 && passwordParamTest(s).test(tx.query)) {
    const q = tx.query.toLowerCase();
    for (const p of s.passwordParams) {
      const i = q.indexOf(p + '=');
      if (i >= 0 && (i === 0 || q.charCodeAt(i - 1) === 38) && q.length > i + p.length + 1 && q.charCodeAt(i + p.length + 1) !== 38) {
        out.push({ type: 'plaintext_credentials', category: 'exposure', severity: 'high', scope: 'endpoint', rule: 'exposure.plaintext.query', evidence: `password parameter "${p}" in the query string over ${where(tx)} (also lands in proxy and server logs)` });
        return;
      }
    }
  }
  if (tx.method === 'POST' || tx.method === 'PUT') {
    const login = detectLoginOnce(tx, call.auth?.scheme);
    if (login !== null && login.kind === 'form') {
      out.push({ type: 'plaintext_credentials', category: 'exposure', severity: 'high', scope: 'endpoint', rule: 'exposure.plaintext.login', evidence: `login password of user ${maskUser(login.username)} sent in the request body over ${where(tx)}` });
    }
  }
}

/** Per settings object: whether a query string mentions any password parameter name at all (any case). */
const passwordParamTests = new WeakMap<ExposureSettings, RegExp>();

function passwordParamTest(s: ExposureSettings): RegExp {
  let re = passwordParamTests.get(s);
  if (re === undefined) {
    re = s.passwordParams.length === 0 ? /(?!)/ : new RegExp(s.passwordParams.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
    passwordParamTests.set(s, re);
  }
  return re;
}

/** `alg` is `none` in any case. */
function isAlgNone(alg: string): boolean {
  return alg.length === 4 && alg.toLowerCase() === 'none';
}

function normalizeClaim(c: string): string {
  return c.toLowerCase().replace(/[_-]/g, '');
}

type JwtFacts = NonNullable<NonNullable<CallContext['auth']>['jwt']>;

/** Weak-JWT verdicts per decoded token (the identity analyzer shares one facts object per token). */
const weakVerdicts = new WeakMap<JwtFacts, Detection | null>();

/** `jwt_alg_none` (unsigned tokens, worse when accepted) and `weak_jwt` (no expiry, long life, sensitive claims). */
export function checkJwt(call: CallContext, s: ExposureSettings, out: Detection[], nowSec: number): void {
  const jwt = call.auth?.jwt;
  if (jwt === undefined) return;
  const known = weakVerdicts.get(jwt);
  if (known !== undefined && jwt.alg !== '' && !isAlgNone(jwt.alg)) {
    if (known !== null) out.push(known);
    return;
  }
  const status = call.tx.status;
  if (isAlgNone(jwt.alg) || jwt.alg === '') {
    const accepted = status !== null && status >= 200 && status < 300;
    out.push({
      type: 'jwt_alg_none',
      category: 'exposure',
      severity: accepted ? 'critical' : 'high',
      rule: 'exposure.jwt.alg_none',
      evidence: `JWT with alg "${jwt.alg || '(missing)'}" (unsigned) for ${jwt.sub !== '' ? `subject ${jwt.sub.slice(0, 64)}` : 'no subject'}; ${accepted ? `the server accepted it (status ${status})` : `answered ${status ?? 'nothing'}`}`,
    });
  }
  const weak: string[] = [];
  if (jwt.exp === null) weak.push('no exp claim (never expires)');
  if (jwt.exp !== null && jwt.exp - nowSec > s.jwtMaxLifetimeSec) weak.push(`expires in ${Math.round((jwt.exp - nowSec) / 86400)} days (limit ${Math.round(s.jwtMaxLifetimeSec / 86400)})`);
  const sensitive: string[] = [];
  for (const c of jwt.claims) if (s.jwtSensitiveClaims.includes(normalizeClaim(c))) sensitive.push(c.slice(0, 40));
  if (sensitive.length > 0) weak.push(`sensitive claims in the readable payload: ${sensitive.join(', ')}`);
  const verdict: Detection | null =
    weak.length > 0
      ? { type: 'weak_jwt', category: 'exposure', severity: sensitive.length > 0 ? 'high' : 'medium', scope: 'endpoint', rule: 'exposure.jwt.weak', evidence: `JWT (alg ${jwt.alg || 'none'}${jwt.iss !== '' ? `, issuer ${jwt.iss.slice(0, 80)}` : ''}): ${weak.join('; ')}` }
      : null;
  weakVerdicts.set(jwt, verdict);
  if (verdict !== null) out.push(verdict);
}

/** Stack traces and SQL errors in the response body. */
export function checkVerboseError(call: CallContext, s: ExposureSettings, out: Detection[]): void {
  const tx = call.tx;
  const status = tx.status;
  if (status === null || status < s.verboseErrorMinStatus) return;
  const body = tx.responseBody;
  if (body === null || body.data.length < 16) return;
  const data = body.data.length > s.verboseErrorBytes ? body.data.subarray(0, s.verboseErrorBytes) : body.data;
  const text = data.toString('latin1');
  if (!mayHaveVerboseError(text)) return;
  // JSON bodies escape newlines; unescape the common escapes so multi-line signatures match.
  const plain = text.includes('\\n') ? text.replace(/\\r\\n|\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\"/g, '"').replace(/\\\//g, '/') : text;
  const hit = findVerboseError(plain);
  if (hit === null) return;
  out.push({ type: 'verbose_error', category: 'exposure', severity: hit.signature.platform === 'sql' ? 'high' : 'medium', scope: 'endpoint', rule: `exposure.verbose_error.${hit.signature.platform}`, evidence: `${hit.signature.name} in a ${status} response: "${hit.snippet}"` });
}

function hostOf(origin: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(origin);
  return m === null ? '' : m[1].toLowerCase();
}

/** Wildcard, `null` or reflected foreign origins allowed together with credentials. */
export function checkCors(call: CallContext, out: Detection[]): void {
  const tx = call.tx;
  const rh = tx.responseHeaders;
  let acao: string | undefined;
  let acac: string | undefined;
  for (let i = 0; i < rh.length; i++) {
    const n = rh[i][0];
    if (n.length === 27 && n.toLowerCase() === 'access-control-allow-origin') acao = rh[i][1].trim();
    else if (n.length === 32 && n.toLowerCase() === 'access-control-allow-credentials') acac = rh[i][1].trim();
  }
  if (acao === undefined) return;
  const creds = acac !== undefined && acac.toLowerCase() === 'true';
  const origin = headerValue(tx.requestHeaders, 'origin');
  let why = '';
  let severity: Detection['severity'] = 'medium';
  if (acao === '*' && creds) why = 'Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true';
  else if (acao.toLowerCase() === 'null' && creds) {
    why = 'origin "null" (sandboxed frames, local files) allowed with credentials';
    severity = 'high';
  } else if (creds && origin !== undefined && acao === origin) {
    const oh = hostOf(origin);
    const host = call.host.replace(/:\d+$/, '');
    const related = oh !== '' && (oh === host || oh.endsWith('.' + host) || host.endsWith('.' + oh));
    if (!related) {
      // eslint-disable-next-line no-control-regex
      why = `request origin ${origin.slice(0, 100).replace(/[\u0000-\u001f\u007f]/g, '')} reflected in Access-Control-Allow-Origin with credentials`;
      severity = 'high';
    }
  }
  if (why !== '') out.push({ type: 'cors_misconfig', category: 'exposure', severity, scope: 'endpoint', rule: 'exposure.cors', evidence: why });
}

/** Sensitive data in a response without the headers that keep it out of caches and browsers' guesses. */
export function checkSecurityHeaders(call: CallContext, out: Detection[]): void {
  const hits = call.sensitive;
  let types = '';
  let count = 0;
  for (let i = 0; i < hits.length; i++) {
    if (hits[i].direction !== 'response') continue;
    count++;
    if (count <= 3 && !types.includes(hits[i].type)) types += (types === '' ? '' : ', ') + hits[i].type;
  }
  if (count === 0) return;
  const tx = call.tx;
  const status = tx.status;
  if (status === null || status < 200 || status >= 300) return;
  let cacheOk = false;
  let nosniff = false;
  let csp = false;
  let frame = false;
  let html = false;
  const rh = tx.responseHeaders;
  for (let i = 0; i < rh.length; i++) {
    const n = rh[i][0];
    if (headerIs(n, 'cache-control')) {
      const v = rh[i][1].toLowerCase();
      cacheOk ||= v.includes('no-store') || v.includes('private');
    } else if (headerIs(n, 'pragma')) cacheOk ||= rh[i][1].toLowerCase().includes('no-cache');
    else if (headerIs(n, 'x-content-type-options')) nosniff = rh[i][1].toLowerCase().includes('nosniff');
    else if (headerIs(n, 'content-security-policy')) csp = true;
    else if (headerIs(n, 'x-frame-options')) frame = true;
    else if (headerIs(n, 'content-type')) html = rh[i][1].toLowerCase().includes('html');
  }
  const missing: string[] = [];
  if (!cacheOk) missing.push('Cache-Control: no-store');
  if (!nosniff) missing.push('X-Content-Type-Options: nosniff');
  if (html && !csp && !frame) missing.push('Content-Security-Policy or X-Frame-Options');
  if (missing.length === 0) return;
  out.push({ type: 'missing_security_headers', category: 'exposure', severity: 'low', scope: 'endpoint', rule: 'exposure.headers', evidence: `response with sensitive data (${types}) lacks ${missing.join(', ')}` });
}
