// Pairing the real daemon through the API (owner only, bad input named, a refused code pins nothing) and this install's facts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonPairResult, Integrations, SystemInfo } from '../../src-shared/contract';
import { api, REPO, runCli, runCliAsync, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';

const DAEMON_BIN = path.join(REPO, 'bin', 'jarvis-daemon.cjs');
const daemonHome = tempHome('jarvis-daemon-');
let daemon: ChildProcess;
let daemonUrl = '';
let j: JarvisProcess;
let member = '';

/** Runs `jarvis-daemon pair` and returns the code it printed. */
function freshCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [DAEMON_BIN, 'pair'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => {
      const code = /Pairing code[^\n]*\n\s*(\S+)/.exec(out)?.[1];
      if (code) resolve(code);
      else reject(new Error(`jarvis-daemon pair printed no code:\n${out}`));
    });
  });
}

const post = (body: unknown, token?: string) => ({
  method: 'POST',
  auth: token === undefined,
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  daemon = spawn(process.execPath, [DAEMON_BIN, 'serve'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome, JARVIS_DAEMON_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemonUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${out}`)), 30_000);
    daemon.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  j = await startJarvis();
  const created = runCli(['token', 'create', '--role', 'member'], { JARVIS_HOME: j.home });
  expect(created.code).toBe(0);
  member = created.stdout.trim().split('\n').at(-1) ?? '';
});

afterAll(async () => {
  await j?.stop();
  daemon?.kill('SIGTERM');
});

const daemonState = async () => Integrations.parse((await api(j, '/v1/integrations')).body).daemon;

describe('POST /v1/integrations/daemon/pair', () => {
  it('names each bad field and what was expected, and pins nothing', async () => {
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: 'http://127.0.0.1:1', code: 'short' }));
    expect(res.status).toBe(400);
    const details = res.body.error?.details as { field: string; problem: string }[];
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'url', problem: expect.stringMatching(/ws:\/\/ or wss:\/\//) },
        { field: 'code', problem: expect.stringMatching(/too short/) },
      ]),
    );
    const extra = await api(j, '/v1/integrations/daemon/pair', post({ url: daemonUrl, code: 'a'.repeat(40), name: 'x' }));
    expect(extra.status).toBe(400);
    expect(extra.body.error?.message).toMatch(/name/);
    const missing = await api(j, '/v1/integrations/daemon/pair', post({}));
    expect(missing.body.error?.message).toMatch(/url: is required/);
    expect((await daemonState()).paired).toBe(false);
  });

  it('is for the owner only', async () => {
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: daemonUrl, code: await freshCode() }, member));
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/needs the owner role/);
    expect((await daemonState()).paired).toBe(false);
  });

  it('an address where no daemon listens is refused in words, naming the url', async () => {
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: 'ws://127.0.0.1:9', code: 'b'.repeat(68) }));
    expect(res.status).toBe(422);
    expect(res.body.error?.message).toMatch(/Cannot reach the daemon at ws:\/\/127\.0\.0\.1:9.*Nothing was pinned/);
    expect(res.body.error?.details).toEqual([{ field: 'url', problem: 'no daemon answered at this address' }]);
    expect(await daemonState()).toMatchObject({ paired: false, connected: false });
  });

  it('a wrong code is refused, audited, and leaves no connection behind', async () => {
    await freshCode();
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: daemonUrl, code: 'c'.repeat(68) }));
    expect(res.status).toBe(422);
    expect(res.body.error?.message).toMatch(/Pairing failed: .*does not match.*jarvis-daemon pair/);
    expect(res.body.error?.details).toEqual([{ field: 'code', problem: 'the daemon did not accept this code' }]);
    expect(await daemonState()).toMatchObject({ paired: false, connected: false });
    const audit = await api(j, '/v1/audit?type=daemon.pairing_failed');
    expect((audit.body.events as unknown[]).length).toBe(1);
  });

  it('the code the daemon printed pairs it: the key is pinned and the state says so', async () => {
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: daemonUrl, code: await freshCode() }));
    expect(res.status).toBe(200);
    const result = DaemonPairResult.parse(res.body);
    expect(result.daemon_id).toMatch(/^[0-9a-f]{64}$/);
    expect(result.daemon_key_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.daemon).toMatchObject({ paired: true, connected: true, url: daemonUrl, daemon_id: result.daemon_id });
    expect(await daemonState()).toMatchObject({ paired: true, url: daemonUrl, daemon_id: result.daemon_id });
    const audit = await api(j, `/v1/audit?type=daemon.paired`);
    expect(audit.body.events).toEqual([expect.objectContaining({ subject: result.daemon_id })]);
    // The same as the terminal's view of it. (Asynchronously: a blocked event loop would let pooled sockets go stale.)
    const status = await runCliAsync(['daemon', 'status'], { JARVIS_HOME: j.home });
    expect(JSON.parse(status.stdout)).toMatchObject({ paired: true, daemon_id: result.daemon_id });
  });

  it('a used code cannot pair again, and the existing pairing stays', async () => {
    const before = await daemonState();
    const res = await api(j, '/v1/integrations/daemon/pair', post({ url: daemonUrl, code: 'd'.repeat(68) }));
    expect(res.status).toBe(422);
    expect(await daemonState()).toMatchObject({ paired: true, daemon_id: before.daemon_id });
  });
});

describe('GET /v1/system', () => {
  it('says where the data lives and which version runs, to any signed-in role', async () => {
    const res = await api(j, '/v1/system', { auth: false, headers: { authorization: `Bearer ${member}` } });
    expect(res.status).toBe(200);
    const info = SystemInfo.parse(res.body);
    expect(info.data_folder).toBe(j.home);
    expect(info.database_file).toBe(path.join(j.home, 'jarvis.db'));
    expect(info.version).toBe((await api(j, '/health')).body.version);
    expect(info.runtime.node).toBe(process.versions.node);
    expect((await api(j, '/v1/system', { auth: false })).status).toBe(401);
  });
});
