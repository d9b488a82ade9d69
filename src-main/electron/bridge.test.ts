// Checks that the desktop bridge carries exactly the documented read-only facts.
import { describe, expect, it } from 'vitest';
import { buildDesktopBridge, DESKTOP_BRIDGE_KEY } from './bridge';

describe('buildDesktopBridge', () => {
  it('copies the platform and the two versions, nothing else', () => {
    const bridge = buildDesktopBridge({
      platform: 'linux',
      versions: { electron: '45.4.1', chrome: '142.0.0.0', node: '22.20.0', v8: '14.2' },
    });
    expect(bridge).toEqual({ platform: 'linux', versions: { electron: '45.4.1', chrome: '142.0.0.0' } });
    expect(DESKTOP_BRIDGE_KEY).toBe('jarvisDesktop');
  });

  it('holds only data, frozen all the way down', () => {
    const bridge = buildDesktopBridge({ platform: 'darwin', versions: { electron: '45.4.1', chrome: '142.0.0.0' } });
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.versions)).toBe(true);
    const values = [...Object.values(bridge), ...Object.values(bridge.versions)];
    expect(values.every((value) => typeof value !== 'function')).toBe(true);
  });

  it('reports empty strings when a version is missing rather than undefined', () => {
    expect(buildDesktopBridge({ platform: 'win32', versions: {} }).versions).toEqual({ electron: '', chrome: '' });
  });
});
