/**
 * User policies: conditions over a call (its endpoint, client, identity, auth, sensitive data, status, time of day)
 * and over what the analyzers concluded about it (finding types and severities), optionally counted over a time
 * window per client, identity or endpoint, turned into actions: raise a finding, notify channels, add the client to
 * the block list, or suppress matching detections (allow-list / false-positive rules). Validated with zod; stored in
 * SQLite as JSON; evaluated in the pipeline by policy.engine.ts.
 */
import { z } from 'zod';
import { hostEntryError } from '../pipeline/host.filter.ts';

const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const HostPattern = z
  .string()
  .max(253)
  .superRefine((v, ctx) => {
    const why = hostEntryError(v);
    if (why !== null) ctx.addIssue({ code: 'custom', message: why });
  });

const Cidr = z
  .string()
  .max(64)
  .superRefine((v, ctx) => {
    if (!/^[0-9a-f:.]+(\/\d{1,3})?$/i.test(v) || hostEntryError(v) !== null) ctx.addIssue({ code: 'custom', message: 'not an IP address or CIDR network' });
  });

/** What a policy matches. Every given condition must hold (AND); lists match any of their entries (OR). */
export const PolicyConditionsSchema = z.object({
  /** Hosts (names, `*.wildcards`, server addresses or networks). */
  hosts: z.array(HostPattern).max(200).default([]),
  /** Endpoint templates; `*` matches within a segment, `**` across segments (`/v1/admin/**`). */
  templates: z.array(z.string().min(1).max(500)).max(200).default([]),
  methods: z.array(z.string().regex(/^[A-Z]{1,16}$/)).max(20).default([]),
  /** Client addresses or networks. */
  clients: z.array(Cidr).max(1000).default([]),
  /** Identities (`sub:alice`, `key:ab12…`); `*` suffix for a prefix. */
  identities: z.array(z.string().min(1).max(300)).max(200).default([]),
  authSchemes: z.array(z.enum(['none', 'basic', 'bearer', 'jwt', 'api_key', 'cookie', 'digest', 'other'])).max(8).default([]),
  /** Sensitive data types in the call (any of them). */
  sensitiveTypes: z.array(z.string().min(1).max(64)).max(100).default([]),
  /** Detection types raised on the call by the analyzers (any of them), e.g. `sqli`, `credential_stuffing`. */
  findingTypes: z.array(z.string().min(1).max(64)).max(100).default([]),
  /** Only detections at or above this severity count for findingTypes (and as "any detection" when no type is given). */
  minSeverity: Severity.optional(),
  /** Response status codes: `401`, or a class `5xx`. */
  statuses: z.array(z.string().regex(/^([1-5]xx|\d{3})$/)).max(50).default([]),
  /** Local time-of-day window in the appliance's time zone, `HH:MM`–`HH:MM` (may wrap past midnight). */
  timeOfDay: z.object({ from: z.string().regex(/^\d{2}:\d{2}$/), to: z.string().regex(/^\d{2}:\d{2}$/) }).optional(),
  /** Fire only when this many matching calls happen within `seconds` per key. */
  window: z.object({ count: z.number().int().min(2).max(10_000), seconds: z.number().int().min(1).max(86_400), per: z.enum(['client', 'identity', 'endpoint']) }).optional(),
});

/** What a policy does when it matches. */
export const PolicyActionsSchema = z.object({
  /** Raise a finding of this type (default `policy:<policy name>`) and severity. */
  raise: z.object({ severity: Severity, type: z.string().regex(/^[a-z0-9_:.-]{1,64}$/).optional() }).optional(),
  /** Notify these notifier channels (ids). */
  notify: z.array(z.number().int().positive()).max(20).default([]),
  /** Add the client to the block list for this many minutes. */
  block: z.object({ minutes: z.number().int().min(1).max(525_600) }).optional(),
  /** Drop the matching detections (of `findingTypes`, or all) from the call: an allow-list / false-positive rule. */
  suppress: z.boolean().default(false),
});

/** A policy as users edit it. */
export const PolicyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).default(''),
    enabled: z.boolean().default(true),
    conditions: PolicyConditionsSchema,
    actions: PolicyActionsSchema,
  })
  .refine((p) => p.actions.raise !== undefined || p.actions.notify.length > 0 || p.actions.block !== undefined || p.actions.suppress, {
    message: 'a policy needs at least one action',
    path: ['actions'],
  });

/** Policy input. */
export type PolicyInput = z.infer<typeof PolicyInputSchema>;
/** Conditions. */
export type PolicyConditions = z.infer<typeof PolicyConditionsSchema>;
/** Actions. */
export type PolicyActions = z.infer<typeof PolicyActionsSchema>;

/** A stored policy. */
export interface Policy extends PolicyInput {
  id: number;
  /** Shipped with the appliance (editable and can be disabled, not deleted). */
  builtin: boolean;
  /** The shipped policy's stable key (see `BUILTIN_POLICIES`), by which the UI names it in its language. */
  builtinKey?: string;
  updatedAt: number;
}

/** What a matching policy asks the service to do beyond the call itself (sent from the pipeline to the service). */
export interface PolicyAction {
  policyId: number;
  policyName: string;
  /** Capture time of the call (µs). */
  tsUs: number;
  host: string;
  method: string;
  path: string;
  client: string;
  identity: string;
  severity: string;
  /** Why, masked text. */
  evidence: string;
  notify: number[];
  blockMinutes: number | null;
}
