// Checks the tray menu's entries, their order and what each one does.
import { describe, expect, it, vi } from 'vitest';
import { trayMenuTemplate } from './tray-menu';

describe('trayMenuTemplate', () => {
  it('offers Open, then Quit', () => {
    const template = trayMenuTemplate({ open: vi.fn(), quit: vi.fn() });
    expect(template.map((item) => item.id ?? item.type)).toEqual(['open', 'separator', 'quit']);
    expect(template.map((item) => item.label)).toEqual(['Open Jarvis', undefined, 'Quit Jarvis']);
  });

  it('wires each entry to its action', () => {
    const actions = { open: vi.fn(), quit: vi.fn() };
    const template = trayMenuTemplate(actions);
    const click = (id: string) => {
      const item = template.find((entry) => entry.id === id);
      if (!item?.click) throw new Error(`no clickable item ${id}`);
      // The menu passes (item, window, event); the actions ignore them.
      Reflect.apply(item.click, undefined, []);
    };
    click('open');
    expect(actions.open).toHaveBeenCalledTimes(1);
    expect(actions.quit).not.toHaveBeenCalled();
    click('quit');
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });
});
