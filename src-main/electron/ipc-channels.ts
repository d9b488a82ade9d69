// The IPC channel names and reply shape, with no imports, so the sandboxed preload can include them as they are.

/** Every channel the preload may invoke; the main process handles these and no others. */
export const IPC_CHANNELS = {
  /** The goal box asks to be hidden (Esc, or after it sent a goal). */
  closeQuickGoal: 'jarvis:quick-goal:close',
  /** The goal box sent a goal to the core (itself, over the API) and tells the shell, which confirms it natively. */
  goalSubmitted: 'jarvis:quick-goal:submitted',
  /** The goal box asks to show the main window, optionally at a route such as `#/tasks/<id>`. */
  openMain: 'jarvis:main:open',
} as const;
export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

export type IpcReply = { ok: true } | { ok: false; error: { code: 'forbidden' | 'bad_request' | 'unknown_channel'; message: string } };
