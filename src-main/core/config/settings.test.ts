// Settings: defaults, config.json, environment precedence, and errors that name key, value and what is allowed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultHome, loadSettings } from './settings';

const dirs: string[] = [];
function tempHome(config?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-config-'));
  dirs.push(dir);
  if (config !== undefined) fs.writeFileSync(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('loadSettings', () => {
  it('uses defaults when nothing is set', () => {
    const home = tempHome();
    const s = loadSettings({ env: { JARVIS_HOME: home } });
    expect(s).toMatchObject({ home, port: 7723, logLevel: 'info', auditCheckpointEvery: 1000 });
  });

  it('reads config.json and lets the environment win', () => {
    const home = tempHome({ port: 8000, logLevel: 'debug' });
    const s = loadSettings({ env: { JARVIS_HOME: home, JARVIS_PORT: '9001' } });
    expect(s.port).toBe(9001);
    expect(s.logLevel).toBe('debug');
  });

  it('names the key, the value and what is allowed for a bad environment value', () => {
    const home = tempHome();
    const load = () => loadSettings({ env: { JARVIS_HOME: home, JARVIS_PORT: 'seventy' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('Invalid setting "port" from environment variable JARVIS_PORT: got "seventy"; expected a value of type number.');
  });

  it('rejects an out-of-range port', () => {
    const home = tempHome();
    expect(() => loadSettings({ env: { JARVIS_HOME: home, JARVIS_PORT: '70000' } })).toThrow(/"port".*70000.*<= 65535/);
  });

  it('lists the allowed values of an enum setting from config.json', () => {
    const home = tempHome({ logLevel: 'loud' });
    expect(() => loadSettings({ env: { JARVIS_HOME: home } })).toThrow(/"logLevel" from .*config\.json: got "loud"; expected one of "debug", "info", "warn", "error"/);
  });

  it('names an unknown key in config.json', () => {
    const home = tempHome({ prot: 7723 });
    expect(() => loadSettings({ env: { JARVIS_HOME: home } })).toThrow(/"prot".*expected only the known keys/);
  });

  it('explains unparseable config.json', () => {
    const home = tempHome('{ "port": ');
    expect(() => loadSettings({ env: { JARVIS_HOME: home } })).toThrow(/"config.json".*valid JSON/);
  });

  it('homeOverride wins over JARVIS_HOME', () => {
    const a = tempHome();
    const b = tempHome();
    expect(loadSettings({ env: { JARVIS_HOME: a }, homeOverride: b }).home).toBe(b);
  });
});

describe('defaultHome', () => {
  it('follows each platform convention', () => {
    expect(defaultHome({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'Jarvis'));
    expect(defaultHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Jarvis'));
    expect(defaultHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\a\\AppData\\Roaming', 'Jarvis'));
  });
});
