// Checks that the desktop bridge carries the documented facts and that each function reaches only its own channel.
import { describe, expect, it, vi } from 'vitest';
import { buildDesktopBridge, DESKTOP_BRIDGE_KEY, type Invoke } from './bridge';
import { IPC_CHANNELS } from './ipc-channels';

const facts = { platform: 'linux', versions: { electron: '45.4.1', chrome: '142.0.0.0', node: '22.20.0', v8: '14.2' } };

describe('buildDesktopBridge', () => {
  it('copies the platform and the two versions, and offers exactly three named functions', () => {
    const bridge = buildDesktopBridge(facts, vi.fn<Invoke>());
    expect(bridge.platform).toBe('linux');
    expect(bridge.versions).toEqual({ electron: '45.4.1', chrome: '142.0.0.0' });
    expect(Object.keys(bridge).sort()).toEqual(['closeQuickGoal', 'goalSubmitted', 'openMainWindow', 'platform', 'versions']);
    expect(DESKTOP_BRIDGE_KEY).toBe('jarvisDesktop');
  });

  it('is frozen all the way down', () => {
    const bridge = buildDesktopBridge(facts, vi.fn<Invoke>());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.versions)).toBe(true);
  });

  it('sends each request on its fixed channel with only the documented fields', async () => {
    const invoke = vi.fn<Invoke>(() => Promise.resolve({ ok: true }));
    const bridge = buildDesktopBridge(facts, invoke);
    await expect(bridge.closeQuickGoal()).resolves.toEqual({ ok: true });
    // Extra properties a page might smuggle along are dropped here, and refused again by the main process.
    await bridge.goalSubmitted({ task_id: 'tsk_1', goal: 'echo hi', ...{ channel: 'other' } });
    await bridge.openMainWindow('#/tasks/tsk_1');
    await bridge.openMainWindow();
    expect(invoke.mock.calls).toEqual([
      [IPC_CHANNELS.closeQuickGoal, undefined],
      [IPC_CHANNELS.goalSubmitted, { task_id: 'tsk_1', goal: 'echo hi' }],
      [IPC_CHANNELS.openMain, { route: '#/tasks/tsk_1' }],
      [IPC_CHANNELS.openMain, {}],
    ]);
  });

  it('reports empty strings when a version is missing rather than undefined', () => {
    expect(buildDesktopBridge({ platform: 'win32', versions: {} }, vi.fn<Invoke>()).versions).toEqual({ electron: '', chrome: '' });
  });
});
