// Inbound events kept in the daemon's store until the app acknowledges them: a message is written here before the broker is acked.
import type Database from 'better-sqlite3';
import type { InboundEvent } from '../protocol';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS iot_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS iot_cursors (
  app TEXT PRIMARY KEY,
  acked INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
`;

/** Undelivered events older than this are dropped (an app away for a week gets the directory afresh, not a week of sensor noise). */
const KEEP_MS = 7 * 24 * 3600 * 1000;
/** And never more than this many, oldest first. */
const MAX_ROWS = 500_000;

export type NewInbound = InboundEvent extends infer E ? (E extends unknown ? Omit<E, 'seq'> : never) : never;

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly range: Database.Statement;
  private readonly cursorGet: Database.Statement;
  private readonly cursorSet: Database.Statement;
  private readonly countAfter: Database.Statement;
  private readonly headStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.insert = db.prepare('INSERT INTO iot_outbox (body, created_at) VALUES (?, ?)');
    this.range = db.prepare('SELECT seq, body FROM iot_outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.cursorGet = db.prepare('SELECT acked FROM iot_cursors WHERE app = ?').pluck();
    this.cursorSet = db.prepare('INSERT INTO iot_cursors (app, acked, seen_at) VALUES (?, ?, ?) ON CONFLICT (app) DO UPDATE SET acked = MAX(acked, excluded.acked), seen_at = excluded.seen_at');
    this.countAfter = db.prepare('SELECT count(*) FROM iot_outbox WHERE seq > ?').pluck();
    this.headStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'iot_outbox'").pluck();
  }

  add(event: NewInbound): number {
    return Number(this.insert.run(JSON.stringify(event), Date.now()).lastInsertRowid);
  }

  /** Up to `limit` events after `seq`, oldest first. */
  after(seq: number, limit: number): InboundEvent[] {
    return (this.range.all(seq, limit) as { seq: number; body: string }[]).map((r) => ({ ...(JSON.parse(r.body) as NewInbound), seq: r.seq }) as InboundEvent);
  }

  /** The newest sequence number ever given out (0 before the first). */
  head(): number {
    return (this.headStmt.get() as number | undefined) ?? 0;
  }

  /** Where this app's acknowledged stream ends; a new app starts at the head (it gets the directory, not old history). */
  cursor(app: string): number {
    const acked = this.cursorGet.get(app) as number | undefined;
    if (acked !== undefined) return acked;
    const head = this.head();
    this.cursorSet.run(app, head, Date.now());
    return head;
  }

  ack(app: string, seq: number): void {
    this.cursorSet.run(app, seq, Date.now());
  }

  backlog(app: string): number {
    return this.countAfter.get(this.cursor(app)) as number;
  }

  /** Forgets what every app that was seen this week has acknowledged, anything older than a week, and any excess. */
  prune(now = Date.now()): number {
    const floor = this.db.prepare('SELECT MIN(acked) FROM iot_cursors WHERE seen_at >= ?').pluck().get(now - KEEP_MS) as number | null;
    let removed = 0;
    if (floor !== null) removed += this.db.prepare('DELETE FROM iot_outbox WHERE seq <= ?').run(floor).changes;
    removed += this.db.prepare('DELETE FROM iot_outbox WHERE created_at < ?').run(now - KEEP_MS).changes;
    removed += this.db.prepare('DELETE FROM iot_outbox WHERE seq <= (SELECT MAX(seq) FROM iot_outbox) - ?').run(MAX_ROWS).changes;
    return removed;
  }
}
