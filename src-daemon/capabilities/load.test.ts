// loadCapabilities: the daemon's own copy wins, the repository default otherwise, and every problem names its file and field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CapabilitiesFileError, capabilitiesPath, loadCapabilities } from './load';

const REPO_DEFAULT = path.resolve(__dirname, '..', '..', 'capabilities.json');
let dir: string;
let home: string;
let repoFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-caps-'));
  home = path.join(dir, 'daemon');
  fs.mkdirSync(home);
  repoFile = path.join(dir, 'capabilities.json');
  fs.writeFileSync(repoFile, JSON.stringify({ version: 1, capabilities: { noop: { risk: 'none', confirm: 'never' } } }));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const own = (body: unknown): string => {
  const file = path.join(home, 'capabilities.json');
  fs.writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
};
function loadError(): CapabilitiesFileError {
  try {
    loadCapabilities(repoFile, home);
  } catch (err) {
    if (err instanceof CapabilitiesFileError) return err;
    throw err;
  }
  throw new Error('expected loadCapabilities to fail');
}

describe('loadCapabilities', () => {
  it('loads the repository\'s shipped default', () => {
    const caps = loadCapabilities(REPO_DEFAULT, home);
    expect(caps.version).toBe(1);
    expect(Object.keys(caps.capabilities).sort()).toEqual(['file_move', 'ha.call_service', 'ha.get_state', 'ha.resolve', 'iot.configure', 'iot.test', 'mqtt.publish', 'noop', 'open_app', 'run_script', 'screenshot']);
  });

  it('uses the repository default when the daemon has no copy, with defaults filled in', () => {
    expect(capabilitiesPath(repoFile, home)).toBe(repoFile);
    expect(loadCapabilities(repoFile, home).capabilities.noop).toEqual({ risk: 'none', confirm: 'never', confirm_timeout_s: 60 });
  });

  it('prefers the daemon\'s own copy', () => {
    const file = own({ version: 1, capabilities: { screenshot: { risk: 'low', confirm: { min_risk: 'medium' }, folder: '~/Shots' } } });
    expect(capabilitiesPath(repoFile, home)).toBe(file);
    expect(loadCapabilities(repoFile, home).capabilities).toEqual({ screenshot: { risk: 'low', confirm: { min_risk: 'medium' }, confirm_timeout_s: 60, folder: '~/Shots' } });
  });

  it('never falls back to the default when the daemon\'s copy is broken', () => {
    const file = own('{ "version": 1, ');
    const err = loadError();
    expect(err.file).toBe(file);
    expect(err.message).toContain(`${file} is not valid JSON`);
  });

  it('names the file and the field zod refused', () => {
    const file = own({ version: 1, capabilities: { noop: { risk: 'extreme', confirm: 'never' } } });
    const err = loadError();
    expect(err.file).toBe(file);
    expect(err.field).toBe('capabilities.noop.risk');
    expect(err.message).toContain(`${file} is not a valid capabilities file: capabilities.noop.risk:`);
  });

  it('refuses unknown capabilities and keys (strict), and a wrong version', () => {
    own({ version: 1, capabilities: { format_disk: { risk: 'low', confirm: 'never' } } });
    expect(loadError().message).toMatch(/format_disk/);
    own({ version: 2, capabilities: {} });
    expect(loadError().field).toBe('version');
    own({ version: 1, capabilities: { noop: { risk: 'none', confirm: 'never', extra: true } } });
    expect(loadError().message).toMatch(/extra/);
  });

  it('refuses relative paths in the whitelist, naming the field', () => {
    own({
      version: 1,
      capabilities: {
        run_script: { risk: 'high', confirm: 'always', scripts: { backup: { path: 'scripts/backup.sh', sha256: 'a'.repeat(64) } } },
      },
    });
    const err = loadError();
    expect(err.field).toBe('capabilities.run_script.scripts.backup.path');
    expect(err.message).toMatch(/must be an absolute path or start with "~\/"; it is "scripts\/backup.sh"/);
    own({ version: 1, capabilities: { file_move: { risk: 'low', confirm: 'always', roots: ['~/ok', 'Downloads'] } } });
    expect(loadError().field).toBe('capabilities.file_move.roots.1');
  });

  it('refuses a whitelist every user can write', () => {
    const file = own({ version: 1, capabilities: {} });
    fs.chmodSync(file, 0o666);
    expect(loadError().message).toMatch(/writable by every user/);
  });

  it('says when neither file exists', () => {
    fs.rmSync(repoFile);
    expect(loadError().message).toMatch(/Cannot read/);
  });
});
