// run_script: pinned by sha256 and re-hashed every run, argv only, declared arguments, scrubbed environment, deadline and output cap.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPABILITY_ARGS, type CapabilitiesFile } from '../protocol';
import type { CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';
import { checkScriptArgs, runRunScript } from './run-script';

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-script-')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

type RunScriptEntry = NonNullable<CapabilitiesFile['capabilities']['run_script']>;

function script(name: string, body: string): { path: string; sha256: string } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { path: file, sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

function ctx(scripts: RunScriptEntry['scripts'], over: Partial<RunScriptEntry> = {}, signal = new AbortController().signal): CapabilityContext {
  return {
    config: { run_script: { risk: 'high', confirm: 'always', confirm_timeout_s: 60, timeout_s: 10, max_output_bytes: 1024 * 1024, scripts, ...over } },
    platform: 'linux',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/someone', SECRET_TOKEN: 'do-not-leak', DISPLAY: ':0' },
    signal,
  };
}
const args = (script_id: string, a: string[] = []) => CAPABILITY_ARGS.run_script.parse({ script_id, args: a });
async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('run_script', () => {
  it('runs a pinned script with its arguments as argv and returns its output', async () => {
    const s = script('greet.sh', 'printf "%s|" "$@"; echo; echo oops >&2; exit 3');
    const res = await runRunScript(args('greet', ['a b', '$(id)', '; echo no']), ctx({ greet: { ...s, args: ['x', 'y', 'z'] } }));
    expect(res).toEqual({ exit_code: 3, signal: null, stdout: 'a b|$(id)|; echo no|\n', stderr: 'oops\n', truncated: false });
  });

  it('gives the script PATH and nothing else of the daemon\'s environment', async () => {
    const s = script('env.sh', 'echo "HOME=$HOME SECRET=$SECRET_TOKEN DISPLAY=$DISPLAY PATH_SET=${PATH:+yes}"');
    const res = await runRunScript(args('env'), ctx({ env: { ...s, args: [] } }));
    expect(res.stdout).toBe('HOME= SECRET= DISPLAY= PATH_SET=yes\n');
  });

  it('runs in the script\'s own folder', async () => {
    const s = script('pwd.sh', 'pwd');
    expect((await runRunScript(args('pwd'), ctx({ pwd: { ...s, args: [] } }))).stdout).toBe(`${dir}\n`);
  });

  it('refuses a script changed after it was pinned, before running any of it', async () => {
    const marker = path.join(dir, 'ran');
    const s = script('pinned.sh', `touch ${marker}`);
    const c = ctx({ pinned: { ...s, args: [] } });
    await runRunScript(args('pinned'), c);
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);

    const bytes = fs.readFileSync(s.path);
    bytes[bytes.length - 1] = 0x20; // one byte: the final newline becomes a space
    fs.writeFileSync(s.path, bytes);
    const err = await caught(runRunScript(args('pinned'), c));
    expect(err).toBeInstanceOf(CapabilityFailed);
    expect(err).toMatchObject({ code: 'script_changed' });
    expect((err as Error).message).toMatch(/changed after it was pinned/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('re-hashes what a link leads to, so swapping the link target is caught', async () => {
    const good = script('good.sh', 'echo good');
    script('evil.sh', 'echo evil');
    const link = path.join(dir, 'current.sh');
    fs.symlinkSync(good.path, link);
    const c = ctx({ cur: { path: link, sha256: good.sha256, args: [] } });
    expect((await runRunScript(args('cur'), c)).stdout).toBe('good\n');
    fs.rmSync(link);
    fs.symlinkSync(path.join(dir, 'evil.sh'), link);
    expect(await caught(runRunScript(args('cur'), c))).toMatchObject({ code: 'script_changed' });
  });

  it('refuses ids that are not pinned, including names Object.prototype has', async () => {
    const s = script('a.sh', 'true');
    for (const id of ['other', 'constructor', 'tostring', '__proto__']) {
      const err = await caught(runRunScript(args(id), ctx({ a: { ...s, args: [] } })));
      expect(err).toBeInstanceOf(CapabilityRefused);
      expect(err).toMatchObject({ code: 'outside_allow_list' });
      expect((err as Error).message).toContain('Allowed: "a"');
    }
  });

  it('refuses more arguments than declared, and NUL characters', async () => {
    const s = script('one.sh', 'true');
    const c = ctx({ one: { ...s, args: ['name'] } });
    const tooMany = await caught(runRunScript(args('one', ['a', 'b']), c));
    expect(tooMany).toMatchObject({ code: 'args_mismatch' });
    expect((tooMany as Error).message).toMatch(/at most 1 argument\(s\) \(name\); got 2/);
    expect(await caught(runRunScript(args('one', ['a\0b']), c))).toMatchObject({ code: 'args_mismatch' });
    expect(() => checkScriptArgs('one', [42 as unknown as string], ['n'])).toThrow(/must be a string/);
  });

  it('kills a script that runs past its timeout', async () => {
    const s = script('slow.sh', 'sleep 30');
    const started = Date.now();
    const err = await caught(runRunScript(args('slow'), ctx({ slow: { ...s, args: [] } }, { timeout_s: 1 })));
    expect(err).toMatchObject({ code: 'timed_out' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops a script at the output cap and says so', async () => {
    const s = script('loud.sh', 'yes loud');
    const res = await runRunScript(args('loud'), ctx({ loud: { ...s, args: [] } }, { max_output_bytes: 1024 }));
    expect(res.truncated).toBe(true);
    expect(res.stdout.length).toBe(1024);
    expect(res.signal).toBe('SIGKILL');
    expect(res.exit_code).toBe(137);
  });

  it('reports a missing file, a relative path and a file that cannot be executed', async () => {
    const s = script('x.sh', 'true');
    expect(await caught(runRunScript(args('gone'), ctx({ gone: { path: path.join(dir, 'gone.sh'), sha256: s.sha256, args: [] } })))).toMatchObject({ code: 'not_found' });
    expect(await caught(runRunScript(args('rel'), ctx({ rel: { path: 'x.sh', sha256: s.sha256, args: [] } })))).toMatchObject({ code: 'bad_config' });
    fs.chmodSync(s.path, 0o644);
    expect(await caught(runRunScript(args('x'), ctx({ x: { ...s, args: [] } })))).toMatchObject({ code: 'spawn_failed' });
  });

  it('stops when the command is cancelled', async () => {
    const s = script('wait.sh', 'sleep 30');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await caught(runRunScript(args('wait'), ctx({ wait: { ...s, args: [] } }, {}, ac.signal)))).toMatchObject({ code: 'aborted' });
  });

  it('is refused when capabilities.json does not list it', async () => {
    const c: CapabilityContext = { config: {}, platform: 'linux', env: {}, signal: new AbortController().signal };
    expect(await caught(runRunScript(args('x'), c))).toMatchObject({ code: 'not_whitelisted' });
  });
});
