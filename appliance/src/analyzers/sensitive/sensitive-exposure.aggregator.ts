/**
 * Sensitive-data exposure, aggregated in bounded memory: per endpoint (its template, or host + method + path shape
 * before templating, see path.shape.ts) and field which types travel, in the request or the response,
 * how often; per client IP and per identity how many sensitive records they received (records =
 * distinct values per type per response), in total and per hour, so bulk harvesting stands out. Levels are applied
 * when results are read ({@link ExposureAggregator.snapshot}), so a level edit changes every view at once.
 * Only type ids, field names, counts and times are kept: never a value.
 */
import type { SensitiveDirection, SensitiveLocation, SensitivityLevel } from './detector.types.ts';
import type { SensitivityLevels } from './sensitivity.levels.ts';
import { levelOf } from './sensitivity.levels.ts';

/** Memory bounds (entries beyond them are counted in {@link ExposureStats}). */
export interface ExposureLimits {
  /** Endpoint details tracked (fields and counts; default 20,000). */
  maxDetails: number;
  /** Fields tracked per endpoint (default 128). */
  maxFieldsPerEndpoint: number;
  /** Client IPs tracked (default 100,000). */
  maxClients: number;
  /** Identities tracked (default 100,000). */
  maxIdentities: number;
  /** Hourly buckets kept per client or identity, newest first (default 168, one week). */
  maxHours: number;
}

/** Default bounds. */
export const DEFAULT_EXPOSURE_LIMITS: Readonly<ExposureLimits> = {
  maxDetails: 20_000,
  maxFieldsPerEndpoint: 128,
  maxClients: 100_000,
  maxIdentities: 100_000,
  maxHours: 168,
};

/** Overflow and volume counters. */
export interface ExposureStats {
  detailsDropped: number;
  fieldsDropped: number;
  clientsDropped: number;
  identitiesDropped: number;
  hoursDropped: number;
}

interface TypeCount {
  request: number;
  response: number;
  /** Records served (distinct values per response). */
  records: number;
}

/** A mutable count, shared by a field's type map and the fast-path slot that feeds it. */
interface Counter {
  n: number;
}

interface FieldAcc {
  direction: SensitiveDirection;
  location: SensitiveLocation;
  field: string;
  types: Map<string, Counter>;
  first: number;
  last: number;
}

/** Per-field detail of an endpoint (or of a path shape before templating). */
export interface EndpointAcc {
  host: string;
  method: string;
  path: string;
  /** Calls that carried sensitive data (request or response). */
  calls: number;
  /** Of those, calls whose response carried data to an unauthenticated caller. */
  unauthenticatedCalls: number;
  types: Map<string, TypeCount>;
  fields: Map<string, FieldAcc>;
  /**
   * Fast-path slots by the counted key's index in its plan: the key object they were made for (a new plan makes new
   * keys, so a stale slot is recognised) and its type and field accumulators, found without a look-up.
   */
  slotKeys: Array<object | null>;
  slots: Array<{ t: TypeCount; f: FieldAcc | null; c: Counter | null }>;
  first: number;
  last: number;
}

interface RecipientAcc {
  /** Responses that carried records. */
  responses: number;
  /** Records per type, indexed by {@link typeSlot} (no per-call map work). */
  records: number[];
  /** Hour start (µs) → records, for hours before {@link curHour}. */
  hours: Map<number, number>;
  /** The hour being counted (-1 before the first record) and its records. */
  curHour: number;
  curCount: number;
  first: number;
  last: number;
}

/** One type on an endpoint, as read. */
export interface EndpointTypeView {
  type: string;
  level: SensitivityLevel;
  /** Values seen in requests. */
  request: number;
  /** Values seen in responses. */
  response: number;
  records: number;
}

