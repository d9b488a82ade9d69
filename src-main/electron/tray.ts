// The tray icon: Jarvis keeps running there when its window is closed, and its icon and menu follow the core's state.
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { trayMenuTemplate, type TrayActions } from './tray-menu';
import { trayStateOf, trayStatusText, type CoreReport, type TrayState } from './tray-state';

export interface TrayController {
  update(report: CoreReport): void;
  destroy(): void;
}

export function createTray(icons: Readonly<Record<TrayState, string>>, actions: TrayActions, initial: CoreReport): TrayController {
  const images = new Map<TrayState, NativeImage>();
  const imageFor = (state: TrayState): NativeImage => {
    let image = images.get(state);
    if (image === undefined) {
      image = nativeImage.createFromPath(icons[state]);
      // An empty image gives an invisible tray entry on most desktops, leaving no way to reopen the window.
      if (image.isEmpty()) console.error(`The tray icon ${icons[state]} could not be read; the tray entry may be invisible.`);
      images.set(state, image);
    }
    return image;
  };

  const tray = new Tray(imageFor(trayStateOf(initial)));
  const render = (report: CoreReport): void => {
    tray.setImage(imageFor(trayStateOf(report)));
    tray.setToolTip(trayStatusText(report));
    // Menus are rebuilt, not mutated: the template is data and each click reads the state it was built with.
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(actions, report)));
  };
  render(initial);
  // Windows and most Linux desktops report a left click here; macOS opens the menu instead.
  tray.on('click', () => actions.open());
  return {
    update: render,
    destroy: () => tray.destroy(),
  };
}
