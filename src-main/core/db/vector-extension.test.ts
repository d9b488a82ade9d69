// sqlite-vec is loaded on every connection: writable and read-only, from node_modules, through another SQLite addon, and from a packaged app's unpacked copy.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './connection';
import { unpackedPath, vectorExtensionPath } from './vector-extension';

const REPO = path.resolve(__dirname, '..', '..', '..');
const dirs: string[] = [];
function temp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-vec-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('sqlite-vec on every connection', () => {
  it('is loaded on a writable and on a read-only connection, and the memory migration created its vec0 table', () => {
    const file = path.join(temp(), 'j.db');
    const db = openDatabase(file);
    expect(db.prepare('SELECT vec_version()').pluck().get()).toMatch(/^v0\.\d+\.\d+/);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'memory_vec'").pluck().get()).toMatch(/USING vec0/);
    db.close();
    const ro = openDatabase(file, { readonly: true });
    expect(ro.prepare('SELECT COUNT(*) FROM memory_vec').pluck().get()).toBe(0);
    ro.close();
  });

  it('redirects a path inside an asar archive to the unpacked copy beside it, and leaves other paths alone', () => {
    const inside = path.join('/opt', 'Jarvis', 'resources', 'app.asar', 'node_modules', 'sqlite-vec-linux-x64', 'vec0.so');
    expect(unpackedPath(inside)).toBe(path.join('/opt', 'Jarvis', 'resources', 'app.asar.unpacked', 'node_modules', 'sqlite-vec-linux-x64', 'vec0.so'));
    expect(unpackedPath(vectorExtensionPath())).toBe(vectorExtensionPath());
    expect(fs.existsSync(vectorExtensionPath())).toBe(true);
  });

  it('loads through the SQLite addon JARVIS_SQLITE_BINDING names (as the desktop app runs it)', () => {
    // A copy of the addon at another path stands for Electron's build: what matters is that the copy is the
    // one in use and that the extension loads into it.
    const dir = temp();
    const binding = path.join(dir, 'better_sqlite3.node');
    fs.copyFileSync(path.join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), binding);
    const script = `
      const { openDatabase } = require(${JSON.stringify(path.join(__dirname, 'connection.ts'))});
      const db = openDatabase(${JSON.stringify(path.join(dir, 'j.db'))});
      // Linux lists the shared objects a process mapped; elsewhere the open itself is the evidence.
      const maps = process.platform === 'linux' ? require('node:fs').readFileSync('/proc/self/maps', 'utf8') : ${JSON.stringify(binding)};
      console.log(JSON.stringify({ vec: db.prepare('SELECT vec_version()').pluck().get(), usesCopy: maps.includes(${JSON.stringify(binding)}) }));
      db.close();`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, env: { ...process.env, JARVIS_SQLITE_BINDING: binding }, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ vec: expect.stringMatching(/^v0\./), usesCopy: true });
  });
});
