// Daemon settings: defaults, and a bad value names the variable, the value and what is allowed.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDaemonHome, loadDaemonSettings } from './settings';

describe('loadDaemonSettings', () => {
  it('defaults to the app-data folder, port 7724 and this host only', () => {
    expect(loadDaemonSettings({ XDG_CONFIG_HOME: '/x' })).toEqual(process.platform === 'linux' ? { home: path.join('/x', 'Jarvis Daemon'), port: 7724, bind: '127.0.0.1' } : expect.objectContaining({ port: 7724 }));
    expect(defaultDaemonHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Jarvis Daemon'));
    expect(loadDaemonSettings({ JARVIS_DAEMON_HOME: '/tmp/d', JARVIS_DAEMON_PORT: '0', JARVIS_DAEMON_BIND: '::1' })).toEqual({ home: path.resolve('/tmp/d'), port: 0, bind: '::1' });
  });

  it('refuses bad values with words', () => {
    expect(() => loadDaemonSettings({ JARVIS_DAEMON_PORT: '70000' })).toThrow(/JARVIS_DAEMON_PORT="70000".*0 to 65535/);
    expect(() => loadDaemonSettings({ JARVIS_DAEMON_PORT: ' 7 ' })).toThrow(/JARVIS_DAEMON_PORT/);
    expect(() => loadDaemonSettings({ JARVIS_DAEMON_BIND: 'example.com' })).toThrow(/JARVIS_DAEMON_BIND="example.com".*IPv4 or IPv6 address/);
  });
});
