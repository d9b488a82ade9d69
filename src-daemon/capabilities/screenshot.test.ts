// screenshot: which capture program each OS and display uses, and the PNG checks, with stand-in capture programs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CapabilityContext } from './context';
import { CapabilityFailed } from './errors';
import { capturePlan, pngSize, runScreenshot } from './screenshot';

let dir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-shot-')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of the image')]);
const finder = (present: string[]) => (name: string) => (present.includes(name) ? `/usr/bin/${name}` : null);
const plan = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform, present: string[]) => capturePlan('/p/shot.png', env, platform, finder(present));

/** A stand-in `import` that writes `body` to the file named by its last argument (after "png:"). */
function fakeImport(body: 'png' | 'junk' | 'fail'): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const write = body === 'png' ? `printf '\\211PNG\\r\\n\\032\\nimage' > "$f"` : body === 'junk' ? `echo junk > "$f"` : 'echo "unable to open X server" >&2; exit 1';
  fs.writeFileSync(path.join(bin, 'import'), `#!/bin/sh\nfor a; do f="$a"; done\nf="\${f#png:}"\n${write}\n`, { mode: 0o755 });
  return bin;
}
const ctx = (bin: string, folder = '~/shots'): CapabilityContext => ({
  config: { screenshot: { risk: 'medium', confirm: 'always', confirm_timeout_s: 60, folder } },
  platform: 'linux',
  env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, DISPLAY: ':9' },
  signal: new AbortController().signal,
});
async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('capturePlan', () => {
  it('needs a display on Linux', () => {
    const p = plan({}, 'linux', ['import']);
    expect('error' in p && p.error.code).toBe('no_display');
  });

  it('uses ImageMagick import of the root window on X11, with the format fixed', () => {
    expect(plan({ DISPLAY: ':0' }, 'linux', ['import', 'grim'])).toEqual({ tool: 'import', steps: [{ file: '/usr/bin/import', args: ['-window', 'root', 'png:/p/shot.png'] }], cleanup: [] });
  });

  it('falls back to xwd + convert, cleaning up the raw dump', () => {
    const p = plan({ DISPLAY: ':0' }, 'linux', ['xwd', 'convert']);
    expect(p).toMatchObject({ tool: 'xwd', cleanup: ['/p/shot.png.xwd'] });
    expect('steps' in p && p.steps.map((s) => s.args)).toEqual([
      ['-root', '-silent', '-out', '/p/shot.png.xwd'],
      ['xwd:/p/shot.png.xwd', 'png:/p/shot.png'],
    ]);
  });

  it('prefers grim on Wayland, and says what to install when nothing fits', () => {
    expect(plan({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, 'linux', ['grim', 'import'])).toMatchObject({ tool: 'grim', steps: [{ args: ['-t', 'png', '/p/shot.png'] }] });
    expect(plan({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, 'linux', ['import'])).toMatchObject({ tool: 'import' });
    const none = plan({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', ['import']);
    expect('error' in none && none.error.message).toMatch(/install grim/);
    const x = plan({ DISPLAY: ':0' }, 'linux', []);
    expect('error' in x && x.error.code).toBe('unavailable');
  });

  it('uses screencapture -x on macOS and PowerShell on Windows (path in the environment)', () => {
    expect(plan({}, 'darwin', ['screencapture'])).toMatchObject({ steps: [{ file: '/usr/bin/screencapture', args: ['-x', '-t', 'png', '/p/shot.png'] }] });
    const w = plan({}, 'win32', ['powershell.exe']);
    expect(w).toMatchObject({ tool: 'powershell', steps: [{ env: { JARVIS_SCREENSHOT_PATH: '/p/shot.png' } }] });
    const script = 'steps' in w ? Buffer.from(w.steps[0]?.args.at(-1) ?? '', 'base64').toString('utf16le') : '';
    expect(script).toContain('CopyFromScreen');
    expect(script).not.toContain('/p/shot.png');
    expect('error' in plan({}, 'haiku', [])).toBe(true);
  });
});

describe('runScreenshot', () => {
  it('writes a new jarvis-<timestamp>.png in the folder ("~" expanded, created)', async () => {
    const res = await runScreenshot({}, ctx(fakeImport('png')));
    expect(path.dirname(res.path)).toBe(path.join(dir, 'shots'));
    expect(path.basename(res.path)).toMatch(/^jarvis-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?\.png$/);
    expect(res.bytes).toBe(fs.statSync(res.path).size);
    expect(pngSize(res.path)).toBe(res.bytes);
  });

  it('never overwrites an earlier screenshot taken in the same millisecond', async () => {
    const c = ctx(fakeImport('png'));
    const shots = await Promise.all([runScreenshot({}, c), runScreenshot({}, c), runScreenshot({}, c)]);
    expect(new Set(shots.map((s) => s.path)).size).toBe(3);
  });

  it('removes the file and fails when the program writes no PNG or exits with an error', async () => {
    const junk = await caught(runScreenshot({}, ctx(fakeImport('junk'))));
    expect(junk).toBeInstanceOf(CapabilityFailed);
    expect(junk).toMatchObject({ code: 'program_failed' });
    expect(fs.readdirSync(path.join(dir, 'shots'))).toEqual([]);
    fs.rmSync(path.join(dir, 'bin'), { recursive: true });
    const failed = await caught(runScreenshot({}, ctx(fakeImport('fail'))));
    expect(failed).toMatchObject({ code: 'program_failed' });
    expect((failed as Error).message).toMatch(/unable to open X server/);
    expect(fs.readdirSync(path.join(dir, 'shots'))).toEqual([]);
  });

  it('refuses a relative folder and needs the capability listed', async () => {
    expect(await caught(runScreenshot({}, ctx(fakeImport('png'), 'shots')))).toMatchObject({ code: 'bad_config' });
    expect(await caught(runScreenshot({}, { config: {}, platform: 'linux', env: {}, signal: new AbortController().signal }))).toMatchObject({ code: 'not_whitelisted' });
  });
});

describe('pngSize', () => {
  it('accepts only files that start with the PNG signature and hold more', () => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, PNG);
    expect(pngSize(file)).toBe(PNG.length);
    fs.writeFileSync(file, PNG.subarray(0, 8));
    expect(pngSize(file)).toBeNull();
    fs.writeFileSync(file, 'GIF89a....');
    expect(pngSize(file)).toBeNull();
    expect(pngSize(path.join(dir, 'missing'))).toBeNull();
  });
});
