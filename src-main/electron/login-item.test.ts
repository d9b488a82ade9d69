// Checks the start-at-login plan on each platform, the autostart entry's quoting, and the hidden start.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopExecQuote, HIDDEN_ARG, loginItemPlan, startedHidden, type LoginItemFacts } from './login-item';

const facts = (over: Partial<LoginItemFacts> = {}): LoginItemFacts => ({
  platform: 'linux',
  enabled: true,
  isPackaged: true,
  execPath: '/opt/Jarvis/jarvis',
  appImage: undefined,
  configHome: '/home/ana/.config',
  ...over,
});

describe('loginItemPlan', () => {
  it('uses login items on macOS and Windows, starting hidden', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(loginItemPlan(facts({ platform }))).toEqual({ kind: 'electron', settings: { openAtLogin: true, args: [HIDDEN_ARG] } });
      expect(loginItemPlan(facts({ platform, enabled: false }))).toEqual({ kind: 'electron', settings: { openAtLogin: false, args: [] } });
    }
  });

  it('writes an XDG autostart entry on Linux, naming the AppImage when there is one', () => {
    const plan = loginItemPlan(facts({ appImage: '/home/ana/Apps/Jarvis-0.1.0.AppImage' }));
    expect(plan.kind).toBe('xdg');
    if (plan.kind !== 'xdg') return;
    expect(plan.file).toBe(path.join('/home/ana/.config/autostart/jarvis.desktop'));
    expect(plan.contents).toContain('[Desktop Entry]\nType=Application\nName=Jarvis\n');
    expect(plan.contents).toContain('Exec="/home/ana/Apps/Jarvis-0.1.0.AppImage" --hidden\n');
    const deb = loginItemPlan(facts());
    expect(deb.kind === 'xdg' ? deb.contents : '').toContain('Exec="/opt/Jarvis/jarvis" --hidden');
  });

  it('removes the Linux entry when turned off', () => {
    expect(loginItemPlan(facts({ enabled: false }))).toEqual({ kind: 'xdg', file: path.join('/home/ana/.config/autostart/jarvis.desktop'), contents: null });
  });

  it('does nothing for a development build, and says why', () => {
    expect(loginItemPlan(facts({ isPackaged: false }))).toEqual({ kind: 'none', reason: expect.stringMatching(/development build/) });
    expect(loginItemPlan(facts({ platform: 'freebsd' }))).toEqual({ kind: 'none', reason: expect.stringMatching(/not supported on freebsd/) });
  });
});

describe('desktopExecQuote', () => {
  it('escapes the characters the desktop entry spec reserves inside quotes', () => {
    expect(desktopExecQuote('/opt/My Apps/jarvis')).toBe('"/opt/My Apps/jarvis"');
    expect(desktopExecQuote('/x/$HOME/`id`/"q"/back\\slash')).toBe('"/x/\\$HOME/\\`id\\`/\\"q\\"/back\\\\slash"');
  });
});

describe('startedHidden', () => {
  it('is true for a login start, by argument or by what macOS reports', () => {
    expect(startedHidden(['/opt/Jarvis/jarvis', HIDDEN_ARG], false)).toBe(true);
    expect(startedHidden(['/Applications/Jarvis.app/Contents/MacOS/Jarvis'], true)).toBe(true);
    expect(startedHidden(['/opt/Jarvis/jarvis'], false)).toBe(false);
  });
});
