// Auto-update through electron-updater: signed, checksummed downloads from the configured feed, then a "restart to update" prompt.
import { dialog } from 'electron';
import { autoUpdater } from 'electron-updater';
import { restartToUpdateDialog, updateChoiceOf, type UpdatePlan } from './update-plan';

// Often enough that a fix arrives the same day, rarely enough to be invisible on the network.
const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * `beforeRestart` stops the core (audit checkpoint) and the daemon, so installing never cuts a write short.
 * Returns a function that stops the periodic checks.
 */
export function startAutoUpdates(plan: UpdatePlan, beforeRestart: () => Promise<void>): () => void {
  if (!plan.enabled) {
    console.log(`[jarvis] updates: ${plan.reason}`);
    return () => undefined;
  }
  if (plan.feed !== null) autoUpdater.setFeedURL(plan.feed);
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  // Never move backwards or onto a pre-release: an older signed build could bring back a fixed hole.
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;

  let prompted = false;
  autoUpdater.on('error', (error: Error) => console.error('[jarvis] update check failed:', error.message));
  autoUpdater.on('update-downloaded', (info: { version: string }) => {
    if (prompted) return;
    prompted = true;
    void dialog.showMessageBox(restartToUpdateDialog(info.version)).then(async ({ response }) => {
      if (updateChoiceOf(response) !== 'restart') return;
      await beforeRestart();
      autoUpdater.quitAndInstall();
    });
  });
  const check = (): void => {
    autoUpdater.checkForUpdates().catch((error: unknown) => console.error('[jarvis] update check failed:', error));
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
