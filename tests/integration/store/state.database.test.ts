// Tests of the state database: WAL on a real file, migrations applied once and in order, failures roll back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MigrationError, openStateDatabase, prepared, readMigrations, type Migration } from '../../../appliance/src/store/sqlite/state.database.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'state-db-'));
}

test('shipped migrations are well named, ordered and apply to a fresh file in WAL mode', () => {
  const dir = tempDir();
  try {
    const ms = readMigrations();
    assert.ok(ms.length >= 1);
    for (let i = 1; i < ms.length; i++) assert.ok(ms[i].version > ms[i - 1].version);
    const db = openStateDatabase(join(dir, 'state.sqlite'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    assert.deepEqual(versions.map((v) => v.version), ms.map((m) => m.version));
    db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('k', '1', 'now');
    db.close();
    const again = openStateDatabase(join(dir, 'state.sqlite'));
    assert.equal((again.prepare('SELECT value FROM settings WHERE key = ?').get('k') as { value: string }).value, '1');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing migration rolls back and leaves the earlier ones applied; reruns apply only what is new', () => {
  const good: Migration = { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' };
  const bad: Migration = { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);' };
  const db = openStateDatabase(':memory:', { migrations: [] });
  assert.throws(() => migrate(db, [good, bad]));
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
  assert.ok(tables.includes('a'));
  assert.ok(!tables.includes('b'), 'the failed migration left nothing behind');
  const fixed = { ...bad, sql: 'CREATE TABLE b (x INTEGER);' };
  assert.deepEqual(migrate(db, [good, fixed]), [2]);
  assert.deepEqual(migrate(db, [good, fixed]), [] as number[], 'nothing new to apply');
  db.close();
});

test('a database from a newer version is refused', () => {
  const db = openStateDatabase(':memory:', { migrations: [{ version: 1, name: 'a', sql: 'SELECT 1;' }, { version: 7, name: 'z', sql: 'SELECT 1;' }] });
  assert.throws(() => migrate(db, [{ version: 1, name: 'a', sql: 'SELECT 1;' }]), MigrationError);
  db.close();
});

test('prepared statements are reused per connection and the cache stays bounded', () => {
  const db = openStateDatabase(':memory:');
  try {
    const a = prepared(db, 'SELECT 1 AS one');
    assert.equal(prepared(db, 'SELECT 1 AS one'), a, 'the same SQL gives the same statement');
    assert.deepEqual(a.get(), { one: 1 });
    for (let i = 0; i < 300; i++) prepared(db, `SELECT ${i} AS n`);
    assert.notEqual(prepared(db, 'SELECT 1 AS one'), a, 'least recently used statements leave the cache');
    const other = openStateDatabase(':memory:');
    assert.notEqual(prepared(other, 'SELECT 1 AS one'), prepared(db, 'SELECT 1 AS one'), 'one cache per connection');
    other.close();
  } finally {
    db.close();
  }
});
