// The tray menu as data, so its entries and their order are tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export interface TrayActions {
  open(): void;
  quit(): void;
}

export function trayMenuTemplate(actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: 'Open Jarvis', click: () => actions.open() },
    { type: 'separator' },
    // "Quit" stops the core, which writes the audit checkpoint, before the process exits.
    { id: 'quit', label: 'Quit Jarvis', click: () => actions.quit() },
  ];
}
