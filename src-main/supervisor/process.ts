// What the supervisor needs from a running daemon, and that view over a Node child process (development and tests).
import { spawn } from 'node:child_process';

export interface DaemonExit {
  /** Exit code, or null when a signal ended it or it never started. */
  code: number | null;
  signal: string | null;
  /** Why it could not be started at all (for example, the program was not found). */
  error?: string;
}

/**
 * A started daemon process. The desktop app builds one on Electron's `utilityProcess` (which the
 * packaged app needs, its RunAsNode fuse being off); development and tests build one on child_process.
 */
export interface DaemonProcess {
  readonly pid: number | null;
  /** Asks it to stop cleanly: the daemon closes its store and audits the stop (SIGTERM). */
  terminate(): void;
  /** Ends it at once (SIGKILL where the platform has signals). */
  kill(): void;
  /** Called exactly once, when the process has gone (or failed to start). */
  onExit(listener: (exit: DaemonExit) => void): void;
  /** Text the process writes on stdout and stderr, kept for the report when it fails. */
  onOutput(listener: (text: string) => void): void;
}

export interface SpawnRequest {
  /** The complete environment for the daemon (the supervisor sets its home, port and bind address). */
  env: Record<string, string>;
}

export type SpawnDaemon = (request: SpawnRequest) => DaemonProcess;

export interface NodeDaemonCommand {
  /** The daemon's entry script, e.g. bin/jarvis-daemon.cjs. */
  script: string;
  args?: readonly string[];
  /** The Node binary; the current one by default (inside Electron that would be Electron, so pass one). */
  execPath?: string;
  cwd?: string;
}

/** A spawner that runs the daemon as a plain Node child process. */
export function nodeDaemonSpawner(command: NodeDaemonCommand): SpawnDaemon {
  return ({ env }) => {
    const child = spawn(command.execPath ?? process.execPath, [command.script, ...(command.args ?? [])], {
      env,
      ...(command.cwd === undefined ? {} : { cwd: command.cwd }),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const exitListeners: ((exit: DaemonExit) => void)[] = [];
    const outputListeners: ((text: string) => void)[] = [];
    let exit: DaemonExit | null = null;
    const ended = (result: DaemonExit): void => {
      if (exit !== null) return;
      exit = result;
      for (const listener of exitListeners) listener(result);
    };
    const forward = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      for (const listener of outputListeners) listener(text);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('exit', (code, signal) => ended({ code, signal }));
    // 'error' without 'exit' means it never ran (ENOENT, EACCES); either way the supervisor hears of it once.
    child.once('error', (err) => ended({ code: null, signal: null, error: err.message }));
    return {
      pid: child.pid ?? null,
      terminate: () => void child.kill('SIGTERM'),
      kill: () => void child.kill('SIGKILL'),
      onExit(listener) {
        if (exit !== null) listener(exit);
        else exitListeners.push(listener);
      },
      onOutput(listener) {
        outputListeners.push(listener);
      },
    };
  };
}
