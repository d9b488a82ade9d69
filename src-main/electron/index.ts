// Desktop entry point: one instance; starts the core, the daemon, tray, hotkey, native approvals and updates; stops them all before exiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, dialog, globalShortcut, Notification, type BrowserWindow } from 'electron';
import { tokenFile } from '../api/credentials';
import { loadSettings } from '../core/config';
import { startJarvis, type RunningJarvis } from '../main';
import type { DaemonSupervisor } from '../supervisor';
import { createCoreLink, type CoreLink } from './core-link';
import { startDaemonSupervision } from './daemon';
import type { GoalSubmitted } from './ipc';
import { registerIpcHandlers } from './ipc-main';
import { createShutdown, startupErrorMessage } from './lifecycle';
import { loginItemPlan, startedHidden } from './login-item';
import { createNativeApprovals } from './native-approvals';
import { desktopPaths } from './paths';
import { createTray, type TrayController } from './tray';
import { updatePlan } from './update-plan';
import { startAutoUpdates } from './updater';
import { createMainWindow, createQuickGoalWindow, hardenAllWebContents, revealWindow, showRoute, type MainWindowSetup } from './window';
import { requireAppOrigin } from './window-options';

// Long enough for the audit checkpoint and the daemon's clean stop on a slow disk, short enough that Quit never feels stuck.
const STOP_TIMEOUT_MS = 20_000;

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

function notify(title: string, body: string, onClick?: () => void): void {
  if (!Notification.isSupported()) return;
  const note = new Notification({ title, body });
  if (onClick) note.on('click', onClick);
  note.show();
}

/** Start at login, as the settings say; a failure is reported, never fatal. */
function applyLoginItem(enabled: boolean): void {
  const plan = loginItemPlan({
    platform: process.platform,
    enabled,
    isPackaged: app.isPackaged,
    execPath: process.execPath,
    appImage: process.env.APPIMAGE,
    configHome: process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'),
  });
  try {
    if (plan.kind === 'electron') app.setLoginItemSettings(plan.settings);
    else if (plan.kind === 'none') {
      if (enabled) console.log(`[jarvis] start at login: ${plan.reason}`);
    } else if (plan.contents === null) fs.rmSync(plan.file, { force: true });
    else {
      fs.mkdirSync(path.dirname(plan.file), { recursive: true });
      fs.writeFileSync(plan.file, plan.contents, { mode: 0o644 });
    }
  } catch (error) {
    console.error('Could not change whether Jarvis starts at login:', error);
  }
}

