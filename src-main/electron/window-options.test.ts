// Pins the main window's hardening: the options it is built with and every navigation, window, permission and IPC decision.
import { describe, expect, it } from 'vitest';
import {
  appOriginOf,
  checkIpcSender,
  contentSecurityPolicy,
  decidePermission,
  decideWindowOpen,
  isAllowedNavigation,
  mainWindowOptions,
  requireAppOrigin,
  withContentSecurityPolicy,
} from './window-options';

const PORT = 7723;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const PRELOAD = '/opt/jarvis/out/preload/preload.js';

// URLs that look like the app, or are dangerous schemes, and must never count as the app.
const FOREIGN_URLS = [
  `http://127.0.0.1:${PORT}.evil.com/`,
  `http://127.0.0.1:${PORT}@evil.com/`,
  `http://user:pass@127.0.0.1:${PORT}/`,
  `http://127.0.0.1:${PORT + 1}/`,
  'http://127.0.0.1/',
  `https://127.0.0.1:${PORT}/`,
  `ws://127.0.0.1:${PORT}/`,
  `http://localhost:${PORT}/`,
  `http://[::1]:${PORT}/`,
  `http://127.0.0.2:${PORT}/`,
  `http://evil.com/?next=${ORIGIN}`,
  `blob:${ORIGIN}/0b8f7c2e-6a7d-4c1e-9a52-1f6f1b0e6a11`,
  `view-source:${ORIGIN}/`,
  'file:///etc/passwd',
  `file://127.0.0.1:${PORT}/`,
  'javascript:alert(1)',
  `javascript://${ORIGIN}/%0aalert(1)`,
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'devtools://devtools/bundled/inspector.html',
  '',
  'not a url',
];

describe('mainWindowOptions', () => {
  const options = mainWindowOptions(PRELOAD, { devTools: false });
  const prefs = options.webPreferences;

  it('isolates and sandboxes the renderer', () => {
    expect(prefs).toMatchObject({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      plugins: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: false,
    });
  });

  it('never enables Blink features or extra script worlds by option', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs).not.toHaveProperty('partition');
  });

  it('waits for the first paint before showing', () => {
    expect(options.show).toBe(false);
  });

  it('turns DevTools on only when asked and passes the icon through', () => {
    const dev = mainWindowOptions(PRELOAD, { devTools: true, icon: '/opt/jarvis/icons/icon.png' });
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.icon).toBe('/opt/jarvis/icons/icon.png');
    expect(mainWindowOptions(PRELOAD)).not.toHaveProperty('icon');
    expect(mainWindowOptions(PRELOAD).webPreferences?.devTools).toBe(false);
  });

  it('returns a fresh object each time, so a caller cannot weaken the next window', () => {
    const first = mainWindowOptions(PRELOAD);
    if (first.webPreferences) first.webPreferences.sandbox = false;
    expect(mainWindowOptions(PRELOAD).webPreferences?.sandbox).toBe(true);
  });

  it('refuses a relative preload path', () => {
    expect(() => mainWindowOptions('out/preload/preload.js')).toThrow(/absolute/);
  });
});

describe('appOriginOf / requireAppOrigin', () => {
  it('accepts the loopback address with a port', () => {
    expect(appOriginOf(`${ORIGIN}/`)).toBe(ORIGIN);
    expect(appOriginOf(`${ORIGIN}/#signin=abc`)).toBe(ORIGIN);
    expect(requireAppOrigin(ORIGIN)).toBe(ORIGIN);
  });

  it.each([
    'http://127.0.0.1/',
    `http://localhost:${PORT}/`,
    `https://127.0.0.1:${PORT}/`,
    `http://u:p@127.0.0.1:${PORT}/`,
    'garbage',
  ])('rejects %s', (url) => {
    expect(appOriginOf(url)).toBeNull();
    expect(() => requireAppOrigin(url)).toThrow(/only loads http:\/\/127\.0\.0\.1:<port>/);
  });
});

