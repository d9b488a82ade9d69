// Sandboxed preload: exposes `window.jarvisDesktop` (read-only facts and three named window requests) and nothing else.
// No ipcRenderer, no generic on/emit: the renderer talks to the core over HTTP/WS like any other client.
import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopBridge, DESKTOP_BRIDGE_KEY } from './bridge';

contextBridge.exposeInMainWorld(
  DESKTOP_BRIDGE_KEY,
  buildDesktopBridge(process, (channel, payload) => ipcRenderer.invoke(channel, payload)),
);
