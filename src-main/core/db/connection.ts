// Opens the store: better-sqlite3 in WAL mode with the durability Jarvis's audit trail needs.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type MigrationOptions } from './migrations';
import { loadVectorExtension } from './vector-extension';

export type Db = Database.Database;

export interface OpenOptions extends MigrationOptions {
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  // Under Electron the addon must be built for Electron's ABI; `npm start` builds that copy and names it here.
  const nativeBinding = process.env.JARVIS_SQLITE_BINDING;
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    // Before the migrations: they create sqlite-vec tables, and every statement touching those needs it.
    loadVectorExtension(db);
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 2000)}`);
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL, not WAL's usual NORMAL: with NORMAL a power cut can drop the last committed
    // transactions, and for the audit trail and approvals "committed" must mean "on disk" —
    // an approval a person gave, or an audit row a checkpoint already counted, must never vanish.
    db.pragma('synchronous = FULL');
    if (!options.readonly) migrate(db, options);
    else migrate(db, { ...options, checkOnly: true });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
