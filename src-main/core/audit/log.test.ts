// The audit writer: chaining, append-only triggers, secret redaction, and all-or-nothing appends when the store fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreUnavailableError, type Db } from '../db';
import { GENESIS_HASH, rowHash } from './canonical';
import { AuditLog } from './log';
import { REDACTED } from './redact';
import { verifyChain } from './verify';

const dirs: string[] = [];
function freshDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-audit-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'j.db'));
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('AuditLog.append', () => {
  it('chains each row to the previous hash', () => {
    const log = new AuditLog(freshDb());
    const a = log.append({ type: 'event.ingested', actor: 'api', traceId: 't1', payload: { text: 'echo hi' } });
    const b = log.append({ type: 'routing.decided', actor: 'system', traceId: 't1', parentId: a.id, payload: { lane: 'fast' } });
    expect(a.id).toBe(1);
    expect(a.prev_hash).toBe(GENESIS_HASH);
    expect(b.prev_hash).toBe(a.hash);
    expect(b.parent_id).toBe(a.id);
    expect(b.hash).toBe(rowHash({ ...b, payload: '{"lane":"fast"}' }));
  });

  it('stores payloads canonically (sorted keys)', () => {
    const db = freshDb();
    new AuditLog(db).append({ type: 'x', actor: 'system', payload: { b: 1, a: { d: 2, c: 3 } } });
    expect(db.prepare('SELECT payload FROM audit_events').pluck().get()).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('blocks UPDATE and DELETE with triggers', () => {
    const db = freshDb();
    new AuditLog(db).append({ type: 'x', actor: 'system' });
    expect(() => db.prepare("UPDATE audit_events SET payload = '{}'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
  });

  it('redacts secret-looking fields before they are hashed and stored', () => {
    const db = freshDb();
    const event = new AuditLog(db).append({
      type: 'x',
      actor: 'system',
      payload: { password: 'hunter2', nested: { api_key: 'sk-123', authorization: 'Bearer abc' }, token_count: 12, url: 'https://a' },
    });
    expect(event.payload).toEqual({ password: REDACTED, nested: { api_key: REDACTED, authorization: REDACTED }, token_count: 12, url: 'https://a' });
    const raw = fs.readFileSync(db.name, 'latin1') + (fs.existsSync(`${db.name}-wal`) ? fs.readFileSync(`${db.name}-wal`, 'latin1') : '');
    expect(raw).not.toContain('hunter2');
    expect(raw).not.toContain('sk-123');
  });

  it('notifies subscribers after commit, and a throwing subscriber does not fail the append', () => {
    const errors: unknown[] = [];
    const log = new AuditLog(freshDb(), { onListenerError: (err) => errors.push(err) });
    const seen: number[] = [];
    log.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const stop = log.subscribe((e) => seen.push(e.id));
    log.append({ type: 'x', actor: 'system' });
    stop();
    log.append({ type: 'y', actor: 'system' });
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });

  it('inside transaction(), subscribers hear of rows only after commit, and nothing of a rollback', () => {
    const log = new AuditLog(freshDb());
    const seen: string[] = [];
    log.subscribe((e) => seen.push(e.type));
    log.transaction(() => {
      log.append({ type: 'a', actor: 'system' });
      log.append({ type: 'b', actor: 'system' });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['a', 'b']);
    expect(() =>
      log.transaction(() => {
        log.append({ type: 'c', actor: 'system' });
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(seen).toEqual(['a', 'b']);
    expect(log.head().count).toBe(2);
  });

  it('a full disk raises StoreUnavailableError and writes nothing; the chain stays valid', () => {
    const db = freshDb();
    const log = new AuditLog(db);
    log.append({ type: 'first', actor: 'system' });
    const pages = db.pragma('page_count', { simple: true }) as number;
    // Cap the file at its current size: the next big row cannot fit, exactly as on a full disk.
    db.pragma(`max_page_count = ${pages}`);
    let error: unknown;
    try {
      log.append({ type: 'too-big', actor: 'system', payload: { blob: 'x'.repeat(200_000) } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/full.*Nothing was written/);
    expect(db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get()).toBe(1);
    db.pragma('max_page_count = 1073741823');
    log.append({ type: 'after', actor: 'system' });
    expect(verifyChain(db)).toMatchObject({ ok: true, rows: 2 });
  });

  it('a locked database raises StoreUnavailableError after the busy timeout', () => {
    const db = freshDb();
    const other = openDatabase(db.name, { busyTimeoutMs: 0 });
    const mine = openDatabase(db.name, { busyTimeoutMs: 50 });
    other.prepare('BEGIN IMMEDIATE').run();
    expect(() => new AuditLog(mine).append({ type: 'x', actor: 'system' })).toThrow(/locked by another process/);
    other.prepare('ROLLBACK').run();
    expect(new AuditLog(mine).append({ type: 'x', actor: 'system' }).id).toBe(1);
    other.close();
    mine.close();
  });
});

describe('AuditLog.list', () => {
  it('filters by trace and type, returns the tail without a cursor and pages with one', () => {
    const log = new AuditLog(freshDb());
    for (let i = 0; i < 10; i++) log.append({ type: i % 2 ? 'odd' : 'even', actor: 'system', traceId: i < 5 ? 'A' : 'B' });
    expect(log.list({ limit: 3 }).map((e) => e.id)).toEqual([8, 9, 10]);
    expect(log.list({ limit: 3, after: 2 }).map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.list({ limit: 100, trace_id: 'A', type: 'odd' }).map((e) => e.id)).toEqual([2, 4]);
  });
});
