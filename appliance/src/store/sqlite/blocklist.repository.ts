/** Block-list entries and the hash of the export token in the state database (migration 0301). */
import type { StateDatabase } from './state.database.ts';

/** One listed address or network. Times are ms since the epoch; `expiresAt` null = never. */
export interface BlocklistEntry {
  id: number;
  /** Canonical address or CIDR network. */
  value: string;
  family: 4 | 6;
  reason: string;
  /** `manual`, `finding:<type>` or `policy:<id>`. */
  source: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
}

interface Row {
  id: number;
  value: string;
  family: 4 | 6;
  reason: string;
  source: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
}

function toEntry(r: Row): BlocklistEntry {
  return { id: r.id, value: r.value, family: r.family, reason: r.reason, source: r.source, createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at };
}

/** Stores the block list. */
export class BlocklistRepository {
  constructor(private readonly db: StateDatabase) {}

  /**
   * Adds `e`, or refreshes the entry already listing the same value (new reason and source; the later expiry wins,
   * never-expiring wins over any). Returns the id and whether it was new.
   */
  upsert(e: Omit<BlocklistEntry, 'id'>): { id: number; created: boolean } {
    const existing = this.db.prepare('SELECT id FROM blocklist_entries WHERE value = ?').get(e.value) as { id: number } | undefined;
    if (existing === undefined) {
      const r = this.db
        .prepare('INSERT INTO blocklist_entries (value, family, reason, source, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(e.value, e.family, e.reason, e.source, e.createdBy, e.createdAt, e.expiresAt);
      return { id: Number(r.lastInsertRowid), created: true };
    }
    this.db
      .prepare(`UPDATE blocklist_entries SET reason = ?, source = ?,
        expires_at = CASE WHEN expires_at IS NULL OR ? IS NULL THEN NULL ELSE max(expires_at, ?) END WHERE id = ?`)
      .run(e.reason, e.source, e.expiresAt, e.expiresAt, existing.id);
    return { id: existing.id, created: false };
  }

  get(id: number): BlocklistEntry | undefined {
    const r = this.db.prepare('SELECT * FROM blocklist_entries WHERE id = ?').get(id) as Row | undefined;
    return r === undefined ? undefined : toEntry(r);
  }

  /** Entries not expired at `now`, by value. */
  active(now: number): BlocklistEntry[] {
    return (this.db.prepare('SELECT * FROM blocklist_entries WHERE expires_at IS NULL OR expires_at > ? ORDER BY family, value').all(now) as Row[]).map(toEntry);
  }

  /** Removes entry `id`; false when there was none. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM blocklist_entries WHERE id = ?').run(id).changes > 0;
  }

  /** Deletes entries expired at `now`; returns how many. */
  deleteExpired(now: number): number {
    return this.db.prepare('DELETE FROM blocklist_entries WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes;
  }

  /** The stored export-token hash, or undefined when none was generated. */
  tokenHash(): { sha256: string; createdBy: string; createdAt: number } | undefined {
    const r = this.db.prepare('SELECT sha256, created_by, created_at FROM blocklist_tokens WHERE id = 1').get() as { sha256: string; created_by: string; created_at: number } | undefined;
    return r === undefined ? undefined : { sha256: r.sha256, createdBy: r.created_by, createdAt: r.created_at };
  }

  /** Replaces the export-token hash. */
  setTokenHash(sha256: string, createdBy: string, now: number): void {
    this.db
      .prepare('INSERT INTO blocklist_tokens (id, sha256, created_by, created_at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET sha256 = excluded.sha256, created_by = excluded.created_by, created_at = excluded.created_at')
      .run(sha256, createdBy, now);
  }
}
