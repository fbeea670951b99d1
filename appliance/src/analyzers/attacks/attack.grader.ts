/**
 * Grades an attack by the response: `attempt` when it was refused (4xx, or a 3xx redirect away), `likely_success`
 * when the server answered 2xx/5xx with a back-end signature of the injected family (SQL error text, /etc/passwd or
 * win.ini content, command output, the XSS payload reflected unescaped, an evaluated template probe, cloud
 * metadata), for 2xx a response unusually large for the endpoint, or an answer unusually slow for it (time-based
 * blind injection: `sleep(5)`, `WAITFOR DELAY`, `ping -c 10`); else `unknown` (no response, or accepted without
 * a sign of success). Keeps per-endpoint baselines of response size and response time (Welford mean/variance of
 * 2xx responses to calls without attacks), keyed by the endpoint template the inventory analyzer matched.
 */
import type { AttackOutcome, CallContext, CallEndpoint, Severity } from '../call.context.ts';
import type { AttackFamily, AttackMatch } from './attack.types.ts';
import type { AttackSettings } from './attacks.settings.ts';

const SQL_ERRORS = [
  'you have an error in your sql syntax', 'warning: mysql', 'mysql_fetch', 'mysqli_', 'sqlstate[', 'sqlstate:',
  'ora-0', 'ora-1', 'pls-', 'pg_query', 'pg::syntaxerror', 'psqlexception', 'syntax error at or near',
  'unterminated quoted string', 'unclosed quotation mark', 'quoted string not properly terminated',
  'microsoft ole db provider', 'odbc sql server driver', 'sqlserverexception', 'system.data.sqlclient',
  'sqlite_error', 'sqlite3::', 'sqlite.exception', 'near "', 'unrecognized token', 'sql command not properly ended',
  'db2 sql error', 'sqlcode', 'jdbc', 'hibernate', 'sequelizedatabaseerror', 'er_parse_error', 'invalid column name',
  'conversion failed when converting', 'division by zero',
];
const FILE_CONTENT = ['root:x:0:0', 'root:*:0:0', 'daemon:x:1:1', 'bin:x:2:2', '[boot loader]', '; for 16-bit app support', '[extensions]', 'private key-----', '<?php'];
const COMMAND_OUTPUT = ['root:x:0:0', 'linux version ', 'volume serial number', 'directory of ', 'windows ip configuration', 'inet addr:', 'total 0', 'drwxr-xr-x', 'nt authority\\'];
const METADATA = ['ami-id', 'instance-id', 'computemetadata', 'accesskeyid', 'secretaccesskey', 'security-credentials', 'root:x:0:0', '"token_type"'];

/** Base severity of each family when the outcome is unknown. */
const BASE_SEVERITY: Readonly<Record<AttackFamily, Severity>> = {
  sqli: 'high',
  xss: 'medium',
  path_traversal: 'medium',
  command_injection: 'high',
  ssrf: 'medium',
  xxe: 'high',
  jndi_injection: 'high',
  ssti: 'high',
  nosql_injection: 'high',
  scanner: 'low',
};

const LOWER: Readonly<Record<Severity, Severity>> = { info: 'info', low: 'low', medium: 'low', high: 'medium', critical: 'high' };

/** The grading of one match. */
export interface AttackGrade {
  outcome: AttackOutcome;
  severity: Severity;
  /** Why, as text (e.g. `response 200 with an SQL error signature`). */
  reason: string;
}

/** Running mean and variance (Welford). */
interface Running {
  n: number;
  mean: number;
  m2: number;
}

/** Baselines of one endpoint: response size and response time. */
interface EndpointStats {
  size: Running;
  time: Running;
}

function addSample(r: Running, x: number): void {
  r.n++;
  const d = x - r.mean;
  r.mean += d / r.n;
  r.m2 += d * (x - r.mean);
}

