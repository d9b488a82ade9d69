// The daemon's confirmation dialog and OS capabilities against real parts: an Xvfb display, zenity answered by xdotool, ImageMagick, real files.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITY_RUNNERS, CapabilityFailed, CapabilityRefused, loadCapabilities, type CapabilityContext } from '../../src-daemon/capabilities';
import { findProgram } from '../../src-daemon/capabilities/process';
import { confirm, needsConfirmation, type ConfirmRequest } from '../../src-daemon/confirm';
import { CAPABILITY_ARGS, type CapabilityId } from '../../src-daemon/protocol';

const run = promisify(execFile);

let xvfb: ChildProcess | undefined;
let display = '';
let tmp: string;
let shm: string;
let ctx: CapabilityContext;
const apps: ChildProcess[] = [];
const appTitle = `jarvis-open-app-${crypto.randomBytes(4).toString('hex')}`;

/** Env for programs on the test display: the test's own, with Wayland removed so X11 is what gets used. */
function xEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display, NO_AT_BRIDGE: '1' };
  delete env.WAYLAND_DISPLAY;
  return env;
}

/** Starts Xvfb on the first free display number, waiting for its socket; a number another server took is skipped. */
async function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  const first = 100 + (process.pid % 200);
  for (let n = first; n < first + 50; n += 1) {
    if (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', () => (exited = true));
    for (let i = 0; i < 100 && !exited; i += 1) {
      if (fs.existsSync(`/tmp/.X11-unix/X${n}`)) return { child, display: `:${n}` };
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
  }
  throw new Error('Could not start Xvfb on any display number; is the xvfb package installed?');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/** Window ids whose name matches, waiting until one is shown (xdotool --sync), or [] after the deadline. */
async function findWindows(name: string, timeoutMs = 15_000): Promise<string[]> {
  try {
    const { stdout } = await run('xdotool', ['search', '--sync', '--onlyvisible', '--name', name], { env: xEnv(), timeout: timeoutMs });
    return stdout.split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Whether a window with this name is shown right now (no waiting). */
async function windowShown(name: string): Promise<boolean> {
  try {
    const { stdout } = await run('xdotool', ['search', '--onlyvisible', '--name', name], { env: xEnv(), timeout: 5000 });
    return stdout.trim() !== '';
  } catch {
    return false;
  }
}

/** Answers the open confirmation dialog by keyboard, as a person would. */
async function answerDialog(key: 'Return' | 'Escape'): Promise<string> {
  const [id] = await findWindows('Jarvis: confirm');
  if (id === undefined) throw new Error('no confirmation dialog appeared');
  const { stdout: title } = await run('xdotool', ['getwindowname', id], { env: xEnv() });
  await run('xdotool', ['windowfocus', '--sync', id], { env: xEnv(), timeout: 10_000 });
  await run('xdotool', ['key', key], { env: xEnv(), timeout: 10_000 });
  return title.trim();
}

function runCap<K extends CapabilityId>(id: K, args: unknown): Promise<Record<string, unknown>> {
  return CAPABILITY_RUNNERS[id](CAPABILITY_ARGS[id].parse(args) as Parameters<(typeof CAPABILITY_RUNNERS)[K]>[0], ctx);
}
async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}
const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A folder on another file system than the temp folder, so a move must copy (EXDEV). */
function otherDeviceFolder(): string {
  const tmpDev = fs.statSync(os.tmpdir()).dev;
  for (const candidate of ['/dev/shm', `/run/user/${process.getuid?.() ?? 0}`]) {
    try {
      if (fs.statSync(candidate).dev !== tmpDev) {
        return fs.mkdtempSync(path.join(candidate, 'jarvis-move-'));
      }
    } catch {
      // Not here; try the next one.
    }
  }
  throw new Error(`Cross-device moves need a writable folder on another file system than ${os.tmpdir()} (tried /dev/shm).`);
}

beforeAll(async () => {
  ({ child: xvfb, display } = await startXvfb());
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-caps-')));
  shm = fs.realpathSync(otherDeviceFolder());
  for (const d of ['home', 'home/Downloads', 'home/Documents', 'outside', 'scripts', 'daemon']) fs.mkdirSync(path.join(tmp, d));
  fs.writeFileSync(path.join(tmp, 'scripts', 'hello.sh'), '#!/bin/sh\necho "hello $1"\n', { mode: 0o755 });

  // xmessage (x11-utils) is the plain X program to open; zenity stands in where it is missing.
  const hello = findProgram('xmessage', process.env) ? ['xmessage', '-title', appTitle, 'hello'] : ['zenity', '--info', '--title', appTitle, '--text', 'hello'];
  const whitelist = {
    version: 1,
    capabilities: {
      noop: { risk: 'none', confirm: 'never' },
      open_app: { risk: 'medium', confirm: 'always', apps: { hello: { linux: hello } } },
      screenshot: { risk: 'medium', confirm: 'always', folder: '~/Pictures/Jarvis' },
      file_move: { risk: 'medium', confirm: { min_risk: 'medium' }, roots: ['~/Downloads', '~/Documents', shm, '/dev'] },
      run_script: { risk: 'high', confirm: 'always', timeout_s: 10, scripts: { hello: { path: path.join(tmp, 'scripts', 'hello.sh'), sha256: sha256(path.join(tmp, 'scripts', 'hello.sh')), args: ['name'] } } },
    },
  };
  fs.writeFileSync(path.join(tmp, 'daemon', 'capabilities.json'), JSON.stringify(whitelist, null, 2));
  const caps = loadCapabilities(path.join(__dirname, '..', '..', 'capabilities.json'), path.join(tmp, 'daemon'));
  ctx = { config: caps.capabilities, platform: process.platform, env: { ...xEnv(), HOME: path.join(tmp, 'home') }, signal: new AbortController().signal };
});

afterAll(async () => {
  for (const app of apps) await stopProcess(app).catch(() => undefined);
  if (xvfb) await stopProcess(xvfb);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  if (shm) fs.rmSync(shm, { recursive: true, force: true });
});

describe('native confirmation (zenity on Xvfb, answered with xdotool)', () => {
  const req = (timeoutS: number): ConfirmRequest => ({
    capability: 'file_move',
    args: { from: '~/Downloads/report.pdf', to: '~/Documents/report.pdf', overwrite: false },
    app: 'Jarvis on this laptop',
    risk: 'medium',
    reason: 'filing the report',
    timeoutS,
  });

  it('asks for capabilities whose policy says so', () => {
    expect(needsConfirmation(ctx.config.file_move?.confirm ?? 'always', 'medium')).toBe(true);
    expect(needsConfirmation(ctx.config.noop?.confirm ?? 'always', 'none')).toBe(false);
  });

  it('answers yes when the person presses Return (Allow)', async () => {
    const answer = confirm(req(30), xEnv(), 'linux');
    expect(await answerDialog('Return')).toBe('Jarvis: confirm file_move');
    expect(await answer).toBe('yes');
  });

  it('answers no when the person presses Escape', async () => {
    const answer = confirm(req(30), xEnv(), 'linux');
    await answerDialog('Escape');
    expect(await answer).toBe('no');
  });

  it('answers timeout when nobody answers, and the dialog is gone', async () => {
    const started = Date.now();
    const answer = confirm(req(5), xEnv(), 'linux');
    expect(await findWindows('Jarvis: confirm')).not.toEqual([]);
    expect(await answer).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    expect(await windowShown('Jarvis: confirm')).toBe(false);
  });

  it('answers no_display without DISPLAY or WAYLAND_DISPLAY', async () => {
    const env = xEnv();
    delete env.DISPLAY;
    expect(await confirm(req(30), env, 'linux')).toBe('no_display');
  });
});

describe('open_app', () => {
  it('opens the allow-listed X program: its window really appears, then is closed', async () => {
    const out = await runCap('open_app', { app: 'hello' });
    const pid = out.pid as number;
    expect(pid).toBeGreaterThan(0);
    expect(await findWindows(appTitle)).not.toEqual([]);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && (await windowShown(appTitle)); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await windowShown(appTitle)).toBe(false);
  });

  it('refuses an app that is not listed', async () => {
    expect(await caught(runCap('open_app', { app: 'terminal' }))).toBeInstanceOf(CapabilityRefused);
  });
});

describe('screenshot', () => {
  it('writes a real PNG of the whole Xvfb screen', async () => {
    const out = await runCap('screenshot', {});
    const file = out.path as string;
    expect(path.dirname(file)).toBe(path.join(tmp, 'home', 'Pictures', 'Jarvis'));
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(out.bytes).toBe(png.length);
    expect(png.length).toBeGreaterThan(0);
    // IHDR: the image is the screen's size.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 768]);
  });
});

describe('file_move', () => {
  const home = (...p: string[]): string => path.join(tmp, 'home', ...p);

  it('moves a file between roots on one device', async () => {
    fs.writeFileSync(home('Downloads', 'a.txt'), 'alpha');
    expect(await runCap('file_move', { from: '~/Downloads/a.txt', to: '~/Documents/a.txt' })).toEqual({ from: home('Downloads', 'a.txt'), to: home('Documents', 'a.txt'), bytes: 5 });
    expect(fs.readFileSync(home('Documents', 'a.txt'), 'utf8')).toBe('alpha');
    expect(fs.existsSync(home('Downloads', 'a.txt'))).toBe(false);
  });

  it('moves across devices by a verified copy, keeping the mode and leaving no scratch file', async () => {
    const body = crypto.randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(home('Downloads', 'big.bin'), body, { mode: 0o640 });
    fs.chmodSync(home('Downloads', 'big.bin'), 0o640);
    expect(fs.statSync(home('Downloads')).dev).not.toBe(fs.statSync(shm).dev);
    const out = await runCap('file_move', { from: home('Downloads', 'big.bin'), to: path.join(shm, 'big.bin') });
    expect(out).toEqual({ from: home('Downloads', 'big.bin'), to: path.join(shm, 'big.bin'), bytes: body.length });
    expect(fs.readFileSync(path.join(shm, 'big.bin')).equals(body)).toBe(true);
    expect(fs.statSync(path.join(shm, 'big.bin')).mode & 0o777).toBe(0o640);
    expect(fs.existsSync(home('Downloads', 'big.bin'))).toBe(false);
    expect(fs.readdirSync(shm)).toEqual(['big.bin']);
  });

  it('refuses an existing target across devices, leaving both files as they were', async () => {
    fs.writeFileSync(home('Downloads', 'c.txt'), 'new');
    fs.writeFileSync(path.join(shm, 'c.txt'), 'old');
    expect(await caught(runCap('file_move', { from: home('Downloads', 'c.txt'), to: path.join(shm, 'c.txt') }))).toMatchObject({ code: 'target_exists' });
    expect(fs.readFileSync(path.join(shm, 'c.txt'), 'utf8')).toBe('old');
    expect(fs.readFileSync(home('Downloads', 'c.txt'), 'utf8')).toBe('new');
  });

  it('refuses each escape, and nothing moves', async () => {
    const outside = path.join(tmp, 'outside');
    fs.writeFileSync(path.join(outside, 'secret'), 'secret');
    fs.writeFileSync(home('Downloads', 'mine'), 'mine');
    fs.symlinkSync(outside, home('Downloads', 'door'));
    fs.symlinkSync(path.join(outside, 'secret'), home('Downloads', 'secret-link'));
    fs.linkSync(path.join(outside, 'secret'), home('Downloads', 'secret-hardlink'));
    const escapes: Array<[string, { from: string; to: string }]> = [
      ['a ".." segment', { from: '~/Downloads/../outside/secret', to: '~/Documents/x' }],
      ['a source outside the roots', { from: path.join(outside, 'secret'), to: '~/Documents/x' }],
      ['a target outside the roots', { from: '~/Downloads/mine', to: path.join(outside, 'mine') }],
      ['a folder link pointing out', { from: '~/Downloads/door/secret', to: '~/Documents/x' }],
      ['a target through a folder link', { from: '~/Downloads/mine', to: '~/Downloads/door/mine' }],
      ['a source that is a link', { from: '~/Downloads/secret-link', to: '~/Documents/x' }],
      ['a hard-linked source', { from: '~/Downloads/secret-hardlink', to: '~/Documents/x' }],
      ['a device file', { from: '/dev/null', to: '~/Documents/null' }],
    ];
    for (const [label, args] of escapes) {
      const err = await caught(runCap('file_move', args));
      expect(err, label).toBeInstanceOf(CapabilityRefused);
      expect(err, label).toMatchObject({ code: 'outside_allow_list' });
    }
    expect(fs.readdirSync(outside)).toEqual(['secret']);
    expect(fs.readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('secret');
    expect(fs.existsSync(home('Documents', 'x'))).toBe(false);
    expect(fs.readFileSync(home('Downloads', 'mine'), 'utf8')).toBe('mine');
  });
});

describe('run_script', () => {
  it('runs the pinned script, then refuses it once a byte has changed', async () => {
    expect(await runCap('run_script', { script_id: 'hello', args: ['world'] })).toEqual({ exit_code: 0, signal: null, stdout: 'hello world\n', stderr: '', truncated: false });
    const file = path.join(tmp, 'scripts', 'hello.sh');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('hello', 'jello'));
    const err = await caught(runCap('run_script', { script_id: 'hello', args: ['world'] }));
    expect(err).toBeInstanceOf(CapabilityFailed);
    expect(err).toMatchObject({ code: 'script_changed' });
  });

  it('refuses scripts that are not pinned and arguments beyond the declared ones', async () => {
    expect(await caught(runCap('run_script', { script_id: 'rm-rf' }))).toMatchObject({ code: 'outside_allow_list' });
    expect(await caught(runCap('run_script', { script_id: 'hello', args: ['a', 'b'] }))).toMatchObject({ code: 'args_mismatch' });
  });
});

describe('noop', () => {
  it('does nothing and says ok', async () => {
    expect(await runCap('noop', {})).toEqual({ ok: true });
  });
});
