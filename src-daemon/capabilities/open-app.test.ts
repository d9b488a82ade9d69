// open_app: only apps listed in capabilities.json, started from their argv for this OS, detached.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapabilitiesFile } from '../protocol';
import type { CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';
import { runOpenApp } from './open-app';

type Apps = NonNullable<CapabilitiesFile['capabilities']['open_app']>['apps'];
let dir: string;
beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-open-')));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ctx = (apps: Apps, platform: NodeJS.Platform = 'linux'): CapabilityContext => ({
  config: { open_app: { risk: 'medium', confirm: 'always', confirm_timeout_s: 60, apps } },
  platform,
  env: { PATH: '/usr/bin:/bin', HOME: dir },
  signal: new AbortController().signal,
});
async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('open_app', () => {
  it('starts the listed argv (no shell) and returns its pid', async () => {
    const out = path.join(dir, 'started');
    const res = await runOpenApp({ app: 'writer' }, ctx({ writer: { linux: ['/bin/sh', '-c', 'echo "$0" > "$1"', '$(id)', out] } }));
    expect(res.pid).toBeGreaterThan(0);
    for (let i = 0; i < 50 && !fs.existsSync(out); i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(fs.readFileSync(out, 'utf8')).toBe('$(id)\n');
  });

  it('refuses an app that is not listed, naming the allowed ones', async () => {
    const err = await caught(runOpenApp({ app: 'terminal' }, ctx({ calculator: { linux: ['true'] }, editor: { linux: ['true'] } })));
    expect(err).toBeInstanceOf(CapabilityRefused);
    expect(err).toMatchObject({ code: 'outside_allow_list', message: '"terminal" is not an allowed app. Allowed: "calculator", "editor".' });
  });

  it('refuses names that only Object.prototype has', async () => {
    for (const app of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(await caught(runOpenApp({ app }, ctx({ calculator: { linux: ['true'] } })))).toMatchObject({ code: 'outside_allow_list' });
    }
  });

  it('uses the command for this OS only', async () => {
    const apps: Apps = { calc: { darwin: ['open', '-a', 'Calculator'] } };
    const err = await caught(runOpenApp({ app: 'calc' }, ctx(apps, 'linux')));
    expect(err).toBeInstanceOf(CapabilityFailed);
    expect(err).toMatchObject({ code: 'bad_config' });
    expect((err as Error).message).toMatch(/no launch command for linux/);
    expect(await caught(runOpenApp({ app: 'calc' }, ctx({ calc: { linux: ['true'] } }, 'sunos')))).toMatchObject({ code: 'bad_config' });
  });

  it('reports a program that does not exist', async () => {
    expect(await caught(runOpenApp({ app: 'ghost' }, ctx({ ghost: { linux: [path.join(dir, 'no-such-app')] } })))).toMatchObject({ code: 'spawn_failed' });
  });

  it('is refused when capabilities.json does not list it', async () => {
    const c: CapabilityContext = { config: {}, platform: 'linux', env: {}, signal: new AbortController().signal };
    expect(await caught(runOpenApp({ app: 'x' }, c))).toMatchObject({ code: 'not_whitelisted' });
  });
});
