/** Declared API specs stored with their text, so they survive restarts and can be re-read. */
import type { StateDatabase } from './state.database.ts';

/** A stored spec without its text. */
export interface StoredSpec {
  id: number;
  name: string;
  hosts: string[];
  format: string;
  title: string;
  version: string;
  operations: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: number;
}

interface Row {
  id: number;
  name: string;
  hosts: string;
  format: string;
  title: string;
  version: string;
  operations: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: number;
}

function toSpec(r: Row): StoredSpec {
  return { id: r.id, name: r.name, hosts: JSON.parse(r.hosts) as string[], format: r.format, title: r.title, version: r.version, operations: r.operations, sha256: r.sha256, uploadedBy: r.uploaded_by, uploadedAt: r.uploaded_at };
}

const COLUMNS = 'id, name, hosts, format, title, version, operations, sha256, uploaded_by, uploaded_at';

/** Stores declared specs. */
export class SpecsRepository {
  constructor(private readonly db: StateDatabase) {}

  /** Adds a spec; returns its id, or the id of the same text already attached to the same hosts. */
  add(s: Omit<StoredSpec, 'id'> & { content: string }): { id: number; created: boolean } {
    const hosts = JSON.stringify([...s.hosts].sort());
    const existing = this.db.prepare('SELECT id FROM specs WHERE sha256 = ? AND hosts = ?').get(s.sha256, hosts) as { id: number } | undefined;
    if (existing !== undefined) return { id: existing.id, created: false };
    const r = this.db
      .prepare('INSERT INTO specs (name, hosts, format, title, version, operations, content, sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.name, hosts, s.format, s.title, s.version, s.operations, s.content, s.sha256, s.uploadedBy, s.uploadedAt);
    return { id: Number(r.lastInsertRowid), created: true };
  }

  list(): StoredSpec[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM specs ORDER BY id`).all() as Row[]).map(toSpec);
  }

  get(id: number): StoredSpec | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM specs WHERE id = ?`).get(id) as Row | undefined;
    return r === undefined ? undefined : toSpec(r);
  }

  /** The text of spec `id`. */
  content(id: number): string | undefined {
    return (this.db.prepare('SELECT content FROM specs WHERE id = ?').get(id) as { content: string } | undefined)?.content;
  }

  /** Deletes spec `id`; false when there was none. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM specs WHERE id = ?').run(id).changes > 0;
  }
}
