// The append-only audit writer: each row is chained to the one before and committed durably before anyone hears of it.
import type { Db } from '../db';
import { asStoreError } from '../db';
import { newId } from '../util/ids';
import { canonicalJson, GENESIS_HASH, rowHash } from './canonical';
import type { CheckpointStore } from './checkpoints';
import { redactSecrets } from './redact';
import type { AuditEvent, AuditInput, AuditQuery } from './types';

interface Row {
  id: number;
  ts: string;
  trace_id: string;
  parent_id: number | null;
  type: string;
  actor: string;
  subject: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

export const toEvent = (row: Row): AuditEvent => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> });

export interface AuditLogOptions {
  checkpoints?: CheckpointStore;
  /** Write a signed checkpoint every N rows (and on close). */
  checkpointEvery?: number;
  now?: () => Date;
  /** Where a failing subscriber's error goes (default: console.error). */
  onListenerError?: (err: unknown) => void;
}

type Listener = (event: AuditEvent) => void;

export class AuditLog {
  private readonly listeners = new Set<Listener>();
  private readonly insert;
  private readonly headStmt;
  private readonly appendTx;
  private lastCheckpointCount = -1;
  /** Events committed-to-be inside `transaction()`: announced only once the transaction commits. */
  private pending: AuditEvent[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: AuditLogOptions = {},
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_events (id, ts, trace_id, parent_id, type, actor, subject, payload, prev_hash, hash)
       VALUES (@id, @ts, @trace_id, @parent_id, @type, @actor, @subject, @payload, @prev_hash, @hash)`,
    );
    this.headStmt = db.prepare('SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1');
    // The head is read inside the write transaction, so two writers can never chain to the same row.
    this.appendTx = db.transaction((row: Omit<Row, 'id' | 'prev_hash' | 'hash'>): Row => {
      const head = this.headStmt.get() as { id: number; hash: string } | undefined;
      const chained = { ...row, id: (head?.id ?? 0) + 1, prev_hash: head?.hash ?? GENESIS_HASH };
      const full: Row = { ...chained, hash: rowHash(chained) };
      this.insert.run(full);
      return full;
    });
  }

  /** Appends one event durably; throws StoreUnavailableError if the store cannot take it (nothing is written). */
  append(input: AuditInput): AuditEvent {
    const row = {
      ts: (this.options.now?.() ?? new Date()).toISOString(),
      trace_id: input.traceId ?? newId(),
      parent_id: input.parentId ?? null,
      type: input.type,
      actor: input.actor,
      subject: input.subject ?? null,
      payload: canonicalJson(redactSecrets(input.payload ?? {})),
    };
    let written: Row;
    try {
      written = this.db.inTransaction ? this.appendTx(row) : this.appendTx.immediate(row);
    } catch (err) {
      throw asStoreError(err) ?? err;
    }
    const event = toEvent(written);
    if (this.pending) this.pending.push(event);
    else this.afterCommit([event]);
    return event;
  }

  /**
   * Runs fn in one IMMEDIATE transaction with every append inside it; listeners and checkpoints hear of
   * those appends only after the commit, so nobody sees (or signs) a row that was rolled back.
   */
  transaction<T>(fn: () => T): T {
    if (this.pending) return fn();
    this.pending = [];
    let committed: AuditEvent[] = [];
    try {
      const result = this.db.transaction(fn).immediate();
      committed = this.pending;
      return result;
    } catch (err) {
      throw asStoreError(err) ?? err;
    } finally {
      this.pending = null;
      if (committed.length) this.afterCommit(committed);
    }
  }

  private afterCommit(events: AuditEvent[]): void {
    const every = this.options.checkpointEvery;
    if (every && events.some((e) => e.id % every === 0)) this.checkpoint();
    for (const event of events) this.announce(event);
  }

  private announce(event: AuditEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A broken subscriber must not make an already-committed append look failed.
        (this.options.onListenerError ?? console.error)(err);
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  head(): { count: number; hash: string } {
    const head = this.headStmt.get() as { id: number; hash: string } | undefined;
    return { count: head?.id ?? 0, hash: head?.hash ?? GENESIS_HASH };
  }

  /** Writes a signed checkpoint of the current head unless one for it exists already. */
  checkpoint(): void {
    const store = this.options.checkpoints;
    if (!store) return;
    const head = this.head();
    if (head.count === this.lastCheckpointCount) return;
    store.write(head.count, head.hash);
    this.lastCheckpointCount = head.count;
  }

  list(query: AuditQuery): AuditEvent[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.trace_id !== undefined) {
      where.push('trace_id = @trace_id');
      params.trace_id = query.trace_id;
    }
    if (query.type !== undefined) {
      where.push('type = @type');
      params.type = query.type;
    }
    if (query.after !== undefined) {
      where.push('id > @after');
      params.after = query.after;
    }
    // Without a cursor the caller wants the tail: the newest rows, still returned oldest first.
    const order = query.after === undefined ? 'DESC' : 'ASC';
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT @limit`;
    const rows = this.db.prepare(sql).all(params) as Row[];
    if (order === 'DESC') rows.reverse();
    return rows.map(toEvent);
  }

  byTrace(traceId: string): AuditEvent[] {
    return (this.db.prepare('SELECT * FROM audit_events WHERE trace_id = ? ORDER BY id').all(traceId) as Row[]).map(toEvent);
  }
}
