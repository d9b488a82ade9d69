// The windows' security decisions as pure functions: options, CSP, navigation, new windows, permissions, IPC senders.
import path from 'node:path';
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

// The core binds 127.0.0.1 only, so the window never has a reason to trust any other host name
// (not even `localhost`, which a hostile resolver or hosts file could point elsewhere).
const LOOPBACK_HOST = '127.0.0.1';

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * The origin `http://127.0.0.1:PORT` of the core's URL, or null for anything else.
 * An explicit port is required: without one the URL does not point at a Jarvis core.
 */
export function appOriginOf(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== 'http:' || parsed.hostname !== LOOPBACK_HOST) return null;
  if (parsed.port === '' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.origin;
}

/** Like `appOriginOf`, but throws with the reason, for start-up where a wrong URL is a bug to report. */
export function requireAppOrigin(url: string): string {
  const origin = appOriginOf(url);
  if (origin === null) {
    throw new Error(`The core reported the address "${url}", but the desktop app only loads http://${LOOPBACK_HOST}:<port>.`);
  }
  return origin;
}

/**
 * True when `url` is a page of the app itself: plain http, exactly the app's origin, no credentials.
 * Comparing parsed origins (not string prefixes) is what rejects `http://127.0.0.1:PORT.evil.com`
 * and `http://127.0.0.1:PORT@evil.com`; requiring `http:` rejects `blob:` and `view-source:` URLs
 * whose inner origin would otherwise match.
 */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const expected = appOriginOf(appOrigin);
  const parsed = parseUrl(url);
  if (expected === null || parsed === null) return false;
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') return false;
  return parsed.origin === expected;
}

/** `will-navigate` / `will-redirect`: the window may only ever show the app's own pages. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/** What to do with a request for a new window: never open one; maybe hand the link to the system browser. */
export interface WindowOpenDecision {
  readonly action: 'deny';
  /** The normalized http(s) URL to give to the system browser, or null to drop the request. */
  readonly openInBrowser: string | null;
}

/**
 * New windows are always denied (a second renderer would be a second thing to harden).
 * Only http(s) links go to the system browser: `file:`, `javascript:`, custom schemes and the like
 * could run local programs through the OS's URL handlers, which is exactly what `shell.openExternal` must not do.
 */
export function decideWindowOpen(url: string): WindowOpenDecision {
  const parsed = parseUrl(url);
  const external = parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? parsed.href : null;
  return { action: 'deny', openInBrowser: external };
}

/**
 * Permissions the app's own pages may use. Everything else (camera, microphone, geolocation,
 * notifications, USB, serial, ...) is denied: the renderer has no use for it, and native features
 * belong to the main process where they can be audited.
 * `clipboard-sanitized-write` keeps "copy" buttons working (plain text only, no reading).
 */
export const GRANTED_PERMISSIONS: readonly string[] = Object.freeze(['clipboard-sanitized-write']);

/** Permission requests and checks: deny unless allow-listed and asked for by the app's own origin. */
export function decidePermission(permission: string, requestingUrl: string, appOrigin: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl, appOrigin);
}

/**
 * Every IPC handler calls this with `event.senderFrame?.url` before reading its payload:
 * a message from any frame that is not the app's own page (or from a frame already gone) is ignored.
 */
export function checkIpcSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl, appOrigin);
}

/**
 * The CSP the desktop app adds to the core's responses, on top of the core's own header.
 * Browsers enforce every CSP header they receive, so this can only narrow what the server allows.
 * Everything is same-origin: scripts, styles and fonts come from the built renderer, the API and
 * its WebSocket live on the same port; images may also be data:/blob: (icons, exported previews).
 */
export function contentSecurityPolicy(origin: string): string {
  const appOrigin = requireAppOrigin(origin);
  const socketOrigin = appOrigin.replace(/^http:/, 'ws:');
  const directives: readonly (readonly [string, string])[] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data: blob:"],
    ['font-src', "'self'"],
    ['connect-src', `'self' ${socketOrigin}`],
    ['manifest-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
    ['frame-src', "'none'"],
    ['object-src', "'none'"],
    ['worker-src', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/**
 * Response headers with `policy` added as one more Content-Security-Policy value.
 * The server's own CSP header (whatever its capitalization) is kept, not replaced: both apply.
 */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, readonly string[]>> | undefined,
  policy: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let cspKey = 'Content-Security-Policy';
  for (const [name, values] of Object.entries(headers ?? {})) {
    result[name] = [...values];
    if (name.toLowerCase() === 'content-security-policy') cspKey = name;
  }
  result[cspKey] = [...(result[cspKey] ?? []), policy];
  return result;
}

export interface MainWindowChoices {
  /** DevTools stay available while developing and are off in a packaged app. */
  devTools: boolean;
  /** Window icon (used on Linux and Windows; macOS takes the bundle's icon). */
  icon?: string;
}

/**
 * The web preferences every window of the app gets (main window and goal box alike); the tests pin each value.
 * A relative preload path would resolve against whatever the working directory happens to be, so it is refused.
 */
export function hardenedWebPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  if (!path.isAbsolute(preloadPath)) throw new Error(`The preload script path must be absolute, got "${preloadPath}".`);
  return {
    preload: preloadPath,
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
    // Dropping a file on the window must not navigate away from the app.
    navigateOnDragDrop: false,
    // A page looping on alert() cannot lock the window.
    safeDialogs: true,
    devTools,
  };
}

/** Options for the main window; `window-options.test.ts` pins every security-relevant value. */
export function mainWindowOptions(preloadPath: string, choices: MainWindowChoices = { devTools: false }): BrowserWindowConstructorOptions {
  return {
    title: 'Jarvis',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    // Shown on `ready-to-show`, so the first paint is the app and not a white flash.
    show: false,
    backgroundColor: '#11161d',
    autoHideMenuBar: true,
    ...(choices.icon === undefined ? {} : { icon: choices.icon }),
    webPreferences: hardenedWebPreferences(preloadPath, choices.devTools),
  };
}
