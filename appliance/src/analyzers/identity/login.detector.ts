/**
 * Login helpers for the abuse detectors: tells which calls are login attempts (form or JSON logins, OAuth password
 * grants, HTTP Basic/Digest authentications), which username was tried, a fingerprint of the password tried (never
 * the password) and whether the attempt failed, judged from the status and from body signals.
 */
import type { Transaction } from '../../engine/transaction.types.ts';
import { headerValue } from '../../engine/transaction.types.ts';
import type { AuthScheme } from '../call.context.ts';
import { fingerprint } from '../sensitive/masking.ts';
import { percentDecode } from '../sensitive/message.parsers.ts';
import { cleanName, decodeBasic } from './auth.resolver.ts';
import { headerIs } from './header.names.ts';

/** How a login attempt ended. */
export type LoginOutcome = 'success' | 'failure' | 'unknown';

/** One login attempt. */
export interface LoginAttempt {
  /** `form` (urlencoded or JSON body), `basic` (Authorization: Basic) or `digest`. */
  kind: 'form' | 'basic' | 'digest';
  /** Username tried, control characters removed and cut (may be '' when the body had none). */
  username: string;
  /** Fingerprint of the password tried ('' when none was seen, e.g. Digest). */
  passwordFp: string;
  outcome: LoginOutcome;
  /** Why the outcome was judged so (status or body signal). */
  reason: string;
}

/** Request body bytes read to find login fields. */
export const LOGIN_BODY_LIMIT = 16384;
/** Response body bytes read for failure/success signals. */
export const LOGIN_RESPONSE_LIMIT = 4096;

const USER_FIELDS = new Set(['username', 'user_name', 'user', 'login', 'loginname', 'login_name', 'email', 'mail', 'account', 'accountname', 'account_name', 'phone', 'mobile', 'userid', 'user_id', 'principal', 'identifier', 'name']);
const PASSWORD_FIELDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passcode', 'passphrase', 'user_password', 'userpassword', 'login_password', 'loginpwd']);

const FAILURE_BODY = /"(?:success|ok|authenticated|result)"\s*:\s*false|invalid[ _-]?(?:credential|password|username|user|login|grant)|incorrect|wrong[ _-]?password|bad[ _-]credentials|login[ _-]?failed|authentication[ _-]?failed|unauthori[sz]ed|access[ _-]denied|not[ _-]authori[sz]ed|account[ _-]locked|"error"\s*:\s*"|"errcode"\s*:\s*[1-9]|用户名或密码错误|密码错误|登录失败/i;
const SUCCESS_BODY = /access_token|refresh_token|"token"\s*:|"(?:success|ok|authenticated)"\s*:\s*true|"sessionid"/i;

/** Fields found in a login body. */
interface LoginFields {
  username: string;
  password: string | null;
}

function scanJsonObject(obj: Record<string, unknown>, out: LoginFields, depth: number): void {
  let keys = 0;
  for (const k in obj) {
    if (++keys > 64) return;
    const v = obj[k];
    const lk = k.toLowerCase();
    if (typeof v === 'string' || typeof v === 'number') {
      if (out.password === null && PASSWORD_FIELDS.has(lk)) out.password = String(v);
      else if (out.username === '' && USER_FIELDS.has(lk)) out.username = cleanName(String(v));
    } else if (depth < 2 && v !== null && typeof v === 'object' && !Array.isArray(v)) scanJsonObject(v as Record<string, unknown>, out, depth + 1);
  }
}

function formFields(text: string): LoginFields {
  const out: LoginFields = { username: '', password: null };
  let i = 0;
  let count = 0;
  while (i < text.length && count++ < 128) {
    let e = text.indexOf('&', i);
    if (e < 0) e = text.length;
    const eq = text.indexOf('=', i);
    if (eq > i && eq < e) {
      const name = percentDecode(text, i, eq).toLowerCase();
      if (out.password === null && PASSWORD_FIELDS.has(name)) out.password = percentDecode(text, eq + 1, e);
      else if (out.username === '' && USER_FIELDS.has(name)) out.username = cleanName(percentDecode(text, eq + 1, e));
    }
    i = e + 1;
  }
  return out;
}

