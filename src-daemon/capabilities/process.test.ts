// runProcess: argv without a shell, deadline and output cap that kill the whole process group, and program lookup on PATH.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgram, runProcess } from './process';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-process-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 10_000, maxOutputBytes: 64 * 1024 };
/** Running (a killed process whose parent is gone may stay a zombie until init reaps it; that counts as dead). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

describe('runProcess', () => {
  it('passes arguments as argv, never through a shell', async () => {
    const res = await runProcess({ ...base, file: '/bin/echo', args: ['$(id)', '; rm -rf /', '`x`'] });
    expect(res).toMatchObject({ code: 0, stdout: '$(id) ; rm -rf / `x`\n', timedOut: false, truncated: false, spawnError: null });
  });

  it('kills the process and what it started when the deadline passes', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const started = Date.now();
    const res = await runProcess({ ...base, file: '/bin/sh', args: ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], timeoutMs: 300 });
    expect(res.timedOut).toBe(true);
    expect(res.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it('stops at the output cap, keeping what came before', async () => {
    const res = await runProcess({ ...base, file: '/bin/sh', args: ['-c', 'yes hello'], maxOutputBytes: 1000 });
    expect(res.truncated).toBe(true);
    expect(res.stdout.length).toBe(1000);
    expect(res.stdout.startsWith('hello\nhello\n')).toBe(true);
  });

  it('kills on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const res = await runProcess({ ...base, file: '/bin/sleep', args: ['60'], signal: ac.signal });
    expect(res.aborted).toBe(true);
  });

  it('reports a program that cannot start instead of throwing', async () => {
    const res = await runProcess({ ...base, file: path.join(dir, 'missing'), args: [] });
    expect(res.spawnError).toMatch(/ENOENT/);
  });

  it('does not wait for a background process that keeps the pipes open', async () => {
    const started = Date.now();
    const res = await runProcess({ ...base, file: '/bin/sh', args: ['-c', 'sleep 30 & echo done'] });
    expect(res).toMatchObject({ code: 0, stdout: 'done\n' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('findProgram', () => {
  it('finds executables on PATH and ignores non-executable files and relative entries', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'plain'), 'x', { mode: 0o644 });
    expect(findProgram('tool', { PATH: `relative:${bin}` }, 'linux')).toBe(path.join(bin, 'tool'));
    expect(findProgram('plain', { PATH: bin }, 'linux')).toBeNull();
    expect(findProgram('tool', { PATH: 'relative' }, 'linux')).toBeNull();
    expect(findProgram('tool', {}, 'linux')).toBeNull();
    expect(findProgram(path.join(bin, 'tool'), {}, 'linux')).toBe(path.join(bin, 'tool'));
    expect(findProgram('./tool', { PATH: bin }, 'linux')).toBeNull();
  });
});
