/**
 * State-database access for raw sensitive samples (table `sensitive_raw_samples`, migration 0502): encrypted values
 * kept for the admin-only reveal while raw storage is enabled, a few per endpoint × field × type. The repository only
 * moves bytes: encryption and the per-group bound's value come from sensitive-raw.service.ts. Every query is
 * parameterised.
 */
import type { StateDatabase } from './state.database.ts';
import type { FieldExposureRow } from './sensitive.repository.ts';

/** Where a sample was seen (one endpoint × field × type). */
export type RawSampleGroup = Pick<FieldExposureRow, 'host' | 'method' | 'path' | 'direction' | 'location' | 'field' | 'typeId'>;

/** A stored sample as listed (masked form only). */
export interface RawSampleRow extends RawSampleGroup {
  id: number;
  masked: string;
  seenUs: number;
  storedUs: number;
}

/** A sample to insert: the group, its masked form, a keyed MAC of the value and the encrypted value. */
export interface RawSampleInsert extends RawSampleGroup {
  masked: string;
  valueMac: string;
  ciphertext: Buffer;
  seenUs: number;
}

/** A row as SQLite returns it (the group's text columns share their names with {@link RawSampleGroup}). */
type Row = Omit<RawSampleGroup, 'typeId'> & { id: number; type_id: string; masked: string; seen_us: number; stored_us: number };

const COLUMNS = 'id, host, method, path, direction, location, field, type_id, masked, seen_us, stored_us';

function toRow(r: Row): RawSampleRow {
  return { id: r.id, host: r.host, method: r.method, path: r.path, direction: r.direction, location: r.location, field: r.field, typeId: r.type_id, masked: r.masked, seenUs: r.seen_us, storedUs: r.stored_us };
}

/** Reads and writes `sensitive_raw_samples`. */
export class SensitiveRawRepository {
  constructor(private readonly db: StateDatabase) {}

  /**
   * Inserts the samples whose group holds fewer than `perGroup` rows and whose value is not stored yet; returns how
   * many were inserted. One transaction.
   */
  insert(samples: readonly RawSampleInsert[], perGroup: number, storedUs: number): number {
    const count = this.db.prepare(
      'SELECT COUNT(*) AS n FROM sensitive_raw_samples WHERE host = ? AND method = ? AND path = ? AND direction = ? AND location = ? AND field = ? AND type_id = ?',
    );
    const add = this.db.prepare(
      `INSERT OR IGNORE INTO sensitive_raw_samples (host, method, path, direction, location, field, type_id, masked, value_mac, ciphertext, seen_us, stored_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let inserted = 0;
    this.db.transaction(() => {
      for (const s of samples) {
        const { n } = count.get(s.host, s.method, s.path, s.direction, s.location, s.field, s.typeId) as { n: number };
        if (n >= perGroup) continue;
        inserted += add.run(s.host, s.method, s.path, s.direction, s.location, s.field, s.typeId, s.masked, s.valueMac, s.ciphertext, s.seenUs, storedUs).changes;
      }
    })();
    return inserted;
  }

  /** Stored samples (masked forms), newest first, of one type and/or host when given. */
  list(filter: { typeId?: string; host?: string; limit: number }): RawSampleRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.typeId !== undefined) {
      where.push('type_id = ?');
      args.push(filter.typeId);
    }
    if (filter.host !== undefined) {
      where.push('host = ?');
      args.push(filter.host);
    }
    const sql = `SELECT ${COLUMNS} FROM sensitive_raw_samples${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seen_us DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toRow);
  }

  /** One sample with its encrypted value, or null. */
  get(id: number): (RawSampleRow & { ciphertext: Buffer }) | null {
    const r = this.db.prepare(`SELECT ${COLUMNS}, ciphertext FROM sensitive_raw_samples WHERE id = ?`).get(id) as (Row & { ciphertext: Buffer }) | undefined;
    return r === undefined ? null : { ...toRow(r), ciphertext: r.ciphertext };
  }

  /** Deletes every sample; returns how many. */
  deleteAll(): number {
    return this.db.prepare('DELETE FROM sensitive_raw_samples').run().changes;
  }

  /** Deletes samples stored before `us`; returns how many. */
  deleteStoredBefore(us: number): number {
    return this.db.prepare('DELETE FROM sensitive_raw_samples WHERE stored_us < ?').run(us).changes;
  }

  /** Samples stored. */
  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sensitive_raw_samples').get() as { n: number }).n;
  }
}
