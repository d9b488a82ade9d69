// Desktop entry point: one instance, start the core, show the tray and the window, stop the core before exiting.
import { app, dialog, type BrowserWindow, type Tray } from 'electron';
import { startJarvis, type RunningJarvis } from '../main';
import { createShutdown, startupErrorMessage } from './lifecycle';
import { desktopPaths } from './paths';
import { createTray } from './tray';
import { createMainWindow, hardenAllWebContents, revealWindow } from './window';
import { requireAppOrigin } from './window-options';

// Long enough for the audit checkpoint on a slow disk, short enough that Quit never feels stuck.
const STOP_TIMEOUT_MS = 15_000;

// Every renderer is sandboxed, whatever options a future window is created with.
app.enableSandbox();

const shutdown = createShutdown({
  timeoutMs: STOP_TIMEOUT_MS,
  onError: (error) => console.error('Stopping Jarvis failed:', error),
});

if (app.requestSingleInstanceLock()) {
  run();
} else {
  // Another Jarvis owns this data folder; it receives 'second-instance' and shows its window.
  app.quit();
}

function run(): void {
  // Set before anything is created, so it covers every web contents from the first one.
  hardenAllWebContents();
  const paths = desktopPaths({ mainDir: __dirname, isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath });
  let core: { jarvis: RunningJarvis; appOrigin: string } | null = null;
  let mainWindow: BrowserWindow | null = null;
  // Held here for the app's lifetime: a tray object that is garbage-collected disappears from the tray.
  let tray: Tray | null = null;

  const showWindow = (): void => {
    // Until the core is up there is nothing to show; the window opens by itself once it is.
    if (core === null || shutdown.quitting) return;
    if (mainWindow !== null && !mainWindow.isDestroyed()) {
      revealWindow(mainWindow);
      return;
    }
    const { jarvis, appOrigin } = core;
    mainWindow = createMainWindow({
      appOrigin,
      signInUrl: () => jarvis.createSignInUrl(),
      preloadPath: paths.preload,
      iconPath: paths.appIcon,
      devTools: !app.isPackaged,
      mayClose: () => shutdown.quitting,
    });
  };

  const start = async (): Promise<void> => {
    // JARVIS_HOME still wins, as it does for `jarvis serve`; otherwise Electron's per-user folder.
    const home = process.env.JARVIS_HOME ? {} : { homeOverride: app.getPath('userData') };
    const jarvis = await startJarvis({ ...home, mode: 'desktop' });
    // Stopping the core writes the audit checkpoint; it must happen before the process goes away.
    shutdown.attach(() => jarvis.stop());
    core = { jarvis, appOrigin: requireAppOrigin(jarvis.url) };
    tray = createTray(paths.trayIcon, { open: showWindow, quit: () => app.quit() });
    showWindow();
  };

  app.on('second-instance', showWindow);
  // macOS: clicking the Dock icon.
  app.on('activate', showWindow);
  // Closing the last window leaves Jarvis running in the tray; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (!shutdown.onQuitRequested(() => app.quit())) event.preventDefault();
  });
  app.on('quit', () => {
    tray?.destroy();
    tray = null;
  });

  app
    .whenReady()
    .then(start)
    .catch(async (error: unknown) => {
      console.error('Jarvis could not start:', error);
      dialog.showErrorBox('Jarvis could not start', startupErrorMessage(error, app.getPath('userData')));
      // If the core did start and something after it failed, it still gets to write its checkpoint.
      await shutdown.stop();
      app.exit(1);
    });
}
