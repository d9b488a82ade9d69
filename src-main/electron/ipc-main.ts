// Registers the IPC handlers with Electron: each message is described (frame URL, top frame?, which window) and handed to the pure dispatcher.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { createIpcDispatcher, IPC_CHANNEL_NAMES, type IpcActions, type WindowRole } from './ipc';

export function registerIpcHandlers(appOrigin: string, actions: IpcActions, windowRoleOf: (webContentsId: number) => WindowRole | null): () => void {
  const dispatch = createIpcDispatcher(appOrigin, actions);
  for (const channel of IPC_CHANNEL_NAMES) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      const reply = dispatch(channel, { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null, window: windowRoleOf(event.sender.id) }, payload);
      if (!reply.ok) console.error(`IPC ${channel} refused: ${reply.error.message}`);
      return reply;
    });
  }
  return () => {
    for (const channel of IPC_CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}
