// The daemon's own SQLite store: paired apps, seen nonces, the kill-switch watermark, the pending pairing code and the audit trail.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AUDIT_SCHEMA, DaemonAudit } from './audit';

export const storeFile = (home: string): string => path.join(home, 'daemon.db');

const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
CREATE TABLE paired_apps (
  fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
  name TEXT NOT NULL,
  public_key BLOB NOT NULL CHECK (length(public_key) = 32),
  paired_at TEXT NOT NULL,
  unpaired_at TEXT
);
CREATE TABLE nonces (
  jti TEXT PRIMARY KEY,
  iss TEXT NOT NULL,
  iat INTEGER NOT NULL,
  exp INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX nonces_exp ON nonces (exp);
CREATE TABLE controls (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kill_before INTEGER NOT NULL
);
INSERT INTO controls (id, kill_before) VALUES (1, 0);
CREATE TABLE pairing_codes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  code_hash BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
${AUDIT_SCHEMA}
`;

// Seen nonces are kept a day past their expiry: should the clock step back, a pruned token must still read as expired.
const NONCE_KEEP_S = 24 * 3600;

export interface PairedApp {
  fingerprint: string;
  name: string;
  public_key: Buffer;
  paired_at: string;
  unpaired_at: string | null;
}

export interface StoreOptions {
  readonly?: boolean;
  now?: () => Date;
}

/** Opens (and on first use creates) the store; refuses one written by a newer daemon. */
export function openStore(home: string, options: StoreOptions = {}): DaemonStore {
  const file = storeFile(home);
  if (options.readonly) {
    if (!fs.existsSync(file)) throw new Error(`No daemon store at ${file}; start the daemon once, or set JARVIS_DAEMON_HOME.`);
  } else {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // Created private up front: SQLite gives its -wal and -shm files the database file's permissions.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives the process being killed, but a power cut may lose the last
    // commits. Those are always the newest, so a lost nonce means the daemon.stopped row after it is lost
    // too; the server then refuses every token issued before it started again (see uncleanStop).
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`The daemon store ${file} was written by a newer daemon (schema ${version}, this one knows ${SCHEMA_VERSION}); update jarvis-daemon.`);
    if (version < SCHEMA_VERSION) {
      if (options.readonly) throw new Error(`The daemon store ${file} is not initialised yet; start the daemon once.`);
      db.transaction(() => {
        // Re-read inside the write lock: the CLI and the daemon may both be creating it.
        if ((db.pragma('user_version', { simple: true }) as number) === 0) {
          db.exec(SCHEMA_V1);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }
      }).immediate();
    }
    return new DaemonStore(db, options.now ?? (() => new Date()));
  } catch (err) {
    db.close();
    throw err;
  }
}

export class DaemonStore {
  readonly audit: DaemonAudit;
  // One prepared statement per SQL text: preparing costs as much as running these small queries.
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.audit = new DaemonAudit(db, now);
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * True when the last lifecycle row is a start without its stop: the daemon was killed, or a power cut
   * lost its newest commits. Read before this run writes its own daemon.started.
   */
  uncleanStop(): boolean {
    const last = this.stmt(`SELECT type FROM audit_events WHERE type IN ('daemon.started', 'daemon.stopped') ORDER BY id DESC LIMIT 1`).pluck().get() as string | undefined;
    return last === 'daemon.started';
  }

  /** Runs fn in one IMMEDIATE transaction: every write in it (and its audit rows) commits together or not at all. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  /** A paired app that has not been unpaired; read on every call so an unpair by the CLI counts at once. */
  activeApp(fingerprint: string): PairedApp | undefined {
    return this.stmt('SELECT * FROM paired_apps WHERE fingerprint = ? AND unpaired_at IS NULL').get(fingerprint) as PairedApp | undefined;
  }

  apps(): PairedApp[] {
    return this.stmt('SELECT * FROM paired_apps ORDER BY paired_at').all() as PairedApp[];
  }

  pairApp(fingerprint: string, name: string, publicKey: Buffer): void {
    this.stmt(
        `INSERT INTO paired_apps (fingerprint, name, public_key, paired_at, unpaired_at) VALUES (?, ?, ?, ?, NULL)
         ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name, paired_at = excluded.paired_at, unpaired_at = NULL`,
      )
      .run(fingerprint, name, publicKey, this.now().toISOString());
  }

  /** Marks the apps as unpaired (rows stay, for the record). */
  unpair(fingerprints: string[]): void {
    const update = this.stmt('UPDATE paired_apps SET unpaired_at = ? WHERE fingerprint = ? AND unpaired_at IS NULL');
    for (const fp of fingerprints) update.run(this.now().toISOString(), fp);
  }

  killBefore(): number {
    return (this.stmt('SELECT kill_before FROM controls WHERE id = 1').pluck().get() as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Raises the watermark; it never goes down, so an old kill message cannot undo a newer one. */
  raiseKillBefore(value: number): number {
    this.stmt('UPDATE controls SET kill_before = MAX(kill_before, ?) WHERE id = 1').run(value);
    return this.killBefore();
  }

  /** Records a jti as used; false if it was seen before. */
  claimNonce(jti: string, iss: string, iat: number, exp: number): boolean {
    return this.stmt('INSERT OR IGNORE INTO nonces (jti, iss, iat, exp) VALUES (?, ?, ?, ?)').run(jti, iss, iat, exp).changes === 1;
  }

  pruneNonces(nowS: number): number {
    return this.stmt('DELETE FROM nonces WHERE exp < ?').run(nowS - NONCE_KEEP_S).changes;
  }

  /** Replaces any pending code: only the newest one printed is valid. */
  setPairingCode(codeHash: Buffer, expiresAtS: number): void {
    this.stmt('INSERT INTO pairing_codes (id, code_hash, expires_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at').run(codeHash, expiresAtS);
  }

  pairingCode(): { code_hash: Buffer; expires_at: number } | undefined {
    return this.stmt('SELECT code_hash, expires_at FROM pairing_codes WHERE id = 1').get() as { code_hash: Buffer; expires_at: number } | undefined;
  }

  clearPairingCode(): void {
    this.stmt('DELETE FROM pairing_codes WHERE id = 1').run();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
