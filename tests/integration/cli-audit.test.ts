// `jarvis audit verify|export` on a real data folder: clean, edited, and truncated chains.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, startJarvis, tempHome } from '../helpers/jarvis-process';

/** Runs Jarvis once so its data folder holds a real chain and a shutdown checkpoint. */
async function seededHome(): Promise<string> {
  const j = await startJarvis();
  for (let i = 0; i < 3; i++) await fetch(`${j.url}/v1/audit/verify`, { headers: { authorization: `Bearer ${j.token}` } });
  expect(await j.stop('SIGTERM')).toBe(0);
  return j.home;
}

const tamper = (home: string, sql: string) => {
  const db = new Database(path.join(home, 'jarvis.db'));
  db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
  db.exec(sql);
  db.close();
};

describe('jarvis audit verify', () => {
  it('a clean chain verifies with exit 0', async () => {
    const home = await seededHome();
    const res = runCli(['audit', 'verify'], { JARVIS_HOME: home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Audit chain intact: \d+ rows/);
  });

  it("an edited payload exits non-zero naming that row", async () => {
    const home = await seededHome();
    tamper(home, `UPDATE audit_events SET payload = '{"ok":false}' WHERE id = 3`);
    const res = runCli(['audit', 'verify'], { JARVIS_HOME: home });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/BROKEN at row 3 \(hash_mismatch\)/);
  });

  it('deleted tail rows are detected against the shutdown checkpoint', async () => {
    const home = await seededHome();
    tamper(home, 'DELETE FROM audit_events WHERE id >= (SELECT MAX(id) - 1 FROM audit_events)');
    const res = runCli(['audit', 'verify', '--json'], { JARVIS_HOME: home });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, broken: { reason: 'truncated' } });
  });

  it('export prints a trace and its verification; bad arguments exit 2 with usage', async () => {
    const home = await seededHome();
    const db = new Database(path.join(home, 'jarvis.db'), { readonly: true });
    const trace = db.prepare("SELECT trace_id FROM audit_events WHERE type = 'system.started'").pluck().get() as string;
    db.close();
    const res = runCli(['audit', 'export', '--trace', trace], { JARVIS_HOME: home });
    expect(res.code).toBe(0);
    const kinds = res.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(['event', 'verification']);
    const missing = runCli(['audit', 'export'], { JARVIS_HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--trace is required/);
    expect(runCli(['audit', 'frobnicate'], { JARVIS_HOME: home }).code).toBe(2);
    expect(runCli(['audit', 'verify', '--jsn'], { JARVIS_HOME: home }).stderr).toMatch(/Unknown option '--jsn'/);
  });

  it('a folder with no database says so', () => {
    const res = runCli(['audit', 'verify'], { JARVIS_HOME: tempHome() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/No Jarvis database at/);
  });
});
