// Creates the main window and the goal box and wires their hardening handlers; every decision lives in window-options.ts and quick-goal.ts.
import { app, BrowserWindow, shell, type Session } from 'electron';
import { mainRouteUrl, quickGoalUrl, quickGoalWindowOptions } from './quick-goal';
import {
  contentSecurityPolicy,
  decidePermission,
  decideWindowOpen,
  isAllowedNavigation,
  mainWindowOptions,
  withContentSecurityPolicy,
} from './window-options';

/** Hands an http(s) URL to the system browser; `decideWindowOpen` has already refused every other scheme. */
function openInBrowser(url: string | null): void {
  if (url === null) return;
  shell.openExternal(url).catch((error: unknown) => console.error(`Could not open ${url} in the browser:`, error));
}

/**
 * Applies to every web contents the app ever creates (including any made by a future feature or by
 * DevTools), so no window can be opened and no <webview> attached, whoever asks.
 */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      openInBrowser(decision.openInBrowser);
      return { action: decision.action };
    });
  });
}

/** Permissions, device access and the CSP belt for the session the app's pages live in. Safe to call again. */
function hardenSession(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl, appOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => decidePermission(permission, requestingOrigin, appOrigin));
  session.setDevicePermissionHandler(() => false);

  // The core sends its own CSP; adding ours here means a server-side slip cannot widen what the window may load.
  const policy = contentSecurityPolicy(appOrigin);
  session.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
}

export interface MainWindowSetup {
  appOrigin: string;
  /** A fresh sign-in URL each time: the one-time code in it is spent by the first load. */
  signInUrl(): string;
  preloadPath: string;
  iconPath: string;
  devTools: boolean;
  /** Asked on every close: false hides the window to the tray, true lets it close (when quitting). */
  mayClose(): boolean;
}

// A renderer that crashes again right after a reload is not helped by more reloads.
const MIN_RELOAD_INTERVAL_MS = 10_000;

/**
 * What every window of the app gets: its session hardened, navigation kept inside the app, a crashed
 * renderer reloaded (not in a loop), and closing turned into hiding until the app quits.
 */
function wireWindow(win: BrowserWindow, appOrigin: string, load: () => void, mayClose: () => boolean): void {
  const { webContents } = win;
  hardenSession(webContents.session, appOrigin);

  // A link clicked inside the app goes to the system browser instead of replacing the app.
  webContents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, appOrigin)) return;
    event.preventDefault();
    openInBrowser(decideWindowOpen(event.url).openInBrowser);
  });
  // Server redirects and sub-frame navigations never leave the app either; nothing is opened for them.
  webContents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
  });
  webContents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
  });

  let lastReload = 0;
  webContents.on('render-process-gone', (_event, details) => {
    console.error(`A Jarvis window's renderer stopped (${details.reason}, exit code ${details.exitCode}).`);
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    const now = Date.now();
    if (now - lastReload < MIN_RELOAD_INTERVAL_MS) return;
    lastReload = now;
    load();
  });

  win.on('close', (event) => {
    if (mayClose()) return;
    event.preventDefault();
    win.hide();
  });
}

export function createMainWindow(setup: MainWindowSetup): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(setup.preloadPath, { devTools: setup.devTools, icon: setup.iconPath }));
  const load = (): void => {
    win.webContents.loadURL(setup.signInUrl()).catch((error: unknown) => console.error('Could not load the Jarvis window:', error));
  };
  wireWindow(win, setup.appOrigin, load, setup.mayClose);
  win.once('ready-to-show', () => win.show());
  load();
  return win;
}

/** Sends the main window to a renderer route (`#/approvals/<id>`): a fragment change, so the page keeps its state. */
export function showRoute(win: BrowserWindow, appOrigin: string, route: string): void {
  win.webContents.loadURL(mainRouteUrl(appOrigin, route)).catch((error: unknown) => console.error(`Could not open ${route}:`, error));
}

/** The goal box: created hidden, shown by `revealWindow`, hidden again when it loses focus or is closed. */
export function createQuickGoalWindow(setup: MainWindowSetup): BrowserWindow {
  const win = new BrowserWindow(quickGoalWindowOptions(setup.preloadPath, { devTools: setup.devTools, icon: setup.iconPath }));
  const load = (): void => {
    win.webContents.loadURL(quickGoalUrl(setup.signInUrl(), setup.appOrigin)).catch((error: unknown) => console.error('Could not load the goal box:', error));
  };
  wireWindow(win, setup.appOrigin, load, setup.mayClose);
  win.once('ready-to-show', () => revealWindow(win));
  // Like a launcher: clicking elsewhere puts it away; what was typed stays for next time.
  win.on('blur', () => {
    if (!win.isDestroyed() && !win.webContents.isDevToolsOpened()) win.hide();
  });
  load();
  return win;
}

/** Brings the window to the front, un-minimizing and un-hiding it as needed. */
export function revealWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
