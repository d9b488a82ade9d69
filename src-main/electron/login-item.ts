// Start at login as a plan: Electron's login items on macOS and Windows, an XDG autostart entry on Linux, nothing while developing.
import path from 'node:path';

/** The argument a login start carries, so Jarvis starts in the tray instead of opening its window. */
export const HIDDEN_ARG = '--hidden';

export type LoginItemPlan =
  | { kind: 'electron'; settings: { openAtLogin: boolean; args: string[] } }
  /** `contents: null` removes the entry. */
  | { kind: 'xdg'; file: string; contents: string | null }
  | { kind: 'none'; reason: string };

export interface LoginItemFacts {
  platform: NodeJS.Platform;
  enabled: boolean;
  isPackaged: boolean;
  /** `process.execPath`: the installed app's binary. */
  execPath: string;
  /** `$APPIMAGE`: an AppImage runs from a temporary mount, so the autostart entry must name the image itself. */
  appImage: string | undefined;
  /** `$XDG_CONFIG_HOME`, or ~/.config. */
  configHome: string;
}

/** Quotes a path for a desktop entry's Exec key (the XDG spec's rules: double quotes, with ", `, $ and \ escaped). */
export function desktopExecQuote(arg: string): string {
  return `"${arg.replace(/[\\"`$]/g, (ch) => `\\${ch}`)}"`;
}

export function loginItemPlan(facts: LoginItemFacts): LoginItemPlan {
  // A development build would register a bare Electron binary that cannot find the app again.
  if (!facts.isPackaged) return { kind: 'none', reason: 'Only an installed Jarvis starts at login; this is a development build.' };
  if (facts.platform === 'darwin' || facts.platform === 'win32') {
    return { kind: 'electron', settings: { openAtLogin: facts.enabled, args: facts.enabled ? [HIDDEN_ARG] : [] } };
  }
  if (facts.platform === 'linux') {
    const file = path.join(facts.configHome, 'autostart', 'jarvis.desktop');
    if (!facts.enabled) return { kind: 'xdg', file, contents: null };
    const program = facts.appImage !== undefined && facts.appImage !== '' ? facts.appImage : facts.execPath;
    const contents = [
      '[Desktop Entry]',
      'Type=Application',
      'Name=Jarvis',
      'Comment=Starts Jarvis in the tray when you log in',
      `Exec=${desktopExecQuote(program)} ${HIDDEN_ARG}`,
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n');
    return { kind: 'xdg', file, contents };
  }
  return { kind: 'none', reason: `Starting at login is not supported on ${facts.platform}.` };
}

/** Whether this start came from a login item: then Jarvis stays in the tray until the person opens it. */
export function startedHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return openedAtLogin || argv.includes(HIDDEN_ARG);
}