describe('isAllowedNavigation', () => {
  it.each([`${ORIGIN}/`, `${ORIGIN}/tasks/42?x=1#top`, `HTTP://127.0.0.1:${PORT}/`, `${ORIGIN}/../../etc`, `${ORIGIN}/#signin=abc`])(
    'allows the app page %s',
    (url) => {
      expect(isAllowedNavigation(url, ORIGIN)).toBe(true);
    },
  );

  it.each(FOREIGN_URLS)('blocks %s', (url) => {
    expect(isAllowedNavigation(url, ORIGIN)).toBe(false);
  });

  it('blocks everything when the app origin itself is not a loopback origin', () => {
    expect(isAllowedNavigation('http://evil.com/', 'http://evil.com')).toBe(false);
    expect(isAllowedNavigation(`${ORIGIN}/`, '')).toBe(false);
  });
});

describe('decideWindowOpen', () => {
  it.each([
    ['https://example.com/docs?a=1', 'https://example.com/docs?a=1'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://Example.COM/x', 'https://example.com/x'],
    [`${ORIGIN}/tasks`, `${ORIGIN}/tasks`],
  ])('denies %s and hands it to the system browser', (url, normalized) => {
    expect(decideWindowOpen(url)).toEqual({ action: 'deny', openInBrowser: normalized });
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<h1>x</h1>',
    'ms-msdt:/id PCWDiagnostic',
    'smb://evil.com/share',
    'mailto:someone@example.com',
    `blob:${ORIGIN}/0b8f7c2e`,
    'about:blank',
    '',
    'not a url',
  ])('denies %s and opens nothing', (url) => {
    expect(decideWindowOpen(url)).toEqual({ action: 'deny', openInBrowser: null });
  });
});

describe('decidePermission', () => {
  it('grants clipboard writes to the app only', () => {
    expect(decidePermission('clipboard-sanitized-write', `${ORIGIN}/`, ORIGIN)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', ORIGIN, ORIGIN)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.com/', ORIGIN)).toBe(false);
    expect(decidePermission('clipboard-sanitized-write', `http://127.0.0.1:${PORT + 1}/`, ORIGIN)).toBe(false);
  });

  it.each([
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'display-capture',
    'openExternal',
    'fileSystem',
    'hid',
    'serial',
    'usb',
    'fullscreen',
    'pointerLock',
    'unknown',
    'some-future-permission',
  ])('denies %s even to the app', (permission) => {
    expect(decidePermission(permission, `${ORIGIN}/`, ORIGIN)).toBe(false);
  });
});

describe('checkIpcSender', () => {
  it('accepts the app page', () => {
    expect(checkIpcSender(`${ORIGIN}/`, ORIGIN)).toBe(true);
  });

  it.each([...FOREIGN_URLS, null, undefined])('rejects %s', (url) => {
    expect(checkIpcSender(url, ORIGIN)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy(ORIGIN);
  const directives = new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('denies by default and allows only the app origin', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${PORT}`]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });

  it('allows no inline or evaluated script anywhere', () => {
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|unsafe-hashes|\*/);
  });

  it('refuses to build a policy for a foreign origin', () => {
    expect(() => contentSecurityPolicy('https://evil.com')).toThrow();
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the header when the server sent none', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'] }, 'x')).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ['x'],
    });
    expect(withContentSecurityPolicy(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });

  it("keeps the server's policy, whatever its capitalization, and adds ours beside it", () => {
    expect(withContentSecurityPolicy({ 'content-security-policy': ["default-src 'self'"] }, 'x')).toEqual({
      'content-security-policy': ["default-src 'self'", 'x'],
    });
  });

  it('does not modify the headers it was given', () => {
    const headers = { 'Content-Security-Policy': ["default-src 'self'"] };
    withContentSecurityPolicy(headers, 'x');
    expect(headers).toEqual({ 'Content-Security-Policy': ["default-src 'self'"] });
  });
});
