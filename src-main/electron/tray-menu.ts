// The tray menu as data, so its entries, their order and what each does are tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import { trayStatusText, type CoreReport } from './tray-state';

export interface TrayActions {
  open(): void;
  /** Opens the small goal box, as the global hotkey does. */
  newGoal(): void;
  /** Turns the kill switch on (true) or off (false). */
  setPaused(paused: boolean): void;
  quit(): void;
}

export function trayMenuTemplate(actions: TrayActions, report: CoreReport): MenuItemConstructorOptions[] {
  const reachable = report.connected;
  return [
    // The state in words, for desktops whose trays show no tooltip (most Linux ones).
    { id: 'status', label: trayStatusText(report), enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Jarvis', click: () => actions.open() },
    { id: 'new-goal', label: 'New goal…', enabled: reachable, click: () => actions.newGoal() },
    {
      id: 'pause-all',
      // A checkbox reads the same whichever way it is flipped, so the label never lies about the state.
      label: 'Pause all (kill switch)',
      type: 'checkbox',
      checked: report.killSwitch,
      enabled: reachable,
      click: () => actions.setPaused(!report.killSwitch),
    },
    { type: 'separator' },
    // "Quit" stops the core, which writes the audit checkpoint, and then the daemon, before the process exits.
    { id: 'quit', label: 'Quit Jarvis', click: () => actions.quit() },
  ];
}
