// The `window.jarvisDesktop` object the preload exposes: its type for the renderer and how it is built.
// Everything else the renderer needs goes through the core's HTTP/WS API, so this stays a handful of read-only facts.

export interface JarvisDesktop {
  /** Node's platform name (`darwin`, `win32`, `linux`, ...), for platform-specific shortcuts and wording. */
  readonly platform: string;
  readonly versions: {
    readonly electron: string;
    readonly chrome: string;
  };
}

/** The global name the bridge is exposed under; the renderer reads `window.jarvisDesktop`. */
export const DESKTOP_BRIDGE_KEY = 'jarvisDesktop';

/** The part of `process` the bridge reads; the sandboxed preload's `process` has these fields. */
export interface ProcessFacts {
  readonly platform: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
}

/** Builds the bridge from plain data only: no functions that reach Node or IPC, nothing mutable. */
export function buildDesktopBridge(facts: ProcessFacts): JarvisDesktop {
  return Object.freeze({
    platform: facts.platform,
    versions: Object.freeze({
      electron: facts.versions['electron'] ?? '',
      chrome: facts.versions['chrome'] ?? '',
    }),
  });
}
