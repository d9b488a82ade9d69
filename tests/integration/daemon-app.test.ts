// The app and the daemon as two real processes: pairing through both CLIs, then a goal that reaches the OS only through a signed command.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, runCliAsync, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startXvfb, type Display } from '../helpers/xvfb';

let x: Display;
const HELLO_TITLE = 'jarvis-hello-window';
const HELLO = fs.existsSync('/usr/bin/xmessage') ? ['xmessage', '-title', HELLO_TITLE, 'hello'] : ['zenity', '--info', '--title', HELLO_TITLE, '--text', 'hello'];
let daemon: ChildProcess;
let daemonUrl = '';
let j: JarvisProcess;
const daemonHome = tempHome('jarvis-daemon-');
const shots = tempHome('jarvis-shots-');

beforeAll(async () => {
  x = await startXvfb();
  fs.writeFileSync(
    path.join(daemonHome, 'capabilities.json'),
    JSON.stringify({
      version: 1,
      capabilities: {
        screenshot: { risk: 'medium', confirm: 'never', folder: shots },
        noop: { risk: 'none', confirm: 'never' },
        // The app asks the daemon's dialog every time: a person must answer it on the daemon's screen.
        open_app: { risk: 'medium', confirm: 'always', confirm_timeout_s: 5, apps: { hello: { linux: [...HELLO] } } },
      },
    }),
  );
  daemon = spawn(process.execPath, [path.join(REPO, 'bin', 'jarvis-daemon.cjs'), 'serve'], {
    env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome, JARVIS_DAEMON_PORT: '0', DISPLAY: x.display },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
});

afterAll(async () => {
  await j?.stop();
  daemon?.kill('SIGTERM');
  await x?.stop();
});

describe('app ↔ daemon', () => {
  it('pairs the two real processes, then "take a screenshot" runs through the gate and a signed command', async () => {
    const printed = await new Promise<string>((resolve) => {
      const p = spawn(process.execPath, [path.join(REPO, 'bin', 'jarvis-daemon.cjs'), 'pair'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome } });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', () => resolve(out));
    });
    const pairingCode = /Pairing code[^\n]*\n\s*(\S+)/.exec(printed)?.[1] ?? '';
    expect(pairingCode.length).toBeGreaterThan(20);
    const paired = await runCliAsync(['daemon', 'pair', daemonUrl, pairingCode], { JARVIS_HOME: j.home });
    expect(paired.stderr).toBe('');
    expect(paired.stdout).toMatch(/Paired with daemon [0-9a-f]{64}/);

    const sent = await api(j, '/v1/events?wait=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'api', payload: { text: 'take a screenshot' } }) });
    expect(sent.body).toMatchObject({ status: 'done' });
    const file = /Screenshot saved to (\S+)\.$/.exec(String(sent.body.reply))?.[1] ?? '';
    expect(path.dirname(file)).toBe(fs.realpathSync(shots));
    expect(fs.readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);

    const trail = await api(j, `/v1/audit?trace_id=${sent.body.trace_id as string}&limit=100`);
    const types = (trail.body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['gate.delegated_to_daemon', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent']));
    const integrations = await api(j, '/v1/integrations');
    expect(integrations.body).toMatchObject({ daemon: { paired: true, connected: true, url: daemonUrl } });
  });

  it('a wrong pairing code is refused and nothing is pinned', async () => {
    const other = await startJarvis();
    try {
      const res = await runCliAsync(['daemon', 'pair', daemonUrl, 'x'.repeat(40)], { JARVIS_HOME: other.home });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/Pairing failed/);
      expect((await api(other, '/v1/integrations')).body).toMatchObject({ daemon: { paired: false } });
    } finally {
      await other.stop();
    }
  });
});

const exec = promisify(execFile);
const xenv = () => ({ ...process.env, DISPLAY: x.display });

/** Visible windows whose name matches, waiting up to `ms` for one to appear. */
async function windows(name: string, ms: number): Promise<string[]> {
  try {
    const { stdout } = await exec('xdotool', ['search', '--sync', '--onlyvisible', '--name', name], { env: xenv(), timeout: ms });
    return stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function answerDialog(key: 'Return' | 'Escape'): Promise<void> {
  const [id] = await windows('Jarvis', 20_000);
  if (!id) throw new Error('no confirmation dialog appeared');
  await exec('xdotool', ['windowfocus', '--sync', id], { env: xenv(), timeout: 10_000 });
  await exec('xdotool', ['key', key], { env: xenv(), timeout: 10_000 });
}

const openHello = () => api(j, '/v1/events?wait=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'api', payload: { text: 'open hello' } }) });

describe('open_app confirmed on the daemon\'s screen (zenity on Xvfb, answered by xdotool)', () => {
  it('Allow → the app\'s window exists', async () => {
    const sent = openHello();
    await answerDialog('Return');
    expect((await sent).body).toMatchObject({ status: 'done', reply: 'Opened hello.' });
    const [win] = await windows(HELLO_TITLE, 20_000);
    expect(win).toBeDefined();
    await exec('xdotool', ['windowkill', win ?? ''], { env: xenv() }).catch(() => undefined);
  });

  it('Deny → nothing starts', async () => {
    const sent = openHello();
    await answerDialog('Escape');
    const res = await sent;
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(String(res.body.reply)).toMatch(/could not open hello/);
    expect(await windows(HELLO_TITLE, 1500)).toEqual([]);
  });

  it('no answer → denied when the dialog times out', async () => {
    const res = await openHello();
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(String(res.body.reply)).toMatch(/confirm|time/i);
    expect(await windows(HELLO_TITLE, 1500)).toEqual([]);
  });
});
