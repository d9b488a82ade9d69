// file_move in temp folders: moves inside the roots, and refuses every escape (.., symlinks, hard links, devices, FIFOs, swaps).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CapabilitiesFile } from '../protocol';
import type { CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';
import { checkMove } from './file-move-checks';
import { moveFile, runFileMove } from './file-move';

let tmp: string;
let rootA: string;
let rootB: string;
let outside: string;
let roots: string[];
const env = (): NodeJS.ProcessEnv => ({ HOME: tmp });
const never = new AbortController().signal;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-move-')));
  rootA = path.join(tmp, 'a');
  rootB = path.join(tmp, 'b');
  outside = path.join(tmp, 'outside');
  for (const d of [rootA, rootB, outside]) fs.mkdirSync(d);
  roots = [rootA, '~/b'];
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (p: string, body = 'hello'): string => {
  fs.writeFileSync(p, body);
  return p;
};
const move = (from: string, to: string, overwrite = false) => moveFile({ from, to, overwrite }, roots, env(), 'linux', never);

async function refusal(p: Promise<unknown>): Promise<CapabilityRefused> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CapabilityRefused)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}
async function failure(p: Promise<unknown>): Promise<CapabilityFailed> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CapabilityFailed)) throw new Error(`expected a failure, got ${String(err)}`);
  return err;
}

describe('moves inside the roots', () => {
  it('moves a file between roots ("~" expanded), keeping its bytes and removing the source', async () => {
    write(path.join(rootA, 'x.txt'), 'payload');
    const res = await move('~/a/x.txt', path.join(rootB, 'y.txt'));
    expect(res).toEqual({ from: path.join(rootA, 'x.txt'), to: path.join(rootB, 'y.txt'), bytes: 7 });
    expect(fs.readFileSync(path.join(rootB, 'y.txt'), 'utf8')).toBe('payload');
    expect(fs.existsSync(path.join(rootA, 'x.txt'))).toBe(false);
    expect(fs.statSync(path.join(rootB, 'y.txt')).nlink).toBe(1);
    expect(fs.readdirSync(rootB)).toEqual(['y.txt']);
  });

  it('follows a link inside a root that stays inside the roots', async () => {
    fs.mkdirSync(path.join(rootA, 'real'));
    fs.symlinkSync(path.join(rootA, 'real'), path.join(rootA, 'alias'));
    write(path.join(rootA, 'real', 'f'));
    expect((await move(path.join(rootA, 'alias', 'f'), path.join(rootB, 'f'))).from).toBe(path.join(rootA, 'real', 'f'));
  });

  it('refuses an existing target unless overwrite, then replaces it', async () => {
    write(path.join(rootA, 'x'), 'new');
    write(path.join(rootB, 'x'), 'old');
    const err = await failure(move(path.join(rootA, 'x'), path.join(rootB, 'x')));
    expect(err.code).toBe('target_exists');
    expect(err.message).toMatch(/overwrite: true/);
    expect(fs.readFileSync(path.join(rootA, 'x'), 'utf8')).toBe('new');
    await move(path.join(rootA, 'x'), path.join(rootB, 'x'), true);
    expect(fs.readFileSync(path.join(rootB, 'x'), 'utf8')).toBe('new');
    expect(fs.existsSync(path.join(rootA, 'x'))).toBe(false);
  });

  it('needs the capability in capabilities.json', async () => {
    const ctx: CapabilityContext = { config: {} satisfies CapabilitiesFile['capabilities'], platform: 'linux', env: env(), signal: never };
    expect((await refusal(runFileMove({ from: '/a', to: '/b', overwrite: false }, ctx))).code).toBe('not_whitelisted');
  });
});

