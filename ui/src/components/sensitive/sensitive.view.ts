// The sensitive-data page's view of `GET /calls/sensitive` and `GET /clients`: type labels in the UI language, the
// type shown (from the URL, else the busiest), its endpoints and clients, links into the call log and the top clients
// by records received. Pure functions (tested in tests/unit/ui/).
import type { MessageKey } from '../../lib/i18n/en.ts';
import type { SensitiveCallsView, SensitiveTypeView } from '../../../../appliance/src/services/calls.views.ts';
import type { SensitiveEndpointView } from '../../../../appliance/src/services/sensitive.service.ts';
import type { FieldExposureRow } from '../../../../appliance/src/store/sqlite/sensitive.repository.ts';
import { DEFAULT_FILTERS, filtersToQuery, type RangePreset } from '../../lib/calls/calls.query.ts';

/** One type as `GET /calls/sensitive` returns it. */
export type SensitiveType = SensitiveTypeView;
/** The `GET /calls/sensitive` answer. */
export type SensitiveSummary = SensitiveCallsView;

/** A client of the analysed traffic (`GET /clients`). */
export interface ReportClient {
  ip: string;
  calls: number;
  identities: string[];
  sensitiveRecords: number;
}

/** The type's label in the UI language, else its id. */
export function typeLabel(t: Pick<SensitiveType, 'type' | 'label'>, locale: string): string {
  if (t.label === null) return t.type;
  return locale.startsWith('zh') ? t.label.zh : t.label.en;
}

/** The catalogue key naming a level (L1 public … L4 highly sensitive). */
export function levelKey(level: number | null): MessageKey {
  return level === 1 || level === 2 || level === 3 || level === 4 ? (`sens.level.${level}` as MessageKey) : 'sens.level.unknown';
}

/** The type to show: the wanted one when the period has calls with it, else the busiest; '' when none was seen. */
export function shownType(s: SensitiveSummary, wanted: string): string {
  const seen = s.types.filter((x) => x.calls > 0);
  return seen.find((x) => x.type === wanted)?.type ?? seen[0]?.type ?? '';
}

/** Types seen in the period, and the others only when asked. */
export function visibleTypes(types: readonly SensitiveType[], showUnseen: boolean): SensitiveType[] {
  return types.filter((x) => showUnseen || x.calls > 0);
}

/** The call-log link of an endpoint (and a sensitive type) over a range preset. */
export function callLogLink(range: RangePreset, f: { host?: string; method?: string; template?: string; sensitive?: string }): string {
  return `/calls${filtersToQuery({ ...DEFAULT_FILTERS, range, host: f.host ?? '', method: f.method ?? '', template: f.template ?? '', sensitive: f.sensitive ?? '' })}`;
}

/** The `n` clients that received the most records (those that received none are left out). */
export function topRecordClients(clients: readonly ReportClient[], n: number): ReportClient[] {
  return clients
    .filter((c) => c.sensitiveRecords > 0)
    .sort((a, b) => b.sensitiveRecords - a.sensitiveRecords || b.calls - a.calls || a.ip.localeCompare(b.ip))
    .slice(0, n);
}

/** An endpoint with its fields carrying sensitive types, as `GET /sensitive/types/:id/endpoints` returns it. */
export type SensitiveFieldEndpoint = SensitiveEndpointView;

/** One field carrying a type on one endpoint (a stored field exposure row). */
export type FieldRow = Omit<FieldExposureRow, 'firstSeenUs'>;

/**
 * The fields of the given endpoints as rows (of one type when given, of an endpoint when given), most values first,
 * at most `limit`.
 */
export function fieldRows(endpoints: readonly SensitiveFieldEndpoint[], opts: { typeId?: string; endpoint?: { host: string; method: string; path: string }; limit?: number } = {}): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const e of endpoints) {
    if (opts.endpoint !== undefined && (e.host !== opts.endpoint.host || e.method !== opts.endpoint.method || e.path !== opts.endpoint.path)) continue;
    for (const f of e.fields) {
      if (opts.typeId !== undefined && f.typeId !== opts.typeId) continue;
      rows.push({ host: e.host, method: e.method, path: e.path, direction: f.direction, location: f.location, field: f.field, typeId: f.typeId, hits: f.hits, lastSeenUs: f.lastSeenUs });
    }
  }
  rows.sort((a, b) => b.hits - a.hits || a.host.localeCompare(b.host) || a.path.localeCompare(b.path) || a.field.localeCompare(b.field));
  return rows.slice(0, opts.limit ?? 200);
}

/** Endpoints carrying sensitive data counted by their label (the highest level they carry), L4 first. */
export function endpointsByLevel(endpoints: readonly Pick<SensitiveFieldEndpoint, 'level'>[]): Array<{ level: 1 | 2 | 3 | 4; count: number }> {
  const levels = [4, 3, 2, 1] as const;
  return levels.map((level) => ({ level, count: endpoints.filter((e) => e.level === level).length }));
}
