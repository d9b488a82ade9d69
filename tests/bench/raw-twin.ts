// The baseline side of the store benches: a fresh SQLite file with Jarvis's schema and pragmas, written with bare statements.
import Database from 'better-sqlite3';
import { loadMigrations, loadVectorExtension } from '../../src-main/core/db';

export type Rec = Record<string, unknown>;

/** A fresh file with the same schema (all migrations) and the same connection settings as the store. */
export function rawTwin(file: string): Database.Database {
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = FULL');
  // The memory tables use sqlite-vec, which the store loads on every connection.
  loadVectorExtension(raw);
  for (const m of loadMigrations()) raw.exec(m.sql);
  return raw;
}

/** INSERT with named parameters for every column of a row read back from the store. */
export const insertSql = (table: string, row: Rec) => `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => `@${k}`).join(', ')})`;