/** One field of an endpoint, as read. */
export interface FieldView {
  direction: SensitiveDirection;
  location: SensitiveLocation;
  field: string;
  /** Highest level among its types. */
  level: SensitivityLevel;
  types: Array<{ type: string; level: SensitivityLevel; count: number }>;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** One endpoint's exposure, as read. */
export interface EndpointExposureView {
  host: string;
  method: string;
  path: string;
  /** Highest level of the data it carries: the endpoint's label. */
  level: SensitivityLevel;
  calls: number;
  unauthenticatedCalls: number;
  types: EndpointTypeView[];
  fields: FieldView[];
  firstSeenUs: number;
  lastSeenUs: number;
}

/** A client's or identity's received records, as read. */
export interface RecipientExposureView {
  /** Client IP or identity id. */
  id: string;
  /** Records of types at or above the counting level. */
  records: number;
  responses: number;
  byType: Array<{ type: string; level: SensitivityLevel; records: number }>;
  /** Records per hour (hour start as ISO text), oldest first. */
  hourly: Array<{ hour: string; records: number }>;
  /** Most records in one hour. */
  peakHourRecords: number;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** Everything aggregated, with levels applied. */
export interface ExposureSnapshot {
  endpoints: EndpointExposureView[];
  clients: RecipientExposureView[];
  identities: RecipientExposureView[];
  stats: ExposureStats;
}

const HOUR_US = 3_600_000_000;
/** Filler of {@link EndpointAcc.slots} below a used index (its key slot is null, so it is never read). */
const NO_SLOT = { t: { request: 0, response: 0, records: 0 }, f: null, c: null };
/** Slots of the per-connection recipient cache (a power of two). */
const FLOW_CACHE = 4096;

/** Type ids by slot, and slots by type id: records per recipient are arrays indexed by slot. */
const TYPE_NAMES: string[] = [];
const TYPE_SLOTS = new Map<string, number>();

/** The small integer standing for type id `type` in per-recipient record arrays (assigned on first use). */
function typeSlot(type: string): number {
  let i = TYPE_SLOTS.get(type);
  if (i === undefined) {
    i = TYPE_NAMES.length;
    TYPE_NAMES.push(type);
    TYPE_SLOTS.set(type, i);
  }
  return i;
}

/** A small reusable type → count list (the few types of one message), iterated without allocation. */
export class TypeCounts {
  readonly types: string[] = [];
  readonly counts: number[] = [];
  /** {@link typeSlot} of each type. */
  readonly slots: number[] = [];
  size = 0;

  /** Adds `n` to `type`. */
  add(type: string, n: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.types[i] === type) {
        this.counts[i] += n;
        return;
      }
    }
    this.types[this.size] = type;
    this.counts[this.size] = n;
    this.slots[this.size] = typeSlot(type);
    this.size++;
  }

  /** True when `type` has a count. */
  has(type: string): boolean {
    for (let i = 0; i < this.size; i++) if (this.types[i] === type) return true;
    return false;
  }

  /** Empties the list (keeps its arrays). */
  clear(): void {
    this.size = 0;
  }
}

/** Aggregates exposure per endpoint, field, client and identity. */
export class ExposureAggregator {
  private readonly details = new Map<string, EndpointAcc>();
  private readonly clients = new Map<string, RecipientAcc>();
  private readonly identities = new Map<string, RecipientAcc>();
  readonly stats: ExposureStats = { detailsDropped: 0, fieldsDropped: 0, clientsDropped: 0, identitiesDropped: 0, hoursDropped: 0 };
  private readonly limits: ExposureLimits;
  /** Recipients of recent connections by flow id (direct-mapped; a slot holds one flow's client and identity). */
  private readonly flowIds = new Float64Array(FLOW_CACHE).fill(-1);
  private readonly flowClients: Array<string | null> = new Array<string | null>(FLOW_CACHE).fill(null);
  private readonly flowClientAcc: Array<RecipientAcc | null> = new Array<RecipientAcc | null>(FLOW_CACHE).fill(null);
  private readonly flowIdentities: Array<string | null> = new Array<string | null>(FLOW_CACHE).fill(null);
  private readonly flowIdentityAcc: Array<RecipientAcc | null> = new Array<RecipientAcc | null>(FLOW_CACHE).fill(null);

  constructor(limits: Partial<ExposureLimits> = {}) {
    this.limits = { ...DEFAULT_EXPOSURE_LIMITS, ...limits };
  }

  /** The detail accumulator for `key`, created if there is room (null when the cap is reached). */
  endpoint(key: string, host: string, method: string, path: string, ts: number): EndpointAcc | null {
    let e = this.details.get(key);
    if (e === undefined) {
      if (this.details.size >= this.limits.maxDetails) {
        this.stats.detailsDropped++;
        return null;
      }
      e = { host, method, path, calls: 0, unauthenticatedCalls: 0, types: new Map(), fields: new Map(), slotKeys: [], slots: [], first: ts, last: ts };
      this.details.set(key, e);
    }
    if (ts < e.first) e.first = ts;
    if (ts > e.last) e.last = ts;
    return e;
  }

