// Start-up: invalid settings stop it with a message naming the key; a locked store gives 503 and nothing half-written.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { api, runCli, startJarvis, tempHome } from '../helpers/jarvis-process';

describe('start-up', () => {
  it('an invalid JARVIS_PORT stops start-up naming the key, value and what is allowed', () => {
    const res = runCli(['serve'], { JARVIS_HOME: tempHome(), JARVIS_PORT: 'abc' });
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/Invalid setting "port" from environment variable JARVIS_PORT: got "abc"; expected/);
  });

  it('an invalid config.json value stops start-up naming the file and key', () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ auditCheckpointEvery: 0 }));
    const res = runCli(['serve'], { JARVIS_HOME: home, JARVIS_PORT: '0' });
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/"auditCheckpointEvery" from .*config\.json: got 0; expected a number >= 1/);
  });

  it('creates the API token file with mode 0600', async () => {
    const j = await startJarvis();
    expect(fs.statSync(path.join(j.home, 'api-token')).mode & 0o777).toBe(0o600);
    await j.stop();
  });

  it('a locked database answers 503 with a clear message, writes nothing, and recovers', async () => {
    const j = await startJarvis({ env: { JARVIS_DB_BUSY_TIMEOUT_MS: '100' } });
    const lock = new Database(path.join(j.home, 'jarvis.db'));
    const before = lock.prepare('SELECT COUNT(*) FROM audit_events').pluck().get();
    lock.prepare('BEGIN IMMEDIATE').run();
    const res = await api(j, '/v1/audit/verify');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'store_unavailable' });
    expect(res.body.error?.message).toMatch(/locked by another process.*Nothing was written/);
    lock.prepare('ROLLBACK').run();
    expect(lock.prepare('SELECT COUNT(*) FROM audit_events').pluck().get()).toBe(before);
    expect((await api(j, '/v1/audit/verify')).status).toBe(200);
    expect((await api(j, '/health', { auth: false })).status).toBe(200);
    lock.close();
    await j.stop();
  });

  it('a second instance on the same port explains the conflict', async () => {
    const j = await startJarvis();
    const res = runCli(['serve'], { JARVIS_HOME: tempHome(), JARVIS_PORT: String(j.port) });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Port \d+ on 127\.0\.0\.1 is already in use/);
    await j.stop();
  });
});
