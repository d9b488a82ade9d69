// Where the desktop app finds its preload script and icons, in development and in a packaged build.
import path from 'node:path';

export interface PathFacts {
  /** `__dirname` of the bundled main script: out/main, inside app.asar once packaged. */
  readonly mainDir: string;
  /** `app.isPackaged`. */
  readonly isPackaged: boolean;
  /** `app.getAppPath()`: the folder holding package.json. */
  readonly appPath: string;
  /** `process.resourcesPath`: the packaged app's resources folder. */
  readonly resourcesPath: string;
}

export interface DesktopPaths {
  readonly preload: string;
  readonly appIcon: string;
  /** Electron picks `tray@2x.png` beside it on high-density displays. */
  readonly trayIcon: string;
}

export function desktopPaths(facts: PathFacts): DesktopPaths {
  // Icons are read by the OS as well as by Electron, so a packaged build ships them outside the asar
  // archive (electron-builder `extraResources`: build/icons -> icons), see build/README.md.
  const icons = facts.isPackaged ? path.join(facts.resourcesPath, 'icons') : path.join(facts.appPath, 'build', 'icons');
  return {
    // electron-vite writes out/main/index.js and out/preload/preload.js side by side.
    preload: path.join(facts.mainDir, '..', 'preload', 'preload.js'),
    appIcon: path.join(icons, 'icon.png'),
    trayIcon: path.join(icons, 'tray.png'),
  };
}
