// The daemon's audit chain: append-only by trigger, and the verifier names the first edited or missing row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from './audit';
import { openStore } from './store';

function seeded() {
  const store = openStore(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-audit-')));
  for (let i = 0; i < 4; i++) store.audit.append('test.row', null, { i, b: 1, a: 2 });
  return store;
}

describe('daemon audit', () => {
  it('chains rows, stores canonical payloads, and verifies clean', () => {
    const store = seeded();
    expect(store.db.prepare('SELECT payload FROM audit_events WHERE id = 1').pluck().get()).toBe('{"a":2,"b":1,"i":0}');
    expect(verifyAudit(store.db)).toMatchObject({ ok: true, rows: 4 });
  });

  it('refuses updates and deletes', () => {
    const store = seeded();
    expect(() => store.db.exec("UPDATE audit_events SET type = 'x' WHERE id = 2")).toThrow(/append-only/);
    expect(() => store.db.exec('DELETE FROM audit_events WHERE id = 2')).toThrow(/append-only/);
  });

  it('names an edited row and a deleted row', () => {
    const edited = seeded();
    edited.db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    edited.db.exec(`UPDATE audit_events SET payload = '{"i":9}' WHERE id = 3`);
    expect(verifyAudit(edited.db).broken).toMatchObject({ id: 3, reason: 'hash_mismatch' });
    const deleted = seeded();
    deleted.db.exec('DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE id = 2');
    expect(verifyAudit(deleted.db).broken).toMatchObject({ id: 3, reason: 'id_gap' });
  });

  it('never stores values under secret-looking keys', () => {
    const store = seeded();
    store.audit.append('test.secret', null, { token: 'eyJ.abc.def', nested: { proof: 'p' } });
    expect(store.db.prepare("SELECT payload FROM audit_events WHERE type = 'test.secret'").pluck().get()).toBe('{"nested":{"proof":"[redacted]"},"token":"[redacted]"}');
  });
});
