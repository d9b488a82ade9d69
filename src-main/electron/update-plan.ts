// Auto-update as pure decisions: whether this install updates itself, from which feed, and the "restart to update" prompt.
import type { MessageBoxOptions } from 'electron';

export type UpdatePlan =
  | { enabled: false; reason: string }
  /** `feed: null` uses the feed electron-builder wrote into the installer (app-update.yml). */
  | { enabled: true; feed: { provider: 'generic'; url: string } | null };

export interface UpdateFacts {
  /** Settings `autoUpdate` and `updateFeedUrl` (validated: "" or an https URL). */
  autoUpdate: boolean;
  updateFeedUrl: string;
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** `$APPIMAGE`: on Linux only an AppImage replaces itself; a .deb is updated by the package manager. */
  appImage: string | undefined;
}

export function updatePlan(facts: UpdateFacts): UpdatePlan {
  if (!facts.autoUpdate) return { enabled: false, reason: 'Updates are turned off in settings (autoUpdate).' };
  if (!facts.isPackaged) return { enabled: false, reason: 'A development build does not update itself.' };
  if (facts.platform === 'linux' && (facts.appImage === undefined || facts.appImage === '')) {
    return { enabled: false, reason: 'Installed from a package: updates come through the system package manager.' };
  }
  // Defence in depth: settings already refuse anything else, and an http feed would let a network attacker pick the version.
  if (facts.updateFeedUrl !== '' && !facts.updateFeedUrl.startsWith('https://')) {
    return { enabled: false, reason: `The update feed ${facts.updateFeedUrl} is not https; updates are off until it is.` };
  }
  return { enabled: true, feed: facts.updateFeedUrl === '' ? null : { provider: 'generic', url: facts.updateFeedUrl } };
}

export type UpdateChoice = 'restart' | 'later';
const UPDATE_CHOICES: readonly UpdateChoice[] = ['later', 'restart'];

/** Shown once an update has been downloaded and verified. "Later" installs it at the next quit. */
export function restartToUpdateDialog(version: string): MessageBoxOptions {
  return {
    type: 'info',
    title: 'Update ready',
    message: `Jarvis ${version} is ready to install.`,
    detail: [
      'Restart now to use it, or choose Later and it is installed the next time Jarvis quits.',
      'Restarting stops Jarvis cleanly: running tasks pause after their current step and resume after the restart.',
      'The download was checked against its published checksum and, on macOS and Windows, its code signature.',
    ].join('\n'),
    buttons: ['Later', 'Restart now'],
    defaultId: UPDATE_CHOICES.indexOf('restart'),
    cancelId: UPDATE_CHOICES.indexOf('later'),
    noLink: true,
  };
}

export function updateChoiceOf(response: number): UpdateChoice {
  return UPDATE_CHOICES[response] ?? 'later';
}