describe('refuses escapes', () => {
  it('refuses ".." segments outright, even when they would land inside a root', async () => {
    write(path.join(rootA, 'x'));
    const err = await refusal(move(`${rootA}/sub/../x`, path.join(rootB, 'x')));
    expect(err.code).toBe('outside_allow_list');
    expect(err.message).toMatch(/"\.\."/);
    expect(err.message).toContain(rootA);
    expect((await refusal(move(path.join(rootA, 'x'), `${rootB}/../b/x`))).code).toBe('outside_allow_list');
  });

  it('refuses relative paths and paths outside every root, naming the allowed folders', async () => {
    write(path.join(outside, 'x'));
    write(path.join(rootA, 'y'));
    expect((await refusal(move('a/y', path.join(rootB, 'y')))).message).toMatch(/absolute/);
    const err = await refusal(move(path.join(outside, 'x'), path.join(rootB, 'x')));
    expect(err.message).toContain(`Allowed folders: ${rootA}, ${rootB}`);
    await refusal(move(path.join(rootA, 'y'), path.join(outside, 'y')));
    await refusal(move(path.join(rootA, 'y'), rootB));
    expect(fs.existsSync(path.join(rootA, 'y'))).toBe(true);
  });

  it('does not tell whether something outside the roots exists', async () => {
    const a = await refusal(move(path.join(outside, 'missing', 'x'), path.join(rootB, 'x')));
    write(path.join(outside, 'present'));
    const b = await refusal(move(path.join(outside, 'present'), path.join(rootB, 'x')));
    expect(a.code).toBe(b.code);
    expect(a.message.replace('missing/x', 'present')).toBe(b.message);
  });

  it('refuses a folder link inside a root that points outside (source and target)', async () => {
    fs.symlinkSync(outside, path.join(rootA, 'door'));
    write(path.join(outside, 'secret'));
    write(path.join(rootA, 'mine'));
    const err = await refusal(move(path.join(rootA, 'door', 'secret'), path.join(rootB, 'secret')));
    expect(err.message).toContain(`it leads to ${path.join(outside, 'secret')}`);
    await refusal(move(path.join(rootA, 'mine'), path.join(rootA, 'door', 'mine')));
    expect(fs.existsSync(path.join(outside, 'secret'))).toBe(true);
    expect(fs.existsSync(path.join(outside, 'mine'))).toBe(false);
  });

  it('refuses a source that is itself a link, even to a file inside a root', async () => {
    write(path.join(rootA, 'real'));
    fs.symlinkSync(path.join(rootA, 'real'), path.join(rootA, 'link'));
    fs.symlinkSync('/etc/passwd', path.join(rootA, 'passwd'));
    expect((await refusal(move(path.join(rootA, 'link'), path.join(rootB, 'x')))).message).toMatch(/symbolic link/);
    expect((await refusal(move(path.join(rootA, 'passwd'), path.join(rootB, 'x')))).message).toMatch(/symbolic link/);
  });

  it('refuses a target name that is a link, even with overwrite', async () => {
    write(path.join(rootA, 'x'));
    fs.symlinkSync(path.join(outside, 'victim'), path.join(rootB, 'x'));
    expect((await refusal(move(path.join(rootA, 'x'), path.join(rootB, 'x'), true))).message).toMatch(/symbolic link/);
    expect(fs.existsSync(path.join(outside, 'victim'))).toBe(false);
  });

  it('refuses a hard-linked source (it may have a name outside the roots)', async () => {
    write(path.join(outside, 'secret'));
    fs.linkSync(path.join(outside, 'secret'), path.join(rootA, 'secret'));
    const err = await refusal(move(path.join(rootA, 'secret'), path.join(rootB, 'secret')));
    expect(err.message).toMatch(/2 hard links/);
  });

  it('refuses FIFOs, sockets, device files and folders: only regular files move', async () => {
    execFileSync('mkfifo', [path.join(rootA, 'fifo')]);
    expect((await refusal(move(path.join(rootA, 'fifo'), path.join(rootB, 'fifo')))).message).toMatch(/FIFO/);

    const server = net.createServer();
    await new Promise<void>((r) => server.listen(path.join(rootA, 'sock'), r));
    try {
      expect((await refusal(move(path.join(rootA, 'sock'), path.join(rootB, 'sock')))).message).toMatch(/socket/);
    } finally {
      await new Promise((r) => server.close(r));
    }

    const dev = await refusal(moveFile({ from: '/dev/null', to: path.join(rootB, 'null'), overwrite: false }, ['/dev', rootB], env(), 'linux', never));
    expect(dev.message).toMatch(/device file/);

    fs.mkdirSync(path.join(rootA, 'dir'));
    expect((await refusal(move(path.join(rootA, 'dir'), path.join(rootB, 'dir')))).message).toMatch(/a folder/);
  });

  it('refuses NUL characters', async () => {
    expect((await refusal(move(`${rootA}/x\0y`, path.join(rootB, 'x')))).code).toBe('outside_allow_list');
  });
});

