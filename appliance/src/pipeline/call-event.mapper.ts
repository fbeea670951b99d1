/**
 * Turns an analysed call (CallContext) into the row the call log stores (CallEvent): sensitive values found in the
 * request target are replaced by their masked forms, text is capped and stripped of control characters, and the
 * detections are reduced to their types and the highest severity.
 */
import type { CallContext } from '../analyzers/call.context.ts';
import { headerValue } from '../engine/transaction.types.ts';
import { SEVERITY_RANKS, type CallEvent } from '../store/events/call-event.types.ts';

/** Longest request target kept in the call log. */
export const MAX_URI_CHARS = 2048;
/** Longest user agent kept. */
export const MAX_UA_CHARS = 256;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

function clean(text: string, max: number): string {
  const t = text.length > max ? text.slice(0, max) : text;
  return t.replace(CONTROL, '');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Replaces the sensitive values the analyzers found in the request target by their masked forms: a query
 * parameter's whole value (hit field = parameter name) and a path segment (hit field `path[i]`). The analyzers drop
 * raw values before sinks run, so masking goes by location, not by value.
 */
export function maskUri(uri: string, ctx: CallContext): string {
  let params: Map<string, string> | null = null;
  let segments: Map<number, string> | null = null;
  for (const hit of ctx.sensitive) {
    if (hit.direction !== 'request') continue;
    if (hit.location === 'query') (params ??= new Map()).set(hit.field, hit.masked);
    else if (hit.location === 'path') {
      const m = /^path\[(\d+)\]$/.exec(hit.field);
      if (m !== null) (segments ??= new Map()).set(Number(m[1]), hit.masked);
    }
  }
  if (params === null && segments === null) return uri;
  const q = uri.indexOf('?');
  let path = q < 0 ? uri : uri.slice(0, q);
  let query = q < 0 ? '' : uri.slice(q + 1);
  if (segments !== null) {
    const parts = path.split('/');
    // `path[i]` counts segments after the leading slash.
    for (const [i, masked] of segments) if (i + 1 < parts.length) parts[i + 1] = encodeURIComponent(masked);
    path = parts.join('/');
  }
  if (params !== null && query !== '') {
    const p = params;
    query = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const masked = p.get(safeDecode(pair.slice(0, eq)));
        return masked === undefined ? pair : `${pair.slice(0, eq)}=${encodeURIComponent(masked)}`;
      })
      .join('&');
  }
  return q < 0 ? path : `${path}?${query}`;
}

/** Builds the call-log row of an analysed call. `source` is `live:<iface>` or `upload:<run id>`. */
export function toCallEvent(ctx: CallContext, source: string): CallEvent {
  const tx = ctx.tx;
  let sensitiveTypes: string[] = [];
  if (ctx.sensitive.length > 0) {
    const set = new Set<string>();
    for (const h of ctx.sensitive) set.add(h.type);
    sensitiveTypes = [...set].sort();
  }
  let detections: string[] = [];
  let severity = 0;
  if (ctx.detections.length > 0) {
    const set = new Set<string>();
    for (const d of ctx.detections) {
      set.add(d.type);
      const rank = SEVERITY_RANKS[d.severity] ?? 0;
      if (rank > severity) severity = rank;
    }
    detections = [...set].sort();
  }
  return {
    tsUs: tx.startTs,
    source,
    clientIp: tx.clientIp,
    clientPort: tx.clientPort,
    serverIp: tx.serverIp,
    serverPort: tx.serverPort,
    host: clean(ctx.host, 255),
    method: clean(tx.method, 32),
    uri: clean(ctx.sensitive.length > 0 ? maskUri(tx.uri, ctx) : tx.uri, MAX_URI_CHARS),
    template: ctx.endpoint?.template ?? '',
    status: tx.status,
    requestBytes: tx.requestBytes,
    responseBytes: tx.responseBytes,
    latencyUs: tx.latencyUs,
    authScheme: ctx.auth?.scheme ?? 'none',
    identity: clean(ctx.auth?.identity ?? '', 255),
    userAgent: clean(headerValue(tx.requestHeaders, 'user-agent') ?? '', MAX_UA_CHARS),
    sensitiveTypes,
    sensitiveCount: ctx.sensitive.length,
    detections,
    severity,
    flags: tx.flags,
  };
}
