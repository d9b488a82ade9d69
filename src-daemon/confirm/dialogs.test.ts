// Dialog plans per OS, exit-code meanings, and confirm() end to end against stand-in dialog programs (argv only, killed when hung).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessResult } from '../capabilities/process';
import { dialogFor, kdialogAnswer, osascriptAnswer, powershellAnswer, runDialog, zenityAnswer, type DialogPlan } from './dialogs';
import { confirm } from './index';
import type { ConfirmRequest } from './types';

let dir: string;
let zenityOnly: string;
let kdialogOnly: string;
let empty: string;

/** A stand-in program that records its argv (NUL-separated) and exits as told. */
function fakeProgram(bin: string, name: string, body = 'exit "${FAKE_EXIT:-0}"'): void {
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\0' "$@" > "$ARGV_FILE"\n${body}\n`, { mode: 0o755 });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-dialogs-'));
  zenityOnly = path.join(dir, 'zenity-bin');
  kdialogOnly = path.join(dir, 'kdialog-bin');
  empty = path.join(dir, 'empty-bin');
  fakeProgram(zenityOnly, 'zenity');
  fakeProgram(kdialogOnly, 'kdialog');
  fs.mkdirSync(empty);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const input = { title: 'Jarvis: confirm noop', text: 'Jarvis asks…\n{\n  "x": "$(touch pwned)"\n}', timeoutS: 30 };
const req: ConfirmRequest = { capability: 'noop', args: { x: '$(touch pwned); `id` > out' }, app: 'laptop', risk: 'low', reason: null, timeoutS: 30 };
const result = (over: Partial<ProcessResult>): ProcessResult => ({ code: 0, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false, spawnError: null, ...over });
const plan = (p: DialogPlan | string): DialogPlan => {
  if (typeof p === 'string') throw new Error(`expected a dialog plan, got ${p}`);
  return p;
};
const argvOf = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\0').slice(0, -1);