/** Login fields of a request body (JSON or urlencoded form); null when it has no password field. */
export function loginFields(tx: Transaction): LoginFields | null {
  const body = tx.requestBody;
  if (body === null || body.data.length === 0) return null;
  const data = body.data.length > LOGIN_BODY_LIMIT ? body.data.subarray(0, LOGIN_BODY_LIMIT) : body.data;
  let out: LoginFields | null = null;
  let first = 0;
  while (first < data.length && (data[first] === 32 || data[first] === 10 || data[first] === 13 || data[first] === 9)) first++;
  if (data[first] === 123) {
    try {
      const v: unknown = JSON.parse(data.toString('utf8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        out = { username: '', password: null };
        scanJsonObject(v as Record<string, unknown>, out, 0);
      }
    } catch {
      out = null;
    }
  } else {
    out = formFields(data.toString('latin1'));
  }
  return out !== null && out.password !== null ? out : null;
}

/** Judges a login attempt's outcome from the response: status first, then failure/success words in the body. */
export function loginOutcome(tx: Transaction): { outcome: LoginOutcome; reason: string } {
  const s = tx.status;
  if (s === null) return { outcome: 'unknown', reason: 'no response' };
  if (s === 401 || s === 403 || s === 429 || s === 400 || s === 422 || s === 423) return { outcome: 'failure', reason: `status ${s}` };
  if (s >= 500) return { outcome: 'unknown', reason: `status ${s}` };
  if (s >= 300 && s < 400) {
    const loc = headerValue(tx.responseHeaders, 'location') ?? '';
    return /error|fail|denied|login|signin|sign-in/i.test(loc) ? { outcome: 'failure', reason: `redirect to ${loc.slice(0, 80)}` } : { outcome: 'success', reason: `status ${s}` };
  }
  if (s >= 400) return { outcome: 'failure', reason: `status ${s}` };
  const rb = tx.responseBody;
  if (rb !== null && rb.data.length > 0) {
    const text = rb.data.subarray(0, LOGIN_RESPONSE_LIMIT).toString('utf8');
    const f = FAILURE_BODY.exec(text);
    if (f !== null && !SUCCESS_BODY.test(text)) return { outcome: 'failure', reason: `status ${s} with "${f[0].slice(0, 40)}"` };
  }
  return { outcome: 'success', reason: `status ${s}` };
}

/** True when the request may be a login form or JSON login: a POST/PUT whose body mentions a password-like word (cheap test before parsing). */
export function mayBeLogin(tx: Transaction): boolean {
  const m = tx.method;
  if (m !== 'POST' && m !== 'PUT') return false;
  const body = tx.requestBody;
  if (body === null || body.data.length === 0 || body.data.length > 1 << 20) return false;
  const d = body.data.length > LOGIN_BODY_LIMIT ? body.data.subarray(0, LOGIN_BODY_LIMIT) : body.data;
  return d.indexOf(NEEDLE_PASS) >= 0 || d.indexOf(NEEDLE_PWD) >= 0;
}

const NEEDLE_PASS = Buffer.from('pass', 'latin1');
const NEEDLE_PWD = Buffer.from('pwd', 'latin1');


const answered = new WeakMap<Transaction, LoginAttempt | null>();

/**
 * {@link detectLogin} remembering its last answer, so analyzers that run one after another on the same call
 * (abuse, exposure) parse its body once.
 */
export function detectLoginOnce(tx: Transaction, scheme?: AuthScheme): LoginAttempt | null {
  if (!mayBeLogin(tx)) return authorizationLogin(tx, scheme);
  const known = answered.get(tx);
  if (known !== undefined) return known;
  const login = detectLogin(tx, scheme);
  answered.set(tx, login);
  return login;
}

function authorizationOf(tx: Transaction): string | undefined {
  const hs = tx.requestHeaders;
  for (let i = 0; i < hs.length; i++) if (headerIs(hs[i][0], 'authorization')) return hs[i][1];
  return undefined;
}

/**
 * The login attempt a call makes, or null. A call with HTTP Basic or Digest credentials counts as an
 * authentication attempt on any path; a POST/PUT whose body has a password field counts as a form login. When the
 * identity analyzer's `scheme` is given, the Authorization header is only read for `basic` and `digest`.
 */
export function detectLogin(tx: Transaction, scheme?: AuthScheme): LoginAttempt | null {
  const viaHeader = authorizationLogin(tx, scheme);
  if (viaHeader !== null) return viaHeader;
  if (!mayBeLogin(tx)) return null;
  const f = loginFields(tx);
  if (f === null || f.password === null) return null;
  const o = loginOutcome(tx);
  return { kind: 'form', username: f.username, passwordFp: fingerprint(`pw:${f.password}`), outcome: o.outcome, reason: o.reason };
}

/** The Basic or Digest login attempt of a call's Authorization header, or null (the header part of {@link detectLogin}). */
function authorizationLogin(tx: Transaction, scheme?: AuthScheme): LoginAttempt | null {
  const auth = scheme === undefined || scheme === 'basic' || scheme === 'digest' ? authorizationOf(tx) : undefined;
  if (auth !== undefined) {
    const t = auth.trimStart();
    const word = t.slice(0, 7).toLowerCase();
    if (word.startsWith('basic ')) {
      const cred = decodeBasic(t.slice(6));
      if (cred !== null) {
        const o = loginOutcome(tx);
        return { kind: 'basic', username: cred.user, passwordFp: fingerprint(`pw:${cred.password}`), outcome: o.outcome, reason: o.reason };
      }
    } else if (word.startsWith('digest ')) {
      const m = /(?:^|[\s,])username\s*=\s*"([^"]{0,256})"/i.exec(t);
      const o = loginOutcome(tx);
      return { kind: 'digest', username: m !== null ? cleanName(m[1]) : '', passwordFp: '', outcome: o.outcome, reason: o.reason };
    }
  }
  return null;
}
