// Checks the desktop app's settings: the global hotkey validated as an Electron accelerator, start at login, daemon and update keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from '../core/config';
import { isAccelerator } from '../core/config/settings';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function homeWith(config?: Record<string, unknown>): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-desktop-settings-'));
  dirs.push(home);
  if (config) fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
  return home;
}

describe('isAccelerator', () => {
  it.each(['CommandOrControl+Shift+Space', 'CmdOrCtrl+J', 'Alt+F4', 'Super+Return', 'Control+Alt+Plus', 'Ctrl+num5', 'F12', 'MediaPlayPause', 'Shift+F3', 'Option+Command+Escape', 'ctrl+shift+space'])(
    'accepts %s',
    (value) => expect(isAccelerator(value)).toBe(true),
  );

  it.each([
    ['no key', 'Ctrl+'],
    ['a bare letter, which would be taken from every app', 'J'],
    ['Shift alone with a letter', 'Shift+J'],
    ['a repeated modifier', 'Ctrl+Ctrl+J'],
    ['two keys', 'Ctrl+J+K'],
    ['an unknown modifier', 'Hyper+J'],
    ['an unknown key', 'Ctrl+Banana'],
    ['a literal plus', 'Ctrl++'],
    ['spaces around parts', 'Ctrl + J'],
    ['F25', 'Ctrl+F25'],
    ['empty', ''],
  ])('refuses %s', (_label, value) => expect(isAccelerator(value)).toBe(false));
});

describe('desktop settings', () => {
  it('has desktop defaults: the hotkey, no start at login, a managed daemon on 7724, updates from the built-in feed', () => {
    expect(loadSettings({ env: { JARVIS_HOME: homeWith() } })).toMatchObject({
      globalHotkey: 'CommandOrControl+Shift+Space',
      startAtLogin: false,
      manageDaemon: true,
      managedDaemonPort: 7724,
      autoUpdate: true,
      updateFeedUrl: '',
    });
  });

  it('reads them from config.json and lets the environment win, booleans included', () => {
    const home = homeWith({ globalHotkey: 'Alt+Space', startAtLogin: true, manageDaemon: false, updateFeedUrl: 'https://updates.example.org/jarvis' });
    expect(loadSettings({ env: { JARVIS_HOME: home } })).toMatchObject({ globalHotkey: 'Alt+Space', startAtLogin: true, manageDaemon: false, updateFeedUrl: 'https://updates.example.org/jarvis' });
    const env = { JARVIS_HOME: home, JARVIS_START_AT_LOGIN: 'false', JARVIS_GLOBAL_HOTKEY: 'Super+J', JARVIS_MANAGED_DAEMON_PORT: '7800', JARVIS_AUTO_UPDATE: 'false' };
    expect(loadSettings({ env })).toMatchObject({ startAtLogin: false, globalHotkey: 'Super+J', managedDaemonPort: 7800, autoUpdate: false });
  });

  it('turns the hotkey off with an empty string in config.json', () => {
    expect(loadSettings({ env: { JARVIS_HOME: homeWith({ globalHotkey: '' }) } }).globalHotkey).toBe('');
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, RegExp]>([
    ['a hotkey that is not an accelerator', { globalHotkey: 'Ctrl+Banana' }, {}, /Invalid setting "globalHotkey" from .*config\.json: got "Ctrl\+Banana"; expected an Electron accelerator such as "CommandOrControl\+Shift\+Space"/],
    ['a hotkey from the environment', {}, { JARVIS_GLOBAL_HOTKEY: 'J' }, /"globalHotkey" from environment variable JARVIS_GLOBAL_HOTKEY: got "J"/],
    ['start at login that is not a boolean', {}, { JARVIS_START_AT_LOGIN: 'yes' }, /"startAtLogin" .*got "yes"; expected a value of type boolean/],
    ['a daemon port of 0', { managedDaemonPort: 0 }, {}, /"managedDaemonPort" .*expected a number >= 1/],
    ['an http update feed', { updateFeedUrl: 'http://updates.example.org/' }, {}, /"updateFeedUrl" .*expected an https:\/\/ URL without credentials/],
    ['an update feed with credentials', { updateFeedUrl: 'https://u:p@updates.example.org/' }, {}, /"updateFeedUrl"/],
  ])('refuses %s, naming the key and what is allowed', (_label, config, env, message) => {
    const load = () => loadSettings({ env: { JARVIS_HOME: homeWith(config), ...env } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
