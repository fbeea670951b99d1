// Call-log filters: what the filter bar edits, how it is written to and read from the page URL (so a filtered view can
// be shared as a link), and the API query it becomes. Pure functions (tested in tests/unit/ui/).

/** Time-range presets of the call log and the overview chart. */
export const RANGE_PRESETS = ['1h', '24h', '7d', '30d', 'all'] as const;
/** One of {@link RANGE_PRESETS}. */
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** Status classes the filter offers. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/** HTTP methods the filter offers. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** The call-log filters ('' = not filtered). */
export interface CallFilters {
  range: RangePreset;
  host: string;
  /** Endpoint template (`/v1/users/{id}`), as the inventory names it. */
  template: string;
  method: string;
  status: string;
  client: string;
  sensitive: string;
  detection: string;
  q: string;
  /** Id of the finding whose calls are shown (digits), '' for none. */
  finding: string;
}

/** Filters of a fresh call-log page: everything stored, newest first. */
export const DEFAULT_FILTERS: Readonly<CallFilters> = { range: 'all', host: '', template: '', method: '', status: '', client: '', sensitive: '', detection: '', q: '', finding: '' };

const TEXT_KEYS = ['host', 'template', 'client', 'sensitive', 'detection', 'q'] as const;
const RANGE_MS: Record<Exclude<RangePreset, 'all'>, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
/** Start of the 'all' range for the routes that need a start (timeline, totals). */
export const ALL_TIME_FROM = '2000-01-01T00:00:00.000Z';

/** Reads filters from a page query; unknown or invalid values fall back to the defaults. */
export function filtersFromQuery(query: URLSearchParams): CallFilters {
  const f: CallFilters = { ...DEFAULT_FILTERS };
  const range = query.get('range');
  if (range !== null && (RANGE_PRESETS as readonly string[]).includes(range)) f.range = range as RangePreset;
  const method = query.get('method')?.toUpperCase();
  if (method !== undefined && /^[A-Z-]{1,32}$/.test(method)) f.method = method;
  const status = query.get('status');
  if (status !== null && /^([1-5]xx|[1-5]\d\d)$/.test(status)) f.status = status;
  for (const k of TEXT_KEYS) f[k] = (query.get(k) ?? '').slice(0, k === 'q' ? 256 : 512);
  const finding = query.get('finding');
  if (finding !== null && /^[1-9]\d{0,14}$/.test(finding)) f.finding = finding;
  return f;
}

/** Writes filters as a page query ('' when all are defaults), in a stable order, leaving defaults out. */
export function filtersToQuery(f: CallFilters): string {
  const qs = new URLSearchParams();
  for (const k of ['range', 'host', 'template', 'method', 'status', 'client', 'sensitive', 'detection', 'q', 'finding'] as const) {
    const v = f[k].trim();
    if (v !== '' && v !== DEFAULT_FILTERS[k]) qs.set(k, v);
  }
  const s = qs.toString();
  return s === '' ? '' : `?${s}`;
}

/** The start of a range preset as ISO text (undefined for 'all' unless `allFrom` is given). */
export function rangeFrom(range: RangePreset, nowMs: number, allFrom?: string): string | undefined {
  return range === 'all' ? allFrom : new Date(nowMs - RANGE_MS[range]).toISOString();
}

/** The `GET /calls` query of filters (page size and cursor added by the caller). */
export function callsApiQuery(f: CallFilters, nowMs: number): Record<string, string | undefined> {
  const blank = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
  return {
    from: rangeFrom(f.range, nowMs),
    host: blank(f.host),
    template: blank(f.template),
    method: blank(f.method),
    status: blank(f.status),
    client: blank(f.client),
    sensitive: blank(f.sensitive),
    detection: blank(f.detection),
    q: blank(f.q),
    finding: blank(f.finding),
  };
}

/** Reads the call opened in the call log's detail view (`call=<id>`), null when none or not an id. */
export function openCallId(query: URLSearchParams): number | null {
  const v = query.get('call');
  return v !== null && /^[1-9]\d{0,14}$/.test(v) ? Number(v) : null;
}

/** The call-log URL of filters with one call's detail open (`id`) or closed (null). */
export function callLogUrl(f: CallFilters, id: number | null): string {
  const qs = filtersToQuery(f);
  if (id === null) return `/calls${qs}`;
  return `/calls${qs === '' ? '?' : `${qs}&`}call=${id}`;
}

/** A timeline bucket with its start in ms. */
export interface ChartPoint {
  at: number;
  calls: number;
  errors: number;
  sensitiveCalls: number;
  detections: number;
}

/**
 * Fills the buckets the service left out (it returns only buckets with calls) with zeros between `fromMs` and
 * `toMs`, so a line chart does not draw a slope across an idle hour. Ranges of more than `maxPoints` buckets are
 * returned as they are.
 */
export function fillBuckets(buckets: ReadonlyArray<{ time: string; calls: number; errors: number; sensitiveCalls: number; detections: number }>, fromMs: number, toMs: number, bucketSeconds: number, maxPoints = 1000): ChartPoint[] {
  const points = buckets.map((b) => ({ at: Date.parse(b.time), calls: b.calls, errors: b.errors, sensitiveCalls: b.sensitiveCalls, detections: b.detections }));
  return fillGaps(points, fromMs, toMs, bucketSeconds, (at) => ({ at, calls: 0, errors: 0, sensitiveCalls: 0, detections: 0 }), maxPoints);
}

/**
 * Puts `empty(start)` in every bucket between `fromMs` and `toMs` that `points` (sorted, keyed by `at`) lack; ranges of
 * more than `maxPoints` buckets are returned as they are.
 */
export function fillGaps<T extends { at: number }>(points: T[], fromMs: number, toMs: number, bucketSeconds: number, empty: (at: number) => T, maxPoints = 1000): T[] {
  const step = bucketSeconds * 1000;
  if (step <= 0 || (toMs - fromMs) / step > maxPoints) return points;
  const byStart = new Map(points.map((p) => [p.at, p]));
  const out: T[] = [];
  for (let at = Math.floor(fromMs / step) * step; at < toMs; at += step) out.push(byStart.get(at) ?? empty(at));
  return out;
}
