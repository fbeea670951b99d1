/**
 * Evaluates policies on calls, in the pipeline. Policies are compiled once (sets, compiled host filters and
 * template patterns) and checked cheapest condition first. A dispatch table built at compile time keeps, for each
 * kind of call (status class × has detections × carries sensitive data), only the policies that could match it, so
 * most calls look at one or two policies however many exist. Conditions that depend only on the endpoint (method,
 * template) are decided once per endpoint: each endpoint object gets a plan (the table with those policies already
 * filtered out), shared by every endpoint whose plan is the same. Window conditions keep a bounded ring of timestamps
 * per key. `update` swaps the compiled set at run time (settings changes apply without a restart).
 */
import type { CallContext, CallEndpoint, Detection, Severity } from '../analyzers/call.context.ts';
import { HostFilter } from '../pipeline/host.filter.ts';
import type { Policy, PolicyAction } from './policy.types.ts';

const RANK: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
/** The empty match list of a policy without finding conditions (never modified). */
const NONE: Detection[] = [];
/** Most keys a window condition tracks per policy; the least recently used are dropped past it. */
const MAX_WINDOW_KEYS = 50_000;

interface Compiled {
  p: Policy;
  hosts: HostFilter | null;
  templates: TemplateMatcher | null;
  methods: Set<string> | null;
  clients: HostFilter | null;
  identities: { exact: Set<string>; prefixes: string[] } | null;
  auth: Set<string> | null;
  sensitive: Set<string> | null;
  findingTypes: Set<string> | null;
  minSeverity: number;
  statuses: { exact: Set<number>; classes: Set<number> } | null;
  minutes: { from: number; to: number } | null;
  windows: Map<string, number[]>;
}

/** Status classes of the dispatch table: 0 no status, 1–5 the HTTP classes, 6 any other code. */
const STATUS_CLASSES = 7;

function statusClass(s: number | null): number {
  if (s === null) return 0;
  return s >= 100 && s < 600 ? Math.floor(s / 100) : 6;
}

/** Whether the endpoint-level conditions (method, template) of a policy accept an endpoint. */
function endpointAdmits(c: Compiled, ep: CallEndpoint): boolean {
  if (c.methods !== null && !c.methods.has(ep.method)) return false;
  return c.templates === null || templateAccepts(c.templates, ep.template);
}

function templateAccepts(m: TemplateMatcher, t: string): boolean {
  return m.exact.has(t) || (m.pattern !== null && m.pattern.test(t));
}

/** Index of the dispatch table's list for a call. */
function bucketOf(klass: number, hasDetections: boolean, hasSensitive: boolean): number {
  return klass * 4 + (hasDetections ? 2 : 0) + (hasSensitive ? 1 : 0);
}

/** Whether a policy could match calls of a bucket (conservative: `matches` decides; this only rules out). */
function admits(c: Compiled, klass: number, hasDetections: boolean, hasSensitive: boolean): boolean {
  if (!hasDetections && (c.findingTypes !== null || c.minSeverity !== 0)) return false;
  if (!hasSensitive && c.sensitive !== null) return false;
  if (c.statuses === null) return true;
  if (klass === 0) return false;
  if (klass < 6 && c.statuses.classes.has(klass)) return true;
  for (const code of c.statuses.exact) if (statusClass(code) === klass) return true;
  return false;
}

