/**
 * Syslog message building: RFC 5424 lines (PRI, version, timestamp, host, app, msgid, structured data, message) with
 * the alert either as plain text plus structured data or as an ArcSight CEF record for SIEMs, with the escaping each
 * format requires, and RFC 6587 octet-counting framing for stream transports.
 */
import type { Severity } from '../../analyzers/call.context.ts';
import { alertTitle, alertUrl } from '../alert.format.ts';
import type { Alert } from '../alert.types.ts';

/** Syslog facilities by name (RFC 5424 table 1). */
export const FACILITIES = { kern: 0, user: 1, daemon: 3, auth: 4, syslog: 5, authpriv: 10, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23 } as const;

/** A facility name. */
export type Facility = keyof typeof FACILITIES;

/** Syslog severity of each alert severity (2 crit, 3 err, 4 warning, 5 notice, 6 info). */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };

/** CEF severity (0–10) of each alert severity. */
export const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

/** Structured-data id (enterprise number 32473 is the one RFC 5612 reserves for documentation and examples). */
export const SD_ID = 'apiradar@32473';

/** What a message needs besides the alert. */
export interface SyslogFields {
  facility: Facility;
  hostname: string;
  appName: string;
  format: 'rfc5424' | 'cef';
  version: string;
  publicUrl: string;
}

/** Keeps printable US-ASCII without spaces, cut to `max` (`-` when empty), as RFC 5424 header fields require. */
export function headerField(s: string, max: number): string {
  const t = s.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return t === '' ? '-' : t;
}

/** Escapes an SD-PARAM value (`"`, `\` and `]`). */
export function sdEscape(s: string): string {
  return s.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** Escapes a CEF header field (`\` and `|`; line breaks become spaces). */
export function cefHeaderEscape(s: string): string {
  return s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** Escapes a CEF extension value (`\`, `=`, and line breaks as `\n` / `\r`). */
export function cefValueEscape(s: string): string {
  return s.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

function splitEndpoint(endpoint: string): { method: string; path: string } {
  const i = endpoint.indexOf(' ');
  return i < 0 ? { method: '', path: endpoint } : { method: endpoint.slice(0, i), path: endpoint.slice(i + 1) };
}

/** The alert as a CEF record: `CEF:0|API Radar|API Radar|<ver>|<type>|<title>|<severity>|<extension>`. */
export function cefRecord(a: Alert, version: string, publicUrl: string): string {
  const { method, path } = splitEndpoint(a.endpoint);
  const ext: Array<[string, string]> = [
    ['rt', String(a.lastSeen)],
    ['start', String(a.firstSeen)],
    ['end', String(a.lastSeen)],
    ['cnt', String(a.count)],
    ['cat', a.category],
    ['src', a.client],
    ['dhost', a.host],
    ['requestMethod', method],
    ['request', path],
    ['suser', a.identity],
    ['msg', a.evidence],
  ];
  const url = alertUrl(a, publicUrl);
  if (url !== '') ext.push(['cs1Label', 'link'], ['cs1', url]);
  const extension = ext.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${cefValueEscape(v)}`).join(' ');
  return ['CEF:0', 'API Radar', 'API Radar', cefHeaderEscape(version), cefHeaderEscape(a.type), cefHeaderEscape(alertTitle(a, 'en')), String(CEF_SEVERITY[a.severity])].join('|') + `|${extension}`;
}

/** One RFC 5424 message (without framing) for `a` at time `now`. */
export function syslogMessage(a: Alert, f: SyslogFields, now: number): string {
  const pri = FACILITIES[f.facility] * 8 + SYSLOG_SEVERITY[a.severity];
  const head = `<${pri}>1 ${new Date(now).toISOString()} ${headerField(f.hostname, 255)} ${headerField(f.appName, 48)} - ${headerField(a.type, 32)}`;
  if (f.format === 'cef') return `${head} - ${cefRecord(a, f.version, f.publicUrl)}`;
  const params: Array<[string, string]> = [
    ['type', a.type],
    ['category', a.category],
    ['severity', a.severity],
    ['host', a.host],
    ['endpoint', a.endpoint],
    ['client', a.client],
    ['identity', a.identity],
    ['count', String(a.count)],
    ['firstSeen', new Date(a.firstSeen).toISOString()],
    ['lastSeen', new Date(a.lastSeen).toISOString()],
  ];
  const sd = `[${SD_ID} ${params.filter(([, v]) => v !== '').map(([k, v]) => `${k}="${sdEscape(v)}"`).join(' ')}]`;
  const url = alertUrl(a, f.publicUrl);
  return `${head} ${sd} \uFEFF${alertTitle(a, 'en')}: ${a.evidence}${url !== '' ? ` ${url}` : ''}`;
}

/** RFC 6587 octet counting: `<byte length> <message>`. */
export function octetFrame(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