/** Whether `x` is above mean + `sigmas` standard deviations and at least `ratio` times the mean. */
function unusual(r: Running, x: number, minSamples: number, sigmas: number, ratio: number): boolean {
  if (r.n < minSamples) return false;
  const sd = Math.sqrt(r.m2 / (r.n - 1));
  return x > r.mean + sigmas * sd && x >= r.mean * ratio;
}

/** Families whose injections are confirmed by a delayed answer (time-based blind payloads). */
const TIMED_FAMILIES: ReadonlySet<AttackFamily> = new Set(['sqli', 'command_injection', 'nosql_injection', 'ssti', 'xxe', 'ssrf', 'jndi_injection']);

function seconds(us: number): string {
  return `${(us / 1e6).toFixed(1)} s`;
}

function anyIn(body: string, list: readonly string[]): string | null {
  for (const s of list) if (body.indexOf(s) >= 0) return s;
  return null;
}

/** Evaluates a simple arithmetic template probe (`7*7`) to the text it renders to, or null. */
function probeResult(payload: string): string | null {
  const m = /(\d{1,6})\s*([*+-])\s*['"]?(\d{1,6})/.exec(payload);
  if (m === null) return null;
  const a = Number(m[1]);
  const b = Number(m[3]);
  const r = m[2] === '*' ? a * b : m[2] === '+' ? a + b : a - b;
  return String(r).length >= 2 ? String(r) : null;
}

/** Grades matches and keeps the response size baseline. */
export class AttackGrader {
  private readonly sizes = new Map<string, Map<string, EndpointStats>>();
  private endpoints = 0;
  /**
   * The same baselines by shared CallEndpoint object (whose host is the call's): one look-up by object identity per
   * call instead of two by host and key text. Emptied with `sizes`, and when it holds twice the endpoint cap (new
   * endpoint objects after re-templating).
   */
  private readonly byEndpoint = new Map<CallEndpoint, EndpointStats>();

  constructor(private readonly settings: AttackSettings) {}

  /** Learns the response size and time of a 2xx call without attacks (only for calls matched to an endpoint template). */
  learn(call: CallContext): void {
    const st = call.tx.status;
    const ep = call.endpoint;
    if (st === null || st < 200 || st >= 300 || ep === null) return;
    const shared = ep.host === call.host;
    const known = shared ? this.byEndpoint.get(ep) : undefined;
    const s = known ?? this.statsByKey(call.host, ep);
    if (s === undefined) return;
    if (shared && known === undefined) {
      if (this.byEndpoint.size >= 2 * this.settings.sizeBaselineEndpoints) this.byEndpoint.clear();
      this.byEndpoint.set(ep, s);
    }
    addSample(s.size, call.tx.responseBytes);
    if (call.tx.latencyUs !== null) addSample(s.time, call.tx.latencyUs);
  }

  /** The baselines of `ep` on `host` by key text, created when absent; undefined when that emptied the full table. */
  private statsByKey(host: string, ep: CallEndpoint): EndpointStats | undefined {
    let byKey = this.sizes.get(host);
    if (byKey === undefined) {
      byKey = new Map<string, EndpointStats>();
      this.sizes.set(host, byKey);
    }
    let s = byKey.get(ep.key);
    if (s === undefined) {
      if (++this.endpoints > this.settings.sizeBaselineEndpoints) {
        this.sizes.clear();
        this.byEndpoint.clear();
        this.endpoints = 0;
        return undefined;
      }
      s = { size: { n: 0, mean: 0, m2: 0 }, time: { n: 0, mean: 0, m2: 0 } };
      byKey.set(ep.key, s);
    }
    return s;
  }

  /** Whether the call's response is unusually large for its endpoint (and the baseline is ready). */
  unusualSize(call: CallContext): boolean {
    const s = this.stats(call);
    const c = this.settings;
    return s !== undefined && unusual(s.size, call.tx.responseBytes, c.sizeBaselineMinSamples, c.sizeBaselineSigmas, c.sizeBaselineRatio);
  }

  /** The endpoint's mean response time when the call's answer was unusually slow for it (and the baseline is ready), else null. */
  unusualTime(call: CallContext): number | null {
    const s = this.stats(call);
    const t = call.tx.latencyUs;
    const c = this.settings;
    if (s === undefined || t === null || t < c.timeBaselineMinDelayUs) return null;
    return unusual(s.time, t, c.sizeBaselineMinSamples, c.timeBaselineSigmas, c.timeBaselineRatio) ? s.time.mean : null;
  }

  private stats(call: CallContext): EndpointStats | undefined {
    const ep = call.endpoint;
    if (ep === null) return undefined;
    return (ep.host === call.host ? this.byEndpoint.get(ep) : undefined) ?? this.sizes.get(call.host)?.get(ep.key);
  }

  /** Grades one match by the call's response; `body` is the lower-cased response text ('' when none). */
  grade(call: CallContext, m: AttackMatch, body: string): AttackGrade {
    const status = call.tx.status;
    const base = BASE_SEVERITY[m.family];
    if (status === null) return { outcome: 'unknown', severity: base, reason: 'no response seen' };
    if (status >= 400 && status < 500) {
      return { outcome: 'attempt', severity: m.family === 'jndi_injection' ? base : LOWER[base], reason: `refused with ${status}` };
    }
    if (status >= 300 && status < 400) return { outcome: 'attempt', severity: LOWER[base], reason: `redirected with ${status}` };
    const sig = this.signature(m, body);
    if (sig !== null) return { outcome: 'likely_success', severity: 'critical', reason: `response ${status} ${sig}` };
    if (status >= 200 && status < 300 && m.family !== 'scanner' && this.unusualSize(call)) {
      return { outcome: 'likely_success', severity: 'critical', reason: `response ${status} of unusual size (${call.tx.responseBytes} bytes) for this endpoint` };
    }
    if (TIMED_FAMILIES.has(m.family)) {
      const mean = this.unusualTime(call);
      if (mean !== null) return { outcome: 'likely_success', severity: 'critical', reason: `response ${status} after ${seconds(call.tx.latencyUs ?? 0)}, unusual time for this endpoint (mean ${seconds(mean)})` };
    }
    return { outcome: 'unknown', severity: base, reason: status >= 500 ? `server error ${status} without a back-end signature` : `accepted with ${status}, no sign of success` };
  }

  /** The family's success signature found in the response body, as text, or null. */
  private signature(m: AttackMatch, body: string): string | null {
    if (body.length === 0) return null;
    switch (m.family) {
      case 'sqli': {
        const s = anyIn(body, SQL_ERRORS);
        return s === null ? null : 'with an SQL error signature';
      }
      case 'path_traversal':
      case 'xxe':
        return anyIn(body, FILE_CONTENT) === null ? null : 'with file content (e.g. /etc/passwd, win.ini)';
      case 'command_injection':
        return anyIn(body, COMMAND_OUTPUT) !== null || /uid=\d+\([a-z0-9_-]+\) gid=\d+/.test(body) ? 'with command output' : null;
      case 'ssrf':
        return anyIn(body, METADATA) === null ? null : 'with internal or cloud metadata content';
      case 'xss': {
        const p = m.text.toLowerCase().trim();
        if (p.length >= 8 && /[<>"']/.test(p) && body.indexOf(p.length > 200 ? p.slice(0, 200) : p) >= 0) return 'reflecting the payload unescaped';
        return null;
      }
      case 'ssti': {
        const r = probeResult(m.text);
        if (r !== null && body.indexOf(r) >= 0 && body.indexOf(m.text.toLowerCase()) < 0) return `rendering the template probe (${r})`;
        return /<class '|subprocess\.popen|<config |uid=\d+\(/.test(body) ? 'with template engine internals' : null;
      }
      default:
        return null;
    }
  }
}
