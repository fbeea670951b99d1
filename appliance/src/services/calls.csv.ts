/**
 * CSV of the call log (`GET /calls/export.csv`): one header line and one line per call, RFC 4180 quoting. Every value
 * came from traffic, so cells are made inert for spreadsheets: control characters are blanked and a cell that a
 * spreadsheet would read as a formula (=, +, -, @) is prefixed with an apostrophe.
 */
import type { CallView } from './calls.service.ts';
import { stripControl } from '../analyzers/attacks/attack.evidence.ts';

/** The columns, in order. */
export const CALL_CSV_COLUMNS = [
  'time', 'client_ip', 'client_port', 'server_ip', 'server_port', 'host', 'method', 'uri', 'template', 'status', 'latency_ms',
  'request_bytes', 'response_bytes', 'auth_scheme', 'identity', 'user_agent', 'sensitive_types', 'sensitive_count', 'detections', 'severity', 'source',
] as const;

/** One CSV cell: control and bidi characters blanked, formulas defused, quoted when it holds a comma or a quote. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let s = stripControl(value);
  if (/^\s*[=+\-@]/.test(s)) s = `'${s}`;
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV line (with CRLF) of one call. */
export function callCsvLine(c: CallView): string {
  const cells: Array<string | number | null> = [
    c.time, c.clientIp, c.clientPort, c.serverIp, c.serverPort, c.host, c.method, c.uri, c.template, c.status, c.latencyMs,
    c.requestBytes, c.responseBytes, c.authScheme, c.identity, c.userAgent, c.sensitiveTypes.join(' '), c.sensitiveCount, c.detections.join(' '), c.severity, c.source,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The header line (with CRLF). */
export function callCsvHeader(): string {
  return `${CALL_CSV_COLUMNS.join(',')}\r\n`;
}
