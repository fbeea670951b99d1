// The policy form's model: a stored policy turned into editable text (one list entry per line) and back into the
// body of `POST /policies` / `PUT /policies/:id`. Empty conditions are left out so the service's defaults apply.
// Pure (tested in tests/unit/ui/).
import { parseLines } from '../../lib/format/value.format.ts';
import { en, type MessageKey } from '../../lib/i18n/en.ts';
import { messageKey } from '../../lib/i18n/i18n.ts';

/** Severities, lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** Authentication schemes a condition can name. */
export const AUTH_SCHEMES = ['none', 'basic', 'bearer', 'jwt', 'api_key', 'cookie', 'digest', 'other'] as const;
/** What a window counts per. */
export const WINDOW_PER = ['client', 'identity', 'endpoint'] as const;
/** List conditions edited one entry per line. */
export const LIST_CONDITIONS = ['hosts', 'templates', 'methods', 'clients', 'identities', 'sensitiveTypes', 'findingTypes', 'statuses'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];
/** One of {@link LIST_CONDITIONS}. */
export type ListCondition = (typeof LIST_CONDITIONS)[number];

/** A policy as `GET /policies` returns it. */
export interface PolicyView {
  id: number;
  name: string;
  description: string;
  enabled: boolean;
  builtin: boolean;
  /** The shipped policy's key (built-in policies only). */
  builtinKey?: string;
  updatedAt: number;
  conditions: Record<ListCondition, string[]> & {
    authSchemes: string[];
    minSeverity?: Severity;
    timeOfDay?: { from: string; to: string };
    window?: { count: number; seconds: number; per: (typeof WINDOW_PER)[number] };
  };
  actions: { raise?: { severity: Severity; type?: string }; notify: number[]; block?: { minutes: number }; suppress: boolean };
}

/** A notify/block action a policy raised (`GET /policies/events`). */
export interface PolicyEvent {
  id: number;
  at: number;
  policyId: number;
  policyName: string;
  host: string;
  method: string;
  path: string;
  client: string;
  identity: string;
  severity: string;
  evidence: string;
  notify: number[];
  blockMinutes: number | null;
}

/** The editable state of the form. */
export interface PolicyDraft {
  name: string;
  description: string;
  enabled: boolean;
  lists: Record<ListCondition, string>;
  authSchemes: string[];
  minSeverity: Severity | '';
  timeFrom: string;
  timeTo: string;
  windowOn: boolean;
  windowCount: number;
  windowSeconds: number;
  windowPer: (typeof WINDOW_PER)[number];
  raiseOn: boolean;
  raiseSeverity: Severity;
  raiseType: string;
  notify: number[];
  blockOn: boolean;
  blockMinutes: number;
  suppress: boolean;
}

/** The form's state for `p`, or an empty form for a new policy. */
export function draftFromPolicy(p: PolicyView | null): PolicyDraft {
  const c = p?.conditions;
  const lists = Object.fromEntries(LIST_CONDITIONS.map((k) => [k, (c?.[k] ?? []).join('\n')])) as Record<ListCondition, string>;
  return {
    name: p?.name ?? '',
    description: p?.description ?? '',
    enabled: p?.enabled ?? true,
    lists,
    authSchemes: [...(c?.authSchemes ?? [])],
    minSeverity: c?.minSeverity ?? '',
    timeFrom: c?.timeOfDay?.from ?? '',
    timeTo: c?.timeOfDay?.to ?? '',
    windowOn: c?.window !== undefined,
    windowCount: c?.window?.count ?? 100,
    windowSeconds: c?.window?.seconds ?? 60,
    windowPer: c?.window?.per ?? 'client',
    raiseOn: p === null ? true : p.actions.raise !== undefined,
    raiseSeverity: p?.actions.raise?.severity ?? 'medium',
    raiseType: p?.actions.raise?.type ?? '',
    notify: [...(p?.actions.notify ?? [])],
    blockOn: p?.actions.block !== undefined,
    blockMinutes: p?.actions.block?.minutes ?? 60,
    suppress: p?.actions.suppress ?? false,
  };
}

/** The request body for `d` (methods upper-cased; a time of day only when both ends are given). */
export function policyBody(d: PolicyDraft): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  for (const k of LIST_CONDITIONS) {
    const v = parseLines(d.lists[k]);
    if (v.length > 0) conditions[k] = k === 'methods' ? v.map((m) => m.toUpperCase()) : v;
  }
  if (d.authSchemes.length > 0) conditions.authSchemes = d.authSchemes;
  if (d.minSeverity !== '') conditions.minSeverity = d.minSeverity;
  if (d.timeFrom !== '' || d.timeTo !== '') conditions.timeOfDay = { from: d.timeFrom, to: d.timeTo };
  if (d.windowOn) conditions.window = { count: Number(d.windowCount), seconds: Number(d.windowSeconds), per: d.windowPer };
  const actions: Record<string, unknown> = { notify: d.notify, suppress: d.suppress };
  if (d.raiseOn) actions.raise = d.raiseType.trim() === '' ? { severity: d.raiseSeverity } : { severity: d.raiseSeverity, type: d.raiseType.trim() };
  if (d.blockOn) actions.block = { minutes: Number(d.blockMinutes) };
  return { name: d.name.trim(), description: d.description, enabled: d.enabled, conditions, actions };
}

/** The events of one policy (all when `policyId` is null). */
export function eventsOf(events: PolicyEvent[], policyId: number | null): PolicyEvent[] {
  return policyId === null ? events : events.filter((e) => e.policyId === policyId);
}

/**
 * A policy's name and description in the UI language: a shipped policy the user has not renamed (or re-described) is
 * named from the catalogue (`pol.shipped.<key>.name` / `.desc`, whose English text is the service's); anything else is
 * shown as stored.
 */
export function policyText(p: Pick<PolicyView, 'name' | 'description' | 'builtinKey'>, translate: (key: MessageKey) => string): { name: string; description: string } {
  const shipped = (field: 'name' | 'desc', stored: string): string => {
    if (p.builtinKey === undefined) return stored;
    const key = messageKey(`pol.shipped.${p.builtinKey}.${field}`);
    return key !== null && en[key] === stored ? translate(key) : stored;
  };
  return { name: shipped('name', p.name), description: shipped('desc', p.description) };
}