describe('dialogFor', () => {
  it('answers no_display on Linux without DISPLAY or WAYLAND_DISPLAY, before looking for programs', () => {
    expect(dialogFor(input, { PATH: zenityOnly }, 'linux')).toBe('no_display');
    expect(dialogFor(input, { PATH: zenityOnly, DISPLAY: '' }, 'freebsd')).toBe('no_display');
  });

  it('uses zenity with the text as one argument, plain (no markup), Allow/Deny and its own timeout', () => {
    const p = plan(dialogFor(input, { PATH: zenityOnly, DISPLAY: ':9' }, 'linux'));
    expect(p.file).toBe(path.join(zenityOnly, 'zenity'));
    expect(p.args).toEqual(['--question', '--no-markup', '--title', input.title, '--text', input.text, '--timeout', '30', '--ok-label', 'Allow', '--cancel-label', 'Deny', '--width', '560']);
    expect(p.killAfterMs).toBe(35_000);
  });

  it('works on Wayland alone, falls back to kdialog, and is unavailable with neither', () => {
    expect(plan(dialogFor(input, { PATH: zenityOnly, WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).program).toBe('zenity');
    const k = plan(dialogFor(input, { PATH: kdialogOnly, DISPLAY: ':9' }, 'linux'));
    expect(k.args).toEqual(['--title', input.title, '--yes-label', 'Allow', '--no-label', 'Deny', '--yesno', input.text]);
    expect(k.killAfterMs).toBe(30_000);
    expect(dialogFor(input, { PATH: empty, DISPLAY: ':9' }, 'linux')).toBe('unavailable');
  });

  it('passes text and title to osascript as arguments, not inside the script', () => {
    const p = plan(dialogFor(input, { PATH: empty }, 'darwin'));
    const script = p.args.filter((_, i) => p.args[i - 1] === '-e').join('\n');
    expect(script).toContain('display dialog (item 1 of argv) with title (item 2 of argv)');
    expect(script).toContain('giving up after');
    expect(script).not.toContain('touch');
    expect(p.args.slice(-3)).toEqual([input.text, input.title, '30']);
  });

  it('hands PowerShell the text through the environment, and is unavailable without PowerShell', () => {
    fakeProgram(path.join(dir, 'win'), 'powershell.exe');
    const p = plan(dialogFor(input, { PATH: path.join(dir, 'win') }, 'win32'));
    expect(p.env.JARVIS_CONFIRM_TEXT).toBe(input.text);
    expect(p.env.JARVIS_CONFIRM_TITLE).toBe(input.title);
    const script = Buffer.from(p.args.at(-1) ?? '', 'base64').toString('utf16le');
    expect(script).toContain('MessageBox]::Show');
    expect(script).not.toContain('touch');
    expect(dialogFor(input, { PATH: empty }, 'win32')).toBe('unavailable');
  });

  it('is unavailable on systems without a known dialog', () => {
    expect(dialogFor(input, { PATH: zenityOnly, DISPLAY: ':9' }, 'aix')).toBe('unavailable');
    expect(dialogFor(input, { PATH: zenityOnly, DISPLAY: ':9' }, 'android')).toBe('unavailable');
  });
});

describe('exit codes', () => {
  it('zenity: 0 yes, 1 no, 5 timeout, 1 with "cannot open display" no_display, others unavailable', () => {
    expect(zenityAnswer(result({ code: 0 }))).toBe('yes');
    expect(zenityAnswer(result({ code: 1 }))).toBe('no');
    expect(zenityAnswer(result({ code: 5 }))).toBe('timeout');
    expect(zenityAnswer(result({ code: 1, stderr: 'Gtk-WARNING **: cannot open display: :9' }))).toBe('no_display');
    expect(zenityAnswer(result({ code: 255 }))).toBe('unavailable');
    expect(zenityAnswer(result({ code: null, signal: 'SIGSEGV' }))).toBe('unavailable');
  });

  it('kdialog and PowerShell: 0 yes, 1 no, others unavailable', () => {
    for (const read of [kdialogAnswer, powershellAnswer]) {
      expect(read(result({ code: 0 }))).toBe('yes');
      expect(read(result({ code: 1 }))).toBe('no');
      expect(read(result({ code: 2 }))).toBe('unavailable');
    }
  });

  it('osascript: Allow yes, gave up timeout, cancel (-128) no, other errors unavailable', () => {
    expect(osascriptAnswer(result({ stdout: 'button returned:Allow, gave up:false\n' }))).toBe('yes');
    expect(osascriptAnswer(result({ stdout: 'button returned:, gave up:true\n' }))).toBe('timeout');
    expect(osascriptAnswer(result({ code: 1, stderr: 'execution error: User canceled. (-128)' }))).toBe('no');
    expect(osascriptAnswer(result({ code: 1, stderr: 'No user interaction allowed. (-1713)' }))).toBe('unavailable');
  });
});

describe('confirm with a stand-in zenity', () => {
  const env = (exit: number, argvFile: string) => ({ PATH: zenityOnly, DISPLAY: ':9', FAKE_EXIT: String(exit), ARGV_FILE: argvFile });

  it('maps the dialog\'s exit to the answer', async () => {
    const argvFile = path.join(dir, 'argv-answers');
    expect(await confirm(req, env(0, argvFile), 'linux')).toBe('yes');
    expect(await confirm(req, env(1, argvFile), 'linux')).toBe('no');
    expect(await confirm(req, env(5, argvFile), 'linux')).toBe('timeout');
    expect(await confirm(req, env(3, argvFile), 'linux')).toBe('unavailable');
  });

  it('runs the dialog from argv, so shell syntax in an argument stays text', async () => {
    const argvFile = path.join(dir, 'argv-shell');
    const cwd = process.cwd();
    expect(await confirm(req, env(0, argvFile), 'linux')).toBe('yes');
    const argv = argvOf(argvFile);
    const text = argv[argv.indexOf('--text') + 1] ?? '';
    expect(text).toContain('"x": "$(touch pwned); `id` > out"');
    expect(text.split('\n')[0]).toBe('Jarvis asks to run "noop" on this computer.');
    expect(argv[argv.indexOf('--title') + 1]).toBe('Jarvis: confirm noop');
    expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
  });

  it('answers no_display without a display and unavailable without a dialog program', async () => {
    expect(await confirm(req, { PATH: zenityOnly }, 'linux')).toBe('no_display');
    expect(await confirm(req, { PATH: empty, DISPLAY: ':9' }, 'linux')).toBe('unavailable');
  });
});

describe('runDialog', () => {
  it('kills a dialog that outlives its deadline and answers timeout', async () => {
    const bin = path.join(dir, 'hung-bin');
    const pidFile = path.join(dir, 'hung.pid');
    fakeProgram(bin, 'zenity', `echo $$ > "${pidFile}"\nexec sleep 60`);
    const p = plan(dialogFor(input, { PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':9', ARGV_FILE: path.join(dir, 'argv-hung') }, 'linux'));
    const started = Date.now();
    expect(await runDialog({ ...p, killAfterMs: 300 })).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('answers unavailable when the program cannot be started', async () => {
    const p = plan(dialogFor(input, { PATH: zenityOnly, DISPLAY: ':9', ARGV_FILE: '/dev/null' }, 'linux'));
    expect(await runDialog({ ...p, file: path.join(dir, 'no-such-program') })).toBe('unavailable');
  });
});
