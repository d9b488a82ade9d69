// The tray icon: Jarvis keeps running there when its window is closed.
import { Menu, nativeImage, Tray } from 'electron';
import { trayMenuTemplate, type TrayActions } from './tray-menu';

export function createTray(iconPath: string, actions: TrayActions): Tray {
  const image = nativeImage.createFromPath(iconPath);
  // An empty image gives an invisible tray entry on most desktops, leaving no way to reopen the window.
  if (image.isEmpty()) console.error(`The tray icon ${iconPath} could not be read; the tray entry may be invisible.`);
  const tray = new Tray(image);
  tray.setToolTip('Jarvis');
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(actions)));
  // Windows and most Linux desktops report a left click here; macOS opens the menu instead.
  tray.on('click', () => actions.open());
  return tray;
}
