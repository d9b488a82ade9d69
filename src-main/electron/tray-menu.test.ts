// Checks the tray menu's entries, their order, their state and what each one does.
import { describe, expect, it, vi } from 'vitest';
import { trayMenuTemplate, type TrayActions } from './tray-menu';
import type { CoreReport } from './tray-state';

const report = (over: Partial<CoreReport> = {}): CoreReport => ({ connected: true, runningTasks: 0, pendingApprovals: 0, killSwitch: false, ...over });
const actions = () => ({ open: vi.fn<() => void>(), newGoal: vi.fn<() => void>(), setPaused: vi.fn<(paused: boolean) => void>(), quit: vi.fn<() => void>() }) satisfies TrayActions;

function click(template: ReturnType<typeof trayMenuTemplate>, id: string): void {
  const item = template.find((entry) => entry.id === id);
  if (!item?.click) throw new Error(`no clickable item ${id}`);
  // The menu passes (item, window, event); the actions ignore them.
  Reflect.apply(item.click, undefined, []);
}

describe('trayMenuTemplate', () => {
  it('shows the state, then Open, New goal, Pause all, then Quit', () => {
    const template = trayMenuTemplate(actions(), report({ runningTasks: 2 }));
    expect(template.map((item) => item.id ?? item.type)).toEqual(['status', 'separator', 'open', 'new-goal', 'pause-all', 'separator', 'quit']);
    expect(template[0]).toMatchObject({ label: 'Jarvis: working on 2 tasks', enabled: false });
    expect(template.map((item) => item.label)).toEqual(['Jarvis: working on 2 tasks', undefined, 'Open Jarvis', 'New goal…', 'Pause all (kill switch)', undefined, 'Quit Jarvis']);
  });

  it('wires each entry to its action', () => {
    const a = actions();
    const template = trayMenuTemplate(a, report());
    click(template, 'open');
    expect(a.open).toHaveBeenCalledTimes(1);
    click(template, 'new-goal');
    expect(a.newGoal).toHaveBeenCalledTimes(1);
    click(template, 'quit');
    expect(a.quit).toHaveBeenCalledTimes(1);
    expect(a.setPaused).not.toHaveBeenCalled();
  });

  it('turns the kill switch on when it is off, and off when it is on, showing which as a check mark', () => {
    const a = actions();
    const off = trayMenuTemplate(a, report());
    expect(off.find((item) => item.id === 'pause-all')).toMatchObject({ type: 'checkbox', checked: false, enabled: true });
    click(off, 'pause-all');
    expect(a.setPaused).toHaveBeenLastCalledWith(true);

    const on = trayMenuTemplate(a, report({ killSwitch: true }));
    expect(on.find((item) => item.id === 'pause-all')).toMatchObject({ checked: true });
    click(on, 'pause-all');
    expect(a.setPaused).toHaveBeenLastCalledWith(false);
  });

  it('disables what needs the core while it cannot be reached, but keeps Open and Quit', () => {
    const template = trayMenuTemplate(actions(), report({ connected: false }));
    const enabled = (id: string) => template.find((item) => item.id === id)?.enabled ?? true;
    expect(enabled('new-goal')).toBe(false);
    expect(enabled('pause-all')).toBe(false);
    expect(enabled('open')).toBe(true);
    expect(enabled('quit')).toBe(true);
    expect(template[0]?.label).toBe('Jarvis: cannot reach its core');
  });
});