/** A `*`/`**` template pattern as a regular expression. */
export function templatePattern(t: string): RegExp {
  const re = t
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${re}$`);
}

/** Template conditions compiled: templates without wildcards as a set, the others as one alternation. */
interface TemplateMatcher {
  exact: Set<string>;
  pattern: RegExp | null;
}

function templateMatcher(templates: readonly string[]): TemplateMatcher | null {
  if (templates.length === 0) return null;
  const exact = new Set(templates.filter((t) => !t.includes('*')));
  const patterns = templates.filter((t) => t.includes('*')).map((t) => templatePattern(t).source.slice(1, -1));
  return { exact, pattern: patterns.length === 0 ? null : new RegExp(`^(?:${patterns.join('|')})$`) };
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function compile(p: Policy): Compiled {
  const c = p.conditions;
  const ids = c.identities.length === 0 ? null : { exact: new Set(c.identities.filter((i) => !i.endsWith('*'))), prefixes: c.identities.filter((i) => i.endsWith('*')).map((i) => i.slice(0, -1)) };
  return {
    p,
    hosts: c.hosts.length === 0 ? null : new HostFilter({ watch: c.hosts, ignore: [] }),
    templates: templateMatcher(c.templates),
    methods: c.methods.length === 0 ? null : new Set(c.methods),
    clients: c.clients.length === 0 ? null : new HostFilter({ watch: c.clients, ignore: [] }),
    identities: ids,
    auth: c.authSchemes.length === 0 ? null : new Set(c.authSchemes),
    sensitive: c.sensitiveTypes.length === 0 ? null : new Set(c.sensitiveTypes),
    findingTypes: c.findingTypes.length === 0 ? null : new Set(c.findingTypes),
    minSeverity: c.minSeverity === undefined ? 0 : RANK[c.minSeverity],
    statuses:
      c.statuses.length === 0
        ? null
        : { exact: new Set(c.statuses.filter((s) => !s.endsWith('xx')).map(Number)), classes: new Set(c.statuses.filter((s) => s.endsWith('xx')).map((s) => Number(s[0]))) },
    minutes: c.timeOfDay === undefined ? null : { from: minutesOf(c.timeOfDay.from), to: minutesOf(c.timeOfDay.to) },
    windows: new Map(),
  };
}

function hasSensitiveType(ctx: CallContext, types: Set<string>): boolean {
  const hits = ctx.sensitive;
  for (let i = 0; i < hits.length; i++) if (types.has(hits[i].type)) return true;
  return false;
}

/** Local minutes since midnight of `ms` in `timeZone`. */
function localMinutes(ms: number, fmt: Intl.DateTimeFormat): number {
  const parts = fmt.formatToParts(ms);
  const h = Number(parts.find((x) => x.type === 'hour')?.value ?? 0) % 24;
  const m = Number(parts.find((x) => x.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

/** Evaluates the enabled policies. */
export class PolicyEngine {
  private compiled: Compiled[] = [];
  /** Per bucket (see `bucketOf`), the indexes into `compiled` of the policies that could match, ascending. */
  private table: number[][] = [];
  /** The table filtered by each endpoint's method and template, by endpoint object (rebuilt on `update`). */
  private plans = new WeakMap<CallEndpoint, number[][]>();
  /** Distinct plans by content, so endpoints with the same plan share one. */
  private planIntern = new Map<string, number[][]>();
  private fmt: Intl.DateTimeFormat;
  /** Policy evaluations that matched, by policy id (for the UI's hit counters). */
  readonly hits = new Map<number, number>();

  constructor(
    policies: readonly Policy[],
    timeZone = 'UTC',
    /** Receives notify/block actions (the service executes them). */
    private readonly onAction: (a: PolicyAction) => void = () => undefined,
  ) {
    this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.update(policies, timeZone);
  }

  /** Replaces the policy set (window state of unchanged policies is kept). */
  update(policies: readonly Policy[], timeZone?: string): void {
    if (timeZone !== undefined) this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const old = new Map(this.compiled.map((c) => [c.p.id, c]));
    this.compiled = policies
      .filter((p) => p.enabled)
      .map((p) => {
        const c = compile(p);
        const prev = old.get(p.id);
        if (prev !== undefined && JSON.stringify(prev.p.conditions.window) === JSON.stringify(p.conditions.window)) c.windows = prev.windows;
        return c;
      });
    const table: number[][] = [];
    for (let klass = 0; klass < STATUS_CLASSES; klass++) {
      for (const det of [false, true]) {
        for (const sens of [false, true]) {
          table[bucketOf(klass, det, sens)] = this.compiled.flatMap((c, i) => (admits(c, klass, det, sens) ? [i] : []));
        }
      }
    }
    this.table = table;
    this.plans = new WeakMap();
    this.planIntern = new Map();
  }

  private planFor(ep: CallEndpoint): number[][] {
    let plan = this.plans.get(ep);
    if (plan === undefined) {
      const lists = this.table.map((list) => list.filter((i) => endpointAdmits(this.compiled[i], ep)));
      const key = lists.map((l) => l.join(',')).join('|');
      plan = this.planIntern.get(key);
      if (plan === undefined) {
        plan = lists;
        this.planIntern.set(key, plan);
      }
      this.plans.set(ep, plan);
    }
    return plan;
  }

  /** Number of enabled policies. */
  get size(): number {
    return this.compiled.length;
  }

  /** Applies the policies to one analysed call: may remove detections (suppress), add some (raise) and emit actions. */
  evaluate(ctx: CallContext): void {
    const compiled = this.compiled;
    const klass = statusClass(ctx.tx.status);
    const hasSensitive = ctx.sensitive.length > 0;
    let hasDetections = ctx.detections.length > 0;
    const ep = ctx.endpoint;
    const table = ep !== null ? this.planFor(ep) : this.table;
    let list = table[bucketOf(klass, hasDetections, hasSensitive)];
    for (let j = 0; j < list.length; j++) {
      const at = list[j];
      const c = compiled[at];
      const matched = this.matches(c, ctx, ep === null);
      if (matched === null) continue;
      if (c.p.conditions.window !== undefined && !this.windowFires(c, ctx)) continue;
      this.hits.set(c.p.id, (this.hits.get(c.p.id) ?? 0) + 1);
      this.act(c, ctx, matched);
      if (hasDetections !== ctx.detections.length > 0) {
        // A raise or suppress changed whether the call has detections: go on with the later policies of that bucket.
        hasDetections = !hasDetections;
        list = table[bucketOf(klass, hasDetections, hasSensitive)];
        j = -1;
        while (j + 1 < list.length && list[j + 1] <= at) j++;
      }
    }
  }

  /**
   * null when the call does not match; else the detections that matched the finding conditions (maybe none).
   * `endpointConditions` false: the endpoint's plan has decided method and template already.
   */
  private matches(c: Compiled, ctx: CallContext, endpointConditions: boolean): Detection[] | null {
    const tx = ctx.tx;
    if (endpointConditions && c.methods !== null && !c.methods.has(tx.method)) return null;
    if (c.statuses !== null) {
      const s = tx.status;
      if (s === null || (!c.statuses.exact.has(s) && !c.statuses.classes.has(Math.floor(s / 100)))) return null;
    }
    if (c.auth !== null && !c.auth.has(ctx.auth?.scheme ?? 'none')) return null;
    if (c.hosts !== null && !c.hosts.accepts(ctx.host.toLowerCase(), tx.serverIp)) return null;
    if (c.clients !== null && !c.clients.accepts('', tx.clientIp)) return null;
    if (endpointConditions && c.templates !== null && !templateAccepts(c.templates, ctx.endpoint?.template ?? tx.path)) return null;
    if (c.identities !== null) {
      const id = ctx.auth?.identity ?? '';
      if (id === '' || (!c.identities.exact.has(id) && !c.identities.prefixes.some((p) => id.startsWith(p)))) return null;
    }
    if (c.sensitive !== null && !hasSensitiveType(ctx, c.sensitive)) return null;
    if (c.minutes !== null) {
      const m = localMinutes(Math.floor(tx.startTs / 1000), this.fmt);
      const { from, to } = c.minutes;
      const inside = from <= to ? m >= from && m < to : m >= from || m < to;
      if (!inside) return null;
    }
    if (c.findingTypes === null && c.minSeverity === 0) return NONE;
    let matched: Detection[] | null = null;
    const ds = ctx.detections;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i];
      if ((c.findingTypes === null || c.findingTypes.has(d.type)) && RANK[d.severity] >= c.minSeverity) (matched ??= []).push(d);
    }
    return matched;
  }

  private windowFires(c: Compiled, ctx: CallContext): boolean {
    const w = c.p.conditions.window!;
    const key = w.per === 'client' ? ctx.tx.clientIp : w.per === 'identity' ? ctx.auth?.identity ?? '' : `${ctx.host} ${ctx.endpoint?.key ?? ctx.tx.path}`;
    if (key === '') return false;
    const now = ctx.tx.startTs;
    let ring = c.windows.get(key);
    if (ring === undefined) {
      if (c.windows.size >= MAX_WINDOW_KEYS) c.windows.delete(c.windows.keys().next().value as string);
      ring = [];
    } else c.windows.delete(key);
    c.windows.set(key, ring);
    const horizon = now - w.seconds * 1e6;
    while (ring.length > 0 && ring[0] <= horizon) ring.shift();
    ring.push(now);
    if (ring.length > w.count) ring.shift();
    if (ring.length < w.count) return false;
    // Fire once per full window, then start counting again.
    ring.length = 0;
    return true;
  }

  private act(c: Compiled, ctx: CallContext, matched: Detection[]): void {
    const a = c.p.actions;
    if (a.suppress) {
      const drop = new Set(matched.length > 0 ? matched : c.findingTypes === null ? ctx.detections : ctx.detections.filter((d) => c.findingTypes!.has(d.type)));
      if (drop.size > 0) ctx.detections = ctx.detections.filter((d) => !drop.has(d));
      return;
    }
    const why = matched.length > 0 ? `${matched.map((d) => d.type).join(', ')} on ${ctx.tx.method} ${ctx.endpoint?.template ?? ctx.tx.path}` : `${ctx.tx.method} ${ctx.endpoint?.template ?? ctx.tx.path} matched`;
    const w = c.p.conditions.window;
    const evidence = `policy "${c.p.name}": ${why}${w !== undefined ? ` (${w.count} calls within ${w.seconds} s per ${w.per})` : ''}`;
    const severity = a.raise?.severity ?? matched.reduce<Severity>((s, d) => (RANK[d.severity] > RANK[s] ? d.severity : s), 'info');
    if (a.raise !== undefined) {
      ctx.detections.push({ type: a.raise.type ?? `policy:${c.p.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 50)}`, category: 'policy', severity: a.raise.severity, evidence, rule: `policy:${c.p.id}` });
    }
    if (a.notify.length > 0 || a.block !== undefined) {
      this.onAction({
        policyId: c.p.id,
        policyName: c.p.name,
        tsUs: ctx.tx.startTs,
        host: ctx.host,
        method: ctx.tx.method,
        path: ctx.endpoint?.template ?? ctx.tx.path,
        client: ctx.tx.clientIp,
        identity: ctx.auth?.identity ?? '',
        severity,
        evidence,
        notify: a.notify,
        blockMinutes: a.block?.minutes ?? null,
      });
    }
  }
}