function run(): void {
  // Set before anything is created, so it covers every web contents from the first one.
  hardenAllWebContents();
  const paths = desktopPaths({ mainDir: __dirname, isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath, env: process.env });
  const hidden = startedHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin);
  let jarvis: RunningJarvis | null = null;
  let appOrigin: string | null = null;
  let link: CoreLink | null = null;
  let daemon: DaemonSupervisor | null = null;
  let mainWindow: BrowserWindow | null = null;
  let quickGoal: BrowserWindow | null = null;
  // Held here for the app's lifetime: a tray object that is garbage-collected disappears from the tray.
  let tray: TrayController | null = null;
  let stopUpdates = (): void => undefined;

  const live = (win: BrowserWindow | null): win is BrowserWindow => win !== null && !win.isDestroyed();
  const windowSetup = (): MainWindowSetup | null => {
    // Until the core is up there is nothing to show; the window opens by itself once it is.
    if (jarvis === null || appOrigin === null || shutdown.quitting) return null;
    const core = jarvis;
    return { appOrigin, signInUrl: () => core.createSignInUrl(), preloadPath: paths.preload, iconPath: paths.appIcon, devTools: !app.isPackaged, mayClose: () => shutdown.quitting };
  };

  const showWindow = (route: string | null = null): void => {
    const setup = windowSetup();
    if (setup === null) return;
    if (live(mainWindow)) {
      revealWindow(mainWindow);
      if (route !== null) showRoute(mainWindow, setup.appOrigin, route);
      return;
    }
    const win = createMainWindow(setup);
    mainWindow = win;
    // A new window first loads its sign-in link; going to the route before that would drop the one-time code.
    if (route !== null) win.webContents.once('did-finish-load', () => showRoute(win, setup.appOrigin, route));
  };
  const showQuickGoal = (): void => {
    const setup = windowSetup();
    if (setup === null) return;
    if (live(quickGoal)) revealWindow(quickGoal);
    else quickGoal = createQuickGoalWindow(setup);
  };
  const mainWindowVisible = (): boolean => live(mainWindow) && mainWindow.isVisible() && !mainWindow.isMinimized();

  // Stops everything that started, whatever got that far: the core first (its audit checkpoint, and it may be
  // mid-command to the daemon), then the daemon.
  shutdown.attach(async () => {
    stopUpdates();
    globalShortcut.unregisterAll();
    link?.close();
    try {
      await jarvis?.stop();
    } finally {
      await daemon?.stop();
    }
  });

  const start = async (): Promise<void> => {
    // JARVIS_HOME still wins, as it does for `jarvis serve`; otherwise Electron's per-user folder.
    const home = process.env.JARVIS_HOME ? {} : { homeOverride: app.getPath('userData') };
    const settings = loadSettings(home);
    // The daemon starts alongside the core; the core reaches it only once paired, and retries on its own.
    if (settings.manageDaemon) {
      daemon = startDaemonSupervision(paths.daemon, settings.managedDaemonPort, (reason) => notify('The Jarvis daemon could not start', reason));
    }
    const core = await startJarvis({ ...home, mode: 'desktop' });
    jarvis = core;
    const origin = requireAppOrigin(core.url);
    appOrigin = origin;

    const approvals = createNativeApprovals({ link: { approval: (id) => coreLink.approval(id), decide: (id, d) => coreLink.decide(id, d) }, mainWindowVisible, openMain: (route) => showWindow(route) });
    const coreLink = createCoreLink({
      baseUrl: origin,
      // The shell acts for the person at this machine, with the install's own token, through the same API as the page.
      token: fs.readFileSync(tokenFile(core.home), 'utf8').trim(),
      onReport: (report) => tray?.update(report),
      onApproval: (approval) => approvals.onApproval(approval),
      onApprovalUpdate: (approval) => approvals.onApprovalUpdate(approval),
    });
    link = coreLink;

    tray = createTray(
      paths.trayIcons,
      {
        open: () => showWindow(),
        newGoal: showQuickGoal,
        setPaused: (paused) => {
          coreLink.setKillSwitch(paused).catch((error: unknown) => notify('The kill switch did not change', (error as Error).message, () => showWindow()));
        },
        quit: () => app.quit(),
      },
      coreLink.report(),
    );
    coreLink.start();

    registerIpcHandlers(
      origin,
      {
        closeQuickGoal: () => quickGoal?.hide(),
        goalSubmitted: (goal: GoalSubmitted) => {
          quickGoal?.hide();
          const route = goal.task_id === null ? null : `#/tasks/${encodeURIComponent(goal.task_id)}`;
          if (!mainWindowVisible()) notify('Jarvis is on it', goal.goal, () => showWindow(route));
        },
        openMain: (route) => {
          quickGoal?.hide();
          showWindow(route);
        },
      },
      (id) => (live(mainWindow) && mainWindow.webContents.id === id ? 'main' : live(quickGoal) && quickGoal.webContents.id === id ? 'quick-goal' : null),
    );

    if (settings.globalHotkey !== '') {
      let registered = false;
      try {
        registered = globalShortcut.register(settings.globalHotkey, showQuickGoal);
      } catch (error) {
        console.error(`The hotkey ${settings.globalHotkey} could not be registered:`, error);
      }
      if (!registered) notify('Jarvis hotkey unavailable', `${settings.globalHotkey} is taken by another app. Choose another "globalHotkey" in config.json.`);
    }
    applyLoginItem(settings.startAtLogin);
    stopUpdates = startAutoUpdates(
      updatePlan({ autoUpdate: settings.autoUpdate, updateFeedUrl: settings.updateFeedUrl, isPackaged: app.isPackaged, platform: process.platform, appImage: process.env.APPIMAGE }),
      () => shutdown.stop(),
    );
    if (!hidden) showWindow();
  };

  app.on('second-instance', () => showWindow());
  // macOS: clicking the Dock icon.
  app.on('activate', () => showWindow());
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
      // Whatever did start (the daemon, the core) still gets stopped cleanly.
      await shutdown.stop();
      app.exit(1);
    });
}
