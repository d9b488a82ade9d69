// The daemon's own append-only, hash-chained audit trail and its verifier (independent of the app's, which it does not trust).
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export const GENESIS_HASH = '0'.repeat(64);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with keys sorted at every depth, so equal payloads always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalize(v)));
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v);
    }
    return out;
  }
  // Functions and symbols never belong in the trail; say so rather than drop them silently.
  return `[${typeof value}]`;
}

// Keys whose values are secrets even if a caller passes them by mistake: the trail must never hold them.
const SECRET_KEYS = /^(token|jws|proof|secret|password|private_key|pairing_code|signature)$/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

export interface AuditRow {
  id: number;
  ts: string;
  type: string;
  subject: string | null;
  /** Canonical JSON text, exactly as hashed. */
  payload: string;
  prev_hash: string;
  hash: string;
}

export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([row.id, row.ts, row.type, row.subject, row.payload, row.prev_hash]))
    .digest('hex');
}

export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_events_type ON audit_events (type);
CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`;

export class DaemonAudit {
  private readonly insert;
  private readonly head;
  private readonly appendTx;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare('INSERT INTO audit_events (id, ts, type, subject, payload, prev_hash, hash) VALUES (@id, @ts, @type, @subject, @payload, @prev_hash, @hash)');
    this.head = db.prepare('SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1');
    // The head is read inside the write transaction, so two writers (the serving daemon and the CLI) never chain to the same row.
    this.appendTx = db.transaction((row: Pick<AuditRow, 'ts' | 'type' | 'subject' | 'payload'>): AuditRow => {
      const head = this.head.get() as { id: number; hash: string } | undefined;
      const chained = { ...row, id: (head?.id ?? 0) + 1, prev_hash: head?.hash ?? GENESIS_HASH };
      const full: AuditRow = { ...chained, hash: rowHash(chained) };
      this.insert.run(full);
      return full;
    });
  }

  /** Appends one row; inside a caller's transaction it commits (or rolls back) with it. */
  append(type: string, subject: string | null, payload: Record<string, unknown> = {}): AuditRow {
    const row = { ts: this.now().toISOString(), type, subject, payload: canonicalJson(redact(payload)) };
    return this.db.inTransaction ? this.appendTx(row) : this.appendTx.immediate(row);
  }
}

export type AuditBreak = 'id_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

export interface AuditVerification {
  ok: boolean;
  rows: number;
  head_hash: string;
  broken?: { id: number; reason: AuditBreak; message: string };
}

/** Walks the chain in id order and names the first row that breaks it. */
export function verifyAudit(db: Database.Database): AuditVerification {
  let expectedId = 1;
  let prev = GENESIS_HASH;
  let rows = 0;
  for (const row of db.prepare('SELECT id, ts, type, subject, payload, prev_hash, hash FROM audit_events ORDER BY id').iterate() as IterableIterator<AuditRow>) {
    if (row.id !== expectedId) return { ok: false, rows, head_hash: prev, broken: { id: row.id, reason: 'id_gap', message: `expected row ${expectedId} next but found ${row.id}: rows were deleted` } };
    if (row.prev_hash !== prev) return { ok: false, rows, head_hash: prev, broken: { id: row.id, reason: 'prev_hash_mismatch', message: `row ${row.id} does not chain to row ${row.id - 1}` } };
    if (rowHash(row) !== row.hash) return { ok: false, rows, head_hash: prev, broken: { id: row.id, reason: 'hash_mismatch', message: `row ${row.id} was changed after it was written` } };
    prev = row.hash;
    expectedId += 1;
    rows += 1;
  }
  return { ok: true, rows, head_hash: prev };
}
