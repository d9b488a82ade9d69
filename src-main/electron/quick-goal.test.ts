// Pins the goal box's window options (as hardened as the main window's) and the URLs the shell loads into its windows.
import { describe, expect, it } from 'vitest';
import { mainRouteUrl, quickGoalUrl, quickGoalWindowOptions } from './quick-goal';
import { hardenedWebPreferences, isAppUrl, mainWindowOptions } from './window-options';

const ORIGIN = 'http://127.0.0.1:7723';
const PRELOAD = '/opt/jarvis/out/preload/preload.js';

describe('quickGoalWindowOptions', () => {
  const options = quickGoalWindowOptions(PRELOAD, { devTools: false });

  it('floats above other apps, out of the task bar, hidden until ready', () => {
    expect(options).toMatchObject({ alwaysOnTop: true, skipTaskbar: true, show: false, resizable: false, fullscreenable: false });
  });

  it('gets exactly the hardened web preferences of the main window', () => {
    expect(options.webPreferences).toEqual(mainWindowOptions(PRELOAD, { devTools: false }).webPreferences);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(quickGoalWindowOptions(PRELOAD, { devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('returns a fresh object each time and refuses a relative preload path', () => {
    expect(quickGoalWindowOptions(PRELOAD, { devTools: false }).webPreferences).not.toBe(options.webPreferences);
    expect(() => quickGoalWindowOptions('out/preload/preload.js', { devTools: false })).toThrow(/must be absolute/);
    expect(() => hardenedWebPreferences('./preload.js', false)).toThrow(/must be absolute/);
  });
});

describe('quickGoalUrl', () => {
  it('moves the one-time code onto the goal box route', () => {
    const url = quickGoalUrl(`${ORIGIN}/#signin=abc_DEF-123`, ORIGIN);
    expect(url).toBe(`${ORIGIN}/#/quick-goal?signin=abc_DEF-123`);
    expect(isAppUrl(url, ORIGIN)).toBe(true);
  });

  it('refuses a link to another origin or without a code', () => {
    expect(() => quickGoalUrl('http://127.0.0.1:7724/#signin=abc', ORIGIN)).toThrow(/not a page of the app/);
    expect(() => quickGoalUrl('https://evil.example/#signin=abc', ORIGIN)).toThrow(/not a page of the app/);
    expect(() => quickGoalUrl(`${ORIGIN}/#view=x`, ORIGIN)).toThrow(/no one-time code/);
    expect(() => quickGoalUrl(`${ORIGIN}/#signin=%20`, ORIGIN)).toThrow(/no one-time code/);
  });
});

describe('mainRouteUrl', () => {
  it('builds the app address for a route', () => {
    expect(mainRouteUrl(ORIGIN, '#/approvals/apr_1')).toBe(`${ORIGIN}/#/approvals/apr_1`);
    expect(mainRouteUrl(ORIGIN, '#/')).toBe(`${ORIGIN}/#/`);
  });

  it.each(['https://evil.example/', '#signin=abc', '#/x"><script>', '//evil.example', ''])('refuses %j', (route) => {
    expect(() => mainRouteUrl(ORIGIN, route)).toThrow(/not a route of the app/);
  });

  it('refuses an app origin that is not loopback', () => {
    expect(() => mainRouteUrl('http://evil.example:7723', '#/')).toThrow();
  });
});
