// Where the desktop app finds its preload script, icons and the daemon program, in development and in a packaged build.
import path from 'node:path';
import { TRAY_STATES, trayIconFile, type TrayState } from './tray-state';

export interface PathFacts {
  /** `__dirname` of the bundled main script: out/main, inside app.asar once packaged. */
  readonly mainDir: string;
  /** `app.isPackaged`. */
  readonly isPackaged: boolean;
  /** `app.getAppPath()`: the folder holding package.json. */
  readonly appPath: string;
  /** `process.resourcesPath`: the packaged app's resources folder. */
  readonly resourcesPath: string;
  /** The environment, for the Node binary that runs the daemon while developing. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** How to start the daemon: Electron's utility process in a packaged app, a plain Node process while developing. */
export type DaemonLaunch =
  | { readonly kind: 'utility'; readonly modulePath: string }
  | { readonly kind: 'node'; readonly execPath: string; readonly script: string; readonly args: readonly string[] };

export interface DesktopPaths {
  readonly preload: string;
  readonly appIcon: string;
  /** One icon per tray state; Electron picks the `@2x` file beside each on high-density displays. */
  readonly trayIcons: Readonly<Record<TrayState, string>>;
  readonly daemon: DaemonLaunch;
}

export function desktopPaths(facts: PathFacts): DesktopPaths {
  // Icons are read by the OS as well as by Electron, so a packaged build ships them outside the asar
  // archive (electron-builder `extraResources`: build/icons -> icons), see build/README.md.
  const icons = facts.isPackaged ? path.join(facts.resourcesPath, 'icons') : path.join(facts.appPath, 'build', 'icons');
  const trayIcons = Object.fromEntries(TRAY_STATES.map((state) => [state, path.join(icons, trayIconFile(state))])) as Record<TrayState, string>;
  return {
    // electron-vite writes out/main/index.js and out/preload/preload.js side by side.
    preload: path.join(facts.mainDir, '..', 'preload', 'preload.js'),
    appIcon: path.join(icons, 'icon.png'),
    trayIcons: Object.freeze(trayIcons),
    daemon: facts.isPackaged
      ? // Bundled beside the main script (out/main/daemon.js, inside the integrity-checked asar). The RunAsNode
        // fuse is off, so Electron's own binary cannot serve as Node: a utility process runs it instead.
        { kind: 'utility', modulePath: path.join(facts.mainDir, 'daemon.js') }
      : // While developing, node_modules holds addons built for Node, not Electron: the daemon runs under Node
        // (the one npm was started with, else the one on PATH) straight from its TypeScript sources.
        { kind: 'node', execPath: facts.env?.npm_node_execpath || 'node', script: path.join(facts.appPath, 'bin', 'jarvis-daemon.cjs'), args: ['serve'] },
  };
}
