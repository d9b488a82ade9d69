// Forward-only migrations from migrations/NNNN_name.sql, each applied and recorded in one transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { resourcePath } from '../util/resources';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationOptions {
  migrationsDir?: string;
  /** Verify the schema version without applying anything (read-only opens). */
  checkOnly?: boolean;
}

/** The database was written by a newer Jarvis; opening it could corrupt what that version wrote. */
export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `The database is at schema version ${databaseVersion}, but this Jarvis only knows versions up to ${codeVersion}. ` +
        'Update Jarvis, or point JARVIS_HOME at another folder; the database was left untouched.',
    );
  }
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir = resourcePath('migrations')): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`Migration file "${file}" must be named NNNN_name.sql (lower case).`);
      return { version: Number(match[1]), name: match[2], sql: fs.readFileSync(path.join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 0001, 0002, … without gaps; found ${m.version} at position ${i + 1}.`);
  });
  return migrations;
}

const checksum = (sql: string) => crypto.createHash('sha256').update(sql).digest('hex');

export function currentVersion(db: Database.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies pending migrations; returns the versions applied. */
export function migrate(db: Database.Database, options: MigrationOptions = {}): number[] {
  const migrations = loadMigrations(options.migrationsDir);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = currentVersion(db);
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  if (options.checkOnly) return [];

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= current) continue;
    // Immediate: take the write lock up front so two starting processes cannot both apply it.
    db.transaction(() => {
      if (currentVersion(db) >= m.version) return;
      db.exec(m.sql);
      record.run(m.version, m.name, checksum(m.sql), new Date().toISOString());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
