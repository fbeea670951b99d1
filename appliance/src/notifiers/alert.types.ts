/**
 * The alert: what the policy engine (or any producer) hands to the alert dispatcher, and what every notifier renders.
 * Its text fields come from captured traffic, so {@link sanitizeAlert} strips control characters, caps lengths and
 * masks anything that still looks like a card/ID number or a token before an alert is stored or sent.
 */
import { z } from 'zod';
import type { FindingCategory, Severity } from '../analyzers/call.context.ts';

/** Severities from least to most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

/** Finding categories an alert can carry. */
export const CATEGORIES = ['attack', 'abuse', 'exposure', 'inventory', 'sensitive', 'policy'] as const satisfies readonly FindingCategory[];

/** One alert. Times are milliseconds since the epoch. */
export interface Alert {
  /** Finding type id, e.g. `sqli`, `credential_stuffing`. */
  type: string;
  category: FindingCategory;
  severity: Severity;
  host: string;
  /** Endpoint as `METHOD /template` ('' when the alert is not about one endpoint). */
  endpoint: string;
  /** Client address ('' when endpoint-scoped). */
  client: string;
  /** Identity id (`sub:…`, `user:…`, `key:…`) or ''. */
  identity: string;
  /** Why it fired, sensitive values masked. */
  evidence: string;
  /** Occurrences this alert stands for (≥ 1). */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Path in the appliance's UI that shows the finding (e.g. `/findings?type=sqli`), '' for none. */
  linkPath: string;
}

/** Validates an alert given through the API or by a producer. */
export const AlertSchema = z.object({
  type: z.string().min(1).max(64),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  host: z.string().max(300).default(''),
  endpoint: z.string().max(600).default(''),
  client: z.string().max(64).default(''),
  identity: z.string().max(300).default(''),
  evidence: z.string().max(4000).default(''),
  count: z.number().int().min(1).default(1),
  firstSeen: z.number().int().min(0),
  lastSeen: z.number().int().min(0),
  linkPath: z.string().max(600).default(''),
});

/** Rank of a severity (info = 0 … critical = 4). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Longest evidence kept in an alert. */
export const MAX_EVIDENCE_CHARS = 1000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONG_DIGITS = /\d{11,19}/g;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(bearer|basic|token|api[_-]?key|password|passwd|secret)(\s*[:=]\s*|\s+)([^\s&"',;]{6,})/gi;

/** Removes control characters (including line separators) and cuts to `max` characters. */
export function cleanText(s: string, max: number): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(CONTROL, ' ');
}

/**
 * Masks what still looks sensitive in evidence text: digit runs of 11–19 (ID, card, mobile numbers) keep their
 * first 3 and last 4 digits; JWTs and credential values after `bearer`/`token`/`password`… become `****`.
 */
export function maskEvidence(s: string): string {
  return s
    .replace(JWT_LIKE, 'eyJ****')
    .replace(BEARER, (_m, k: string, sep: string) => `${k}${sep}****`)
    .replace(LONG_DIGITS, (d) => d.slice(0, 3) + '*'.repeat(d.length - 7) + d.slice(-4));
}

/** Returns a copy of `a` safe to store and send: text cleaned and capped, evidence masked, count and times sane. */
export function sanitizeAlert(a: Alert): Alert {
  const firstSeen = Math.min(a.firstSeen, a.lastSeen);
  return {
    type: cleanText(a.type, 64).replace(/[^A-Za-z0-9_.:-]/g, '_'),
    category: a.category,
    severity: a.severity,
    host: cleanText(a.host, 300),
    endpoint: cleanText(a.endpoint, 600),
    client: cleanText(a.client, 64),
    identity: cleanText(a.identity, 300),
    evidence: maskEvidence(cleanText(a.evidence, MAX_EVIDENCE_CHARS)),
    count: Math.max(1, Math.floor(a.count)),
    firstSeen,
    lastSeen: Math.max(a.firstSeen, a.lastSeen),
    linkPath: a.linkPath.startsWith('/') && !a.linkPath.startsWith('//') ? cleanText(a.linkPath, 600) : '',
  };
}

/** The key alerts are grouped by: same type, endpoint and client. */
export function groupKey(a: Alert): string {
  return `${a.type}\u0000${a.host}\u0000${a.endpoint}\u0000${a.client}`;
}