describe('failures leave the source intact', () => {
  it('reports a missing source or target folder', async () => {
    expect((await failure(move(path.join(rootA, 'nope'), path.join(rootB, 'x')))).code).toBe('not_found');
    write(path.join(rootA, 'x'));
    expect((await failure(move(path.join(rootA, 'x'), path.join(rootB, 'new', 'x')))).message).toMatch(/create it first/);
    expect(fs.existsSync(path.join(rootA, 'x'))).toBe(true);
  });

  it('refuses when source and target are the same file', async () => {
    write(path.join(rootA, 'x'));
    expect((await failure(move(path.join(rootA, 'x'), path.join(rootA, 'x'), true))).message).toMatch(/same file/);
    expect(fs.readFileSync(path.join(rootA, 'x'), 'utf8')).toBe('hello');
  });

  it('notices a source swapped after the check (a path swapped after signing) and moves nothing', async () => {
    write(path.join(rootA, 'x'), 'checked');
    write(path.join(rootA, 'other'), 'swapped in');
    const swap = (): void => fs.renameSync(path.join(rootA, 'other'), path.join(rootA, 'x'));
    const err = await failure(moveFile({ from: path.join(rootA, 'x'), to: path.join(rootB, 'x'), overwrite: false }, roots, env(), 'linux', never, { afterCheck: swap }));
    expect(err.code).toBe('path_changed');
    expect(fs.readFileSync(path.join(rootA, 'x'), 'utf8')).toBe('swapped in');
    expect(fs.readdirSync(rootB)).toEqual([]);
  });

  it('notices a source swapped for a link to a file outside', async () => {
    write(path.join(rootA, 'x'));
    write(path.join(outside, 'secret'));
    const swap = (): void => {
      fs.rmSync(path.join(rootA, 'x'));
      fs.symlinkSync(path.join(outside, 'secret'), path.join(rootA, 'x'));
    };
    const err = await failure(moveFile({ from: path.join(rootA, 'x'), to: path.join(rootB, 'x'), overwrite: false }, roots, env(), 'linux', never, { afterCheck: swap }));
    expect(err.code).toBe('path_changed');
    expect(fs.existsSync(path.join(outside, 'secret'))).toBe(true);
    expect(fs.readdirSync(rootB)).toEqual([]);
  });

  it('notices the target folder swapped for a link leading outside', async () => {
    fs.mkdirSync(path.join(rootB, 'in'));
    write(path.join(rootA, 'x'));
    const swap = (): void => {
      fs.rmSync(path.join(rootB, 'in'), { recursive: true });
      fs.symlinkSync(outside, path.join(rootB, 'in'));
    };
    const err = await failure(moveFile({ from: path.join(rootA, 'x'), to: path.join(rootB, 'in', 'x'), overwrite: false }, roots, env(), 'linux', never, { afterCheck: swap }));
    expect(err.code).toBe('path_changed');
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.existsSync(path.join(rootA, 'x'))).toBe(true);
  });

  it('refuses a target that appeared after the check, without overwriting it', async () => {
    write(path.join(rootA, 'x'), 'mine');
    const appear = (): void => {
      write(path.join(rootB, 'x'), 'theirs');
    };
    const err = await failure(moveFile({ from: path.join(rootA, 'x'), to: path.join(rootB, 'x'), overwrite: false }, roots, env(), 'linux', never, { afterCheck: appear }));
    expect(err.code).toBe('target_exists');
    expect(fs.readFileSync(path.join(rootB, 'x'), 'utf8')).toBe('theirs');
    expect(fs.readFileSync(path.join(rootA, 'x'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(rootB)).toEqual(['x']);
  });
});

describe('checkMove', () => {
  it('records the identity of the checked source', () => {
    write(path.join(rootA, 'x'), 'abc');
    const st = fs.statSync(path.join(rootA, 'x'), { bigint: true });
    const c = checkMove({ from: path.join(rootA, 'x'), to: path.join(rootB, 'x'), overwrite: false }, roots, env(), 'linux');
    expect(c).toMatchObject({ from: path.join(rootA, 'x'), to: path.join(rootB, 'x'), targetDir: rootB, size: 3, source: { dev: st.dev, ino: st.ino } });
  });

  it('fails when no root exists', () => {
    expect(() => checkMove({ from: '/x', to: '/y', overwrite: false }, [path.join(tmp, 'gone')], env(), 'linux')).toThrow(/None of the allowed folders exists/);
  });
});