  /** Adds `count` values of `type` in a field of an endpoint. */
  addField(
    e: EndpointAcc,
    direction: SensitiveDirection,
    location: SensitiveLocation,
    field: string,
    type: string,
    count: number,
    ts: number,
    fieldKey: string = `${direction === 'request' ? 'q' : 's'}|${location}|${field}`,
  ): void {
    let t = e.types.get(type);
    if (t === undefined) {
      t = { request: 0, response: 0, records: 0 };
      e.types.set(type, t);
    }
    if (direction === 'request') t.request += count;
    else t.response += count;
    let f = e.fields.get(fieldKey);
    if (f === undefined) {
      if (e.fields.size >= this.limits.maxFieldsPerEndpoint) {
        this.stats.fieldsDropped++;
        return;
      }
      f = { direction, location, field, types: new Map(), first: ts, last: ts };
      e.fields.set(fieldKey, f);
    }
    const c = f.types.get(type);
    if (c === undefined) f.types.set(type, { n: count });
    else c.n += count;
    if (ts < f.first) f.first = ts;
    if (ts > f.last) f.last = ts;
  }

  /** Adds `count` values of a fast-path counted key (same effect as {@link addField}, without building keys). */
  addCounted(e: EndpointAcc, key: { direction: SensitiveDirection; field: string; fieldKey: string; type: string; index: number }, count: number, ts: number): void {
    const at = key.index;
    if (e.slotKeys[at] !== key) {
      this.addField(e, key.direction, 'json', key.field, key.type, count, ts, key.fieldKey);
      const t = e.types.get(key.type);
      const f = e.fields.get(key.fieldKey) ?? null;
      if (t !== undefined && at < 256) {
        while (e.slotKeys.length <= at) {
          e.slotKeys.push(null);
          e.slots.push(NO_SLOT);
        }
        e.slotKeys[at] = key;
        e.slots[at] = { t, f, c: f?.types.get(key.type) ?? null };
      }
      return;
    }
    const slot = e.slots[at];
    if (key.direction === 'request') slot.t.request += count;
    else slot.t.response += count;
    const f = slot.f;
    if (f === null || slot.c === null) return;
    slot.c.n += count;
    if (ts > f.last) f.last = ts;
    else if (ts < f.first) f.first = ts;
  }

  /**
   * Adds the records one response served, to its endpoint, client IP and identity ('' for none). `flow` (the
   * connection's flow id) lets calls of one connection find their recipients without hashing their names.
   */
  addRecords(e: EndpointAcc | null, client: string, identity: string, records: TypeCounts, ts: number, flow = -1): void {
    if (records.size === 0) return;
    if (e !== null) {
      for (let i = 0; i < records.size; i++) {
        const t = e.types.get(records.types[i]);
        if (t !== undefined) t.records += records.counts[i];
      }
    }
    const slot = flow >= 0 ? flow & (FLOW_CACHE - 1) : -1;
    const cached = slot >= 0 && this.flowIds[slot] === flow;
    let c = cached && this.flowClients[slot] === client ? this.flowClientAcc[slot] : null;
    if (c === null) {
      c = this.recipient(this.clients, this.limits.maxClients, 'clientsDropped', client, ts);
      if (slot >= 0) {
        this.flowIds[slot] = flow;
        this.flowClients[slot] = client;
        this.flowClientAcc[slot] = c;
        this.flowIdentities[slot] = null;
      }
    }
    if (c !== null) addTo(c, records, ts, this.limits.maxHours, this.stats);
    if (identity === '') return;
    let i = slot >= 0 && this.flowIdentities[slot] === identity ? this.flowIdentityAcc[slot] : null;
    if (i === null) {
      i = this.recipient(this.identities, this.limits.maxIdentities, 'identitiesDropped', identity, ts);
      if (slot >= 0) {
        this.flowIdentities[slot] = identity;
        this.flowIdentityAcc[slot] = i;
      }
    }
    if (i !== null) addTo(i, records, ts, this.limits.maxHours, this.stats);
  }

  /** The recipient named `id`, created if there is room (null when the cap is reached). */
  private recipient(map: Map<string, RecipientAcc>, cap: number, dropped: 'clientsDropped' | 'identitiesDropped', id: string, ts: number): RecipientAcc | null {
    let r = map.get(id);
    if (r === undefined) {
      if (map.size >= cap) {
        this.stats[dropped]++;
        return null;
      }
      r = { responses: 0, records: [], hours: new Map(), curHour: -1, curCount: 0, first: ts, last: ts };
      map.set(id, r);
    }
    return r;
  }

  /** Type ids seen on the endpoint detail with `key` (`host\0method\0template-or-shape`, sorted), or undefined. */
  endpointTypes(key: string): string[] | undefined {
    const e = this.details.get(key);
    return e === undefined ? undefined : [...e.types.keys()].sort();
  }

  /** Records a client IP received, counting types at level ≥ `minLevel`. */
  clientRecords(ip: string, levels: SensitivityLevels, minLevel: number): number {
    const r = this.clients.get(ip);
    return r === undefined ? 0 : recordsAtLevel(r, levels, minLevel);
  }

