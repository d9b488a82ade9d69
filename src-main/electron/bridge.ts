// The `window.jarvisDesktop` object the preload exposes: its type for the renderer and how it is built.
// Data goes through the core's HTTP/WS API; this carries a few read-only facts and three named window requests.
import { IPC_CHANNELS, type IpcChannel, type IpcReply } from './ipc-channels';

export interface JarvisDesktop {
  /** Node's platform name (`darwin`, `win32`, `linux`, ...), for platform-specific shortcuts and wording. */
  readonly platform: string;
  readonly versions: {
    readonly electron: string;
    readonly chrome: string;
  };
  /** Goal box only: hide it. */
  closeQuickGoal(): Promise<IpcReply>;
  /** Goal box only: the goal was sent to the core as task `task_id` (null when it was not planned as a task). */
  goalSubmitted(goal: { task_id: string | null; goal: string }): Promise<IpcReply>;
  /** Goal box only: show the main window, at a `#/…` route if given. */
  openMainWindow(route?: string): Promise<IpcReply>;
}

/** The global name the bridge is exposed under; the renderer reads `window.jarvisDesktop`. */
export const DESKTOP_BRIDGE_KEY = 'jarvisDesktop';

/** The part of `process` the bridge reads; the sandboxed preload's `process` has these fields. */
export interface ProcessFacts {
  readonly platform: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
}

/** `ipcRenderer.invoke`, narrowed to the known channels. */
export type Invoke = (channel: IpcChannel, payload?: unknown) => Promise<unknown>;

/**
 * Builds the bridge: frozen, each function bound to one fixed channel, so a page can neither name another
 * channel nor reach `ipcRenderer` itself. Payloads are checked again in the main process, which trusts nothing from here.
 */
export function buildDesktopBridge(facts: ProcessFacts, invoke: Invoke): JarvisDesktop {
  const call = (channel: IpcChannel, payload?: unknown): Promise<IpcReply> => invoke(channel, payload) as Promise<IpcReply>;
  return Object.freeze({
    platform: facts.platform,
    versions: Object.freeze({
      electron: facts.versions['electron'] ?? '',
      chrome: facts.versions['chrome'] ?? '',
    }),
    closeQuickGoal: () => call(IPC_CHANNELS.closeQuickGoal),
    goalSubmitted: (goal: { task_id: string | null; goal: string }) => call(IPC_CHANNELS.goalSubmitted, { task_id: goal.task_id, goal: goal.goal }),
    openMainWindow: (route?: string) => call(IPC_CHANNELS.openMain, route === undefined ? {} : { route }),
  });
}
