// Sandboxed preload: exposes the read-only `window.jarvisDesktop` facts and nothing else.
// No ipcRenderer, no generic on/emit: the renderer talks to the core over HTTP/WS like any other client,
// and each future native feature gets its own named, validated function here.
import { contextBridge } from 'electron';
import { buildDesktopBridge, DESKTOP_BRIDGE_KEY } from './bridge';

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, buildDesktopBridge(process));
