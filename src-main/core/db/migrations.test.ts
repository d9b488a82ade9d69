// Migrations: applied in order in a transaction, recorded once, refused when the database is newer than the code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './connection';
import { currentVersion, DatabaseTooNewError, loadMigrations, migrate } from './migrations';

const dirs: string[] = [];
function temp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function migrationsDir(files: Record<string, string>): string {
  const dir = temp();
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  it('applies the shipped migrations with WAL, foreign keys and synchronous=FULL', () => {
    const db = openDatabase(path.join(temp(), 'j.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(currentVersion(db)).toBe(loadMigrations().length);
    db.close();
  });

  it('records each migration once and is idempotent', () => {
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x);', '0002_b.sql': 'CREATE TABLE b (y);' });
    const file = path.join(temp(), 'j.db');
    const db = openDatabase(file, { migrationsDir: dir });
    expect(migrate(db, { migrationsDir: dir })).toEqual([]);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual([
      { version: 1, name: 'a' },
      { version: 2, name: 'b' },
    ]);
    db.close();
  });

  it('leaves nothing behind when a migration fails halfway', () => {
    const ok = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x);' });
    const file = path.join(temp(), 'j.db');
    openDatabase(file, { migrationsDir: ok }).close();
    const bad = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x);', '0002_b.sql': 'CREATE TABLE b (y); INSERT INTO nope VALUES (1);' });
    expect(() => openDatabase(file, { migrationsDir: bad })).toThrow(/no such table: nope/);
    const db = openDatabase(file, { migrationsDir: ok });
    expect(currentVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database written by a newer version, untouched', () => {
    const newer = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x);', '0002_b.sql': 'CREATE TABLE b (y);' });
    const older = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x);' });
    const file = path.join(temp(), 'j.db');
    openDatabase(file, { migrationsDir: newer }).close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file, { migrationsDir: older })).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file, { migrationsDir: older })).toThrow(/schema version 2, but this Jarvis only knows versions up to 1/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rejects badly named or gapped migration files', () => {
    expect(() => loadMigrations(migrationsDir({ '1_a.sql': '' }))).toThrow(/NNNN_name\.sql/);
    expect(() => loadMigrations(migrationsDir({ '0001_a.sql': '', '0003_c.sql': '' }))).toThrow(/without gaps/);
  });
});