  /** Everything, with `levels` applied; records count types at level ≥ `minLevel`. */
  snapshot(levels: SensitivityLevels, minLevel: number): ExposureSnapshot {
    const endpoints: EndpointExposureView[] = [];
    for (const e of this.details.values()) {
      const types: EndpointTypeView[] = [];
      let level: SensitivityLevel = 1;
      for (const [type, t] of e.types) {
        const l = levelOf(levels, type);
        if (l > level) level = l;
        types.push({ type, level: l, request: t.request, response: t.response, records: t.records });
      }
      types.sort((a, b) => b.level - a.level || a.type.localeCompare(b.type));
      const fields: FieldView[] = [];
      for (const f of e.fields.values()) {
        let fl: SensitivityLevel = 1;
        const ft = [...f.types].map(([type, c]) => {
          const l = levelOf(levels, type);
          if (l > fl) fl = l;
          return { type, level: l, count: c.n };
        });
        ft.sort((a, b) => b.level - a.level || a.type.localeCompare(b.type));
        fields.push({ direction: f.direction, location: f.location, field: f.field, level: fl, types: ft, firstSeenUs: f.first, lastSeenUs: f.last });
      }
      fields.sort((a, b) => b.level - a.level || a.direction.localeCompare(b.direction) || a.field.localeCompare(b.field));
      endpoints.push({
        host: e.host,
        method: e.method,
        path: e.path,
        level,
        calls: e.calls,
        unauthenticatedCalls: e.unauthenticatedCalls,
        types,
        fields,
        firstSeenUs: e.first,
        lastSeenUs: e.last,
      });
    }
    endpoints.sort((a, b) => b.level - a.level || a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    return {
      endpoints,
      clients: recipients(this.clients, levels, minLevel),
      identities: recipients(this.identities, levels, minLevel),
      stats: { ...this.stats },
    };
  }
}

/** Adds one response's records to recipient `r` (total, per type, and in its hour). */
function addTo(r: RecipientAcc, records: TypeCounts, ts: number, maxHours: number, stats: ExposureStats): void {
  r.responses++;
  if (ts < r.first) r.first = ts;
  if (ts > r.last) r.last = ts;
  let total = 0;
  const acc = r.records;
  for (let i = 0; i < records.size; i++) {
    const slot = records.slots[i];
    const n = records.counts[i];
    while (acc.length <= slot) acc.push(0);
    acc[slot] += n;
    total += n;
  }
  if (ts - r.curHour >= 0 && ts - r.curHour < HOUR_US) {
    r.curCount += total;
    return;
  }
  const hour = Math.floor(ts / HOUR_US) * HOUR_US;
  if (r.curHour >= 0) r.hours.set(r.curHour, (r.hours.get(r.curHour) ?? 0) + r.curCount);
  r.curCount = (r.hours.get(hour) ?? 0) + total;
  r.hours.delete(hour);
  r.curHour = hour;
  if (r.hours.size + 1 > maxHours) {
    let oldest = Infinity;
    for (const k of r.hours.keys()) if (k < oldest) oldest = k;
    r.hours.delete(oldest);
    stats.hoursDropped++;
  }
}

function recordsAtLevel(r: RecipientAcc, levels: SensitivityLevels, minLevel: number): number {
  let n = 0;
  for (let i = 0; i < r.records.length; i++) if (r.records[i] > 0 && levelOf(levels, TYPE_NAMES[i]) >= minLevel) n += r.records[i];
  return n;
}

function recipients(map: Map<string, RecipientAcc>, levels: SensitivityLevels, minLevel: number): RecipientExposureView[] {
  const out: RecipientExposureView[] = [];
  for (const [id, r] of map) {
    const byType: RecipientExposureView['byType'] = [];
    for (let i = 0; i < r.records.length; i++) if (r.records[i] > 0) byType.push({ type: TYPE_NAMES[i], level: levelOf(levels, TYPE_NAMES[i]), records: r.records[i] });
    byType.sort((a, b) => b.records - a.records || a.type.localeCompare(b.type));
    const hours = new Map(r.hours);
    if (r.curHour >= 0) hours.set(r.curHour, (hours.get(r.curHour) ?? 0) + r.curCount);
    const hourly = [...hours].sort((a, b) => a[0] - b[0]).map(([h, records]) => ({ hour: new Date(h / 1000).toISOString(), records }));
    let peak = 0;
    for (const h of hourly) if (h.records > peak) peak = h.records;
    out.push({ id, records: recordsAtLevel(r, levels, minLevel), responses: r.responses, byType, hourly, peakHourRecords: peak, firstSeenUs: r.first, lastSeenUs: r.last });
  }
  out.sort((a, b) => b.records - a.records || a.id.localeCompare(b.id));
  return out;
}
