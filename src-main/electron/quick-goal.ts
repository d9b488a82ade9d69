// The goal box the global hotkey opens: its window options (hardened like the main window) and the URLs windows are sent to.
import type { BrowserWindowConstructorOptions } from 'electron';
import { hardenedWebPreferences, isAppUrl, requireAppOrigin } from './window-options';

/** The renderer's route for the goal box; the renderer owns the page. */
export const QUICK_GOAL_ROUTE = '#/quick-goal';

export function quickGoalWindowOptions(preloadPath: string, choices: { devTools: boolean; icon?: string }): BrowserWindowConstructorOptions {
  return {
    title: 'Jarvis: new goal',
    width: 640,
    height: 240,
    center: true,
    // A floating entry box: above other apps, out of the task bar, not a second full window.
    alwaysOnTop: true,
    skipTaskbar: true,
    frame: false,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    show: false,
    backgroundColor: '#11161d',
    ...(choices.icon === undefined ? {} : { icon: choices.icon }),
    webPreferences: hardenedWebPreferences(preloadPath, choices.devTools),
  };
}

/**
 * `http://127.0.0.1:PORT/#/quick-goal?signin=CODE`: the goal box's route, carrying the fresh one-time
 * code of a sign-in link (`…/#signin=CODE`) so the box signs in by itself like the main window does.
 */
export function quickGoalUrl(signInUrl: string, appOrigin: string): string {
  const origin = requireAppOrigin(appOrigin);
  if (!isAppUrl(signInUrl, origin)) throw new Error(`The sign-in link is not a page of the app at ${origin}.`);
  const url = new URL(signInUrl);
  const code = new URLSearchParams(url.hash.slice(1)).get('signin');
  if (code === null || code.trim() === '') throw new Error('The sign-in link carries no one-time code.');
  url.hash = `${QUICK_GOAL_ROUTE.slice(1)}?signin=${encodeURIComponent(code)}`;
  return url.href;
}

/** The main window's address for a renderer route such as `#/approvals/<id>`; anything but a `#/` route is refused. */
export function mainRouteUrl(appOrigin: string, route: string): string {
  const origin = requireAppOrigin(appOrigin);
  if (!/^#\/[A-Za-z0-9/_.~%-]*$/.test(route)) throw new Error(`"${route}" is not a route of the app (expected "#/…").`);
  return `${origin}/${route}`;
}
