// Checks where the desktop app looks for its preload script, icons and the daemon program.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopPaths } from './paths';

describe('desktopPaths', () => {
  it('uses the repository layout while developing, with the daemon under Node from its sources', () => {
    const paths = desktopPaths({ mainDir: '/src/jarvis/out/main', isPackaged: false, appPath: '/src/jarvis', resourcesPath: '/ignored', env: { npm_node_execpath: '/usr/bin/node' } });
    expect(paths).toEqual({
      preload: path.join('/src/jarvis/out/preload/preload.js'),
      appIcon: path.join('/src/jarvis/build/icons/icon.png'),
      trayIcons: {
        idle: path.join('/src/jarvis/build/icons/tray.png'),
        working: path.join('/src/jarvis/build/icons/tray-working.png'),
        approval: path.join('/src/jarvis/build/icons/tray-approval.png'),
        paused: path.join('/src/jarvis/build/icons/tray-paused.png'),
        offline: path.join('/src/jarvis/build/icons/tray-offline.png'),
      },
      daemon: { kind: 'node', execPath: '/usr/bin/node', script: path.join('/src/jarvis/bin/jarvis-daemon.cjs'), args: ['serve'] },
    });
  });

  it('falls back to the node on PATH when npm did not start the app', () => {
    const paths = desktopPaths({ mainDir: '/a/out/main', isPackaged: false, appPath: '/a', resourcesPath: '/r', env: {} });
    expect(paths.daemon).toMatchObject({ kind: 'node', execPath: 'node' });
  });

  it('reads icons from the resources folder once packaged, the preload and the daemon from inside the archive', () => {
    const paths = desktopPaths({
      mainDir: '/opt/Jarvis/resources/app.asar/out/main',
      isPackaged: true,
      appPath: '/opt/Jarvis/resources/app.asar',
      resourcesPath: '/opt/Jarvis/resources',
      env: { npm_node_execpath: '/usr/bin/node' },
    });
    expect(paths.preload).toBe(path.join('/opt/Jarvis/resources/app.asar/out/preload/preload.js'));
    expect(paths.appIcon).toBe(path.join('/opt/Jarvis/resources/icons/icon.png'));
    expect(paths.trayIcons.approval).toBe(path.join('/opt/Jarvis/resources/icons/tray-approval.png'));
    // Never a Node binary in a packaged app: the RunAsNode fuse is off and the daemon runs as a utility process.
    expect(paths.daemon).toEqual({ kind: 'utility', modulePath: path.join('/opt/Jarvis/resources/app.asar/out/main/daemon.js') });
  });

  it('always yields absolute paths, as BrowserWindow and utilityProcess require', () => {
    const paths = desktopPaths({ mainDir: '/a/out/main', isPackaged: true, appPath: '/a', resourcesPath: '/r' });
    const all = [paths.preload, paths.appIcon, ...Object.values(paths.trayIcons), paths.daemon.kind === 'utility' ? paths.daemon.modulePath : ''];
    expect(all.every((p) => path.isAbsolute(p))).toBe(true);
  });
});
