// Checks where the desktop app looks for its preload script and icons.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopPaths } from './paths';

describe('desktopPaths', () => {
  it('uses the repository layout while developing', () => {
    const paths = desktopPaths({ mainDir: '/src/jarvis/out/main', isPackaged: false, appPath: '/src/jarvis', resourcesPath: '/ignored' });
    expect(paths).toEqual({
      preload: path.join('/src/jarvis/out/preload/preload.js'),
      appIcon: path.join('/src/jarvis/build/icons/icon.png'),
      trayIcon: path.join('/src/jarvis/build/icons/tray.png'),
    });
  });

  it('reads icons from the resources folder once packaged, the preload from inside the archive', () => {
    const paths = desktopPaths({
      mainDir: '/opt/Jarvis/resources/app.asar/out/main',
      isPackaged: true,
      appPath: '/opt/Jarvis/resources/app.asar',
      resourcesPath: '/opt/Jarvis/resources',
    });
    expect(paths.preload).toBe(path.join('/opt/Jarvis/resources/app.asar/out/preload/preload.js'));
    expect(paths.appIcon).toBe(path.join('/opt/Jarvis/resources/icons/icon.png'));
    expect(paths.trayIcon).toBe(path.join('/opt/Jarvis/resources/icons/tray.png'));
  });

  it('always yields absolute paths, as BrowserWindow requires for the preload', () => {
    const paths = desktopPaths({ mainDir: '/a/out/main', isPackaged: false, appPath: '/a', resourcesPath: '/r' });
    expect(Object.values(paths).every((p) => path.isAbsolute(p))).toBe(true);
  });
});
