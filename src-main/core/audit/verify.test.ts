// The verifier: names the first broken row for edits, gaps and re-links, and catches a truncated tail via checkpoints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db';
import { rowHash } from './canonical';
import { CheckpointStore } from './checkpoints';
import { AuditLog } from './log';
import { verifyChain } from './verify';

const dirs: string[] = [];
function setup(rows: number, checkpointEvery?: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-verify-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'j.db'));
  const checkpoints = new CheckpointStore(path.join(dir, 'audit'));
  const log = new AuditLog(db, checkpointEvery ? { checkpoints, checkpointEvery } : { checkpoints });
  for (let i = 0; i < rows; i++) log.append({ type: `t${i + 1}`, actor: 'system', payload: { n: i + 1 } });
  return { db, checkpoints, log, dir };
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const dropTriggers = (db: Db) => db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');

describe('verifyChain', () => {
  it('passes a clean chain and reports the latest checkpoint', () => {
    const { db, checkpoints, log } = setup(25, 10);
    log.checkpoint();
    const result = verifyChain(db, checkpoints);
    expect(result).toMatchObject({ ok: true, rows: 25, broken: null, checkpoint: { count: 25 } });
  });

  it('an empty trail verifies', () => {
    const { db, checkpoints } = setup(0);
    expect(verifyChain(db, checkpoints)).toMatchObject({ ok: true, rows: 0 });
  });

  it('names the row whose payload was edited', () => {
    const { db, checkpoints } = setup(10);
    dropTriggers(db);
    db.prepare(`UPDATE audit_events SET payload = '{"n":999}' WHERE id = 7`).run();
    expect(verifyChain(db, checkpoints).broken).toMatchObject({ id: 7, reason: 'hash_mismatch' });
  });

  it('names the row after a deleted middle row', () => {
    const { db, checkpoints } = setup(10);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_events WHERE id = 4').run();
    expect(verifyChain(db, checkpoints).broken).toMatchObject({ id: 5, reason: 'id_gap' });
  });

  it('detects a row re-linked to a forged predecessor', () => {
    const { db, checkpoints } = setup(5);
    dropTriggers(db);
    db.prepare(`UPDATE audit_events SET prev_hash = ? WHERE id = 3`).run('f'.repeat(64));
    expect(verifyChain(db, checkpoints).broken).toMatchObject({ id: 3, reason: 'prev_hash_mismatch' });
  });

  it('detects deleted tail rows against the signed checkpoint', () => {
    const { db, checkpoints, log } = setup(12);
    log.checkpoint();
    dropTriggers(db);
    db.prepare('DELETE FROM audit_events WHERE id > 9').run();
    const result = verifyChain(db, checkpoints);
    expect(result.ok).toBe(false);
    expect(result.broken).toMatchObject({ id: 10, reason: 'truncated' });
    expect(result.broken?.message).toMatch(/counted 12 rows, but the database has 9/);
  });

  it('detects a fully rehashed rewrite against an older checkpoint', () => {
    const { db, checkpoints, log } = setup(6, 3);
    log.checkpoint();
    dropTriggers(db);
    // Rewrite row 2 and re-hash everything after it so the chain itself is self-consistent.
    db.prepare(`UPDATE audit_events SET payload = '{"n":-2}' WHERE id = 2`).run();
    let prev = (db.prepare('SELECT hash FROM audit_events WHERE id = 1').get() as { hash: string }).hash;
    for (const row of db.prepare('SELECT * FROM audit_events WHERE id >= 2 ORDER BY id').all() as Parameters<typeof rowHash>[0][]) {
      const hash = rowHash({ ...row, prev_hash: prev });
      db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row.id);
      prev = hash;
    }
    expect(verifyChain(db).ok).toBe(true);
    expect(verifyChain(db, checkpoints).broken).toMatchObject({ id: 3, reason: 'checkpoint_mismatch' });
  });

  it('rejects a checkpoint whose signature does not verify', () => {
    const { db, checkpoints, log } = setup(3);
    log.checkpoint();
    const text = fs.readFileSync(checkpoints.file, 'utf8').replace('"count":3', '"count":2');
    fs.writeFileSync(checkpoints.file, text);
    expect(verifyChain(db, checkpoints).broken).toMatchObject({ reason: 'checkpoint_invalid' });
  });

  it('writes a checkpoint every N rows with a 0600 private key', () => {
    const { checkpoints, dir } = setup(25, 10);
    expect(checkpoints.read().valid.map((c) => c.count)).toEqual([10, 20]);
    expect(fs.statSync(path.join(dir, 'audit', 'checkpoint-ed25519.key')).mode & 0o777).toBe(0o600);
  });
});
