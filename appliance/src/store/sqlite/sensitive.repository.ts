/**
 * State-database access for sensitive data: the levels users set per sensitive type (table
 * `sensitive_type_levels`, migration 0500) and the per-endpoint, per-field exposure the analyzer aggregated
 * (`sensitive_endpoint_fields`). Only type ids, field names and counts are stored, never values. Every query is
 * parameterised.
 */
import type { StateDatabase } from './state.database.ts';
import type { SensitivityLevel } from '../../analyzers/sensitive/detector.types.ts';
import type { EndpointExposureView, RecipientExposureView } from '../../analyzers/sensitive/sensitive-exposure.aggregator.ts';

/** One user-set level. */
export interface TypeLevelRow {
  typeId: string;
  level: SensitivityLevel;
  updatedAt: string;
  updatedBy: string;
}

/** One stored (endpoint, field, type) exposure row. */
export interface FieldExposureRow {
  host: string;
  method: string;
  path: string;
  direction: 'request' | 'response';
  location: string;
  field: string;
  typeId: string;
  hits: number;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** Records one client IP or identity received of one type, summed over the sources. */
export interface RecipientRecordsRow {
  kind: 'ip' | 'identity';
  recipient: string;
  typeId: string;
  records: number;
  responses: number;
  peakHourRecords: number;
  firstSeenUs: number;
  lastSeenUs: number;
}

/** Reads and writes the sensitive-data tables. */
export class SensitiveRepository {
  constructor(
    private readonly db: StateDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The user-set levels (types not listed use their detector's default). */
  levelOverrides(): TypeLevelRow[] {
    const rows = this.db
      .prepare('SELECT type_id, level, updated_at, updated_by FROM sensitive_type_levels ORDER BY type_id')
      .all() as Array<{ type_id: string; level: SensitivityLevel; updated_at: string; updated_by: string }>;
    return rows.map((r) => ({ typeId: r.type_id, level: r.level, updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  /** Sets the level of a type. */
  setLevel(typeId: string, level: SensitivityLevel, updatedBy: string): void {
    this.db
      .prepare(
        `INSERT INTO sensitive_type_levels (type_id, level, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (type_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(typeId, level, this.now().toISOString(), updatedBy);
  }

  /** Removes a user-set level (back to the default); true when there was one. */
  resetLevel(typeId: string): boolean {
    return this.db.prepare('DELETE FROM sensitive_type_levels WHERE type_id = ?').run(typeId).changes > 0;
  }

  /**
   * Stores the field exposure of analyzer endpoint views (a snapshot's `endpoints`): counts replace stored counts,
   * first/last seen widen. One transaction.
   */
  saveFieldExposure(endpoints: readonly EndpointExposureView[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO sensitive_endpoint_fields (host, method, path, direction, location, field, type_id, hits, first_seen_us, last_seen_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (host, method, path, direction, location, field, type_id) DO UPDATE SET
         hits = excluded.hits,
         first_seen_us = min(first_seen_us, excluded.first_seen_us),
         last_seen_us = max(last_seen_us, excluded.last_seen_us)`,
    );
    this.db.transaction(() => {
      for (const e of endpoints) {
        for (const f of e.fields) {
          for (const t of f.types) upsert.run(e.host, e.method, e.path, f.direction, f.location, f.field, t.type, t.count, f.firstSeenUs, f.lastSeenUs);
        }
      }
    })();
  }

  /** Stored field exposure, optionally of one endpoint. */
  fieldExposure(endpoint?: { host: string; method: string; path: string }): FieldExposureRow[] {
    const cols = 'host, method, path, direction, location, field, type_id, hits, first_seen_us, last_seen_us';
    const order = 'ORDER BY host, path, method, direction, field, type_id';
    const rows = (
      endpoint === undefined
        ? this.db.prepare(`SELECT ${cols} FROM sensitive_endpoint_fields ${order}`).all()
        : this.db.prepare(`SELECT ${cols} FROM sensitive_endpoint_fields WHERE host = ? AND method = ? AND path = ? ${order}`).all(endpoint.host, endpoint.method, endpoint.path)
    ) as Array<Record<string, string | number>>;
    return rows.map((r) => ({
      host: String(r.host),
      method: String(r.method),
      path: String(r.path),
      direction: r.direction === 'request' ? 'request' : 'response',
      location: String(r.location),
      field: String(r.field),
      typeId: String(r.type_id),
      hits: Number(r.hits),
      firstSeenUs: Number(r.first_seen_us),
      lastSeenUs: Number(r.last_seen_us),
    }));
  }

  /**
   * Replaces the records source `source` reported per client IP and identity (a snapshot's `clients` and
   * `identities`). One transaction.
   */
  replaceRecipients(source: string, clients: readonly RecipientExposureView[], identities: readonly RecipientExposureView[]): void {
    const del = this.db.prepare('DELETE FROM sensitive_recipient_records WHERE source = ?');
    const ins = this.db.prepare(
      `INSERT INTO sensitive_recipient_records (source, kind, recipient, type_id, records, responses, peak_hour_records, first_seen_us, last_seen_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      del.run(source);
      for (const [kind, list] of [['ip', clients], ['identity', identities]] as const) {
        for (const r of list) {
          for (const t of r.byType) ins.run(source, kind, r.id, t.type, t.records, r.responses, r.peakHourRecords, r.firstSeenUs, r.lastSeenUs);
        }
      }
    })();
  }

  /** Records per recipient and type over every source (peak hour: the highest of any source). */
  recipientRecords(kind: 'ip' | 'identity'): RecipientRecordsRow[] {
    const rows = this.db
      .prepare(
        `SELECT recipient, type_id, SUM(records) AS records, SUM(responses) AS responses, MAX(peak_hour_records) AS peak,
                MIN(first_seen_us) AS first_seen_us, MAX(last_seen_us) AS last_seen_us
         FROM sensitive_recipient_records WHERE kind = ? GROUP BY recipient, type_id ORDER BY recipient, type_id`,
      )
      .all(kind) as Array<Record<string, string | number>>;
    return rows.map((r) => ({
      kind,
      recipient: String(r.recipient),
      typeId: String(r.type_id),
      records: Number(r.records),
      responses: Number(r.responses),
      peakHourRecords: Number(r.peak),
      firstSeenUs: Number(r.first_seen_us),
      lastSeenUs: Number(r.last_seen_us),
    }));
  }
}
