// Runs an OS program from argv (never a shell) with a deadline, an output cap and a kill that reaches its whole process group.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ProcessSpec {
  /** Absolute path of the program (see findProgram), or a name the OS looks up itself. */
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** SIGKILL after this long; the result says timedOut. */
  timeoutMs: number;
  /** Cap on stdout + stderr together; past it the process is killed and the result says truncated. */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES); nothing ran. */
  spawnError: string | null;
}

/** After the process exits, how long to wait for its pipes (a grandchild may hold them open). */
const PIPE_GRACE_MS = 500;
/** setTimeout fires at once for delays past 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** SIGKILL the process group (POSIX) so children a program started die with it; on Windows only the process itself. */
function killTree(pid: number | undefined, kill: () => void): void {
  if (pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
      return;
    } catch {
      // The group is gone already; fall through to the process itself.
    }
  }
  kill();
}

export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const result: ProcessResult = { code: null, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false, spawnError: null };
    if (spec.signal?.aborted) {
      resolve({ ...result, aborted: true });
      return;
    }
    const child = spawn(spec.file, [...spec.args], {
      env: spec.env,
      ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      // Its own process group on POSIX, so one kill reaches everything it started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const kill = (): void => killTree(child.pid, () => child.kill('SIGKILL'));

    const deadline = setTimeout(() => {
      result.timedOut = true;
      kill();
    }, Math.min(Math.max(spec.timeoutMs, 0), MAX_TIMER_MS));
    const onAbort = (): void => {
      result.aborted = true;
      kill();
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (graceTimer) clearTimeout(graceTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      result.stdout = Buffer.concat(out).toString('utf8');
      result.stderr = Buffer.concat(err).toString('utf8');
      resolve(result);
    };
    const collect =
      (into: Buffer[]) =>
      (chunk: Buffer): void => {
        const room = spec.maxOutputBytes - bytes;
        if (room <= 0) return;
        const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
        into.push(kept);
        bytes += kept.length;
        if (chunk.length > room) {
          result.truncated = true;
          kill();
        }
      };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e) => {
      // 'error' without a pid means it never started; with one, a kill failed and 'close' still follows.
      if (child.pid === undefined) {
        result.spawnError = e.message;
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      result.code = code;
      result.signal = signal;
      // Whatever it left running in its group goes too, or its pipes could stay open for ever.
      killTree(child.pid, () => undefined);
      graceTimer = setTimeout(finish, PIPE_GRACE_MS);
    });
    child.on('close', finish);
  });
}

/** The absolute path of a program on the given PATH (with PATHEXT on Windows), or null. */
export function findProgram(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  // The files are looked at on this machine, so its own path rules apply; `platform` decides PATH's separator and PATHEXT.
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) return path.isAbsolute(name) && isExecutable(name, platform) ? name : null;
  // Relative PATH entries would depend on the daemon's working folder: skipped.
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter((d) => d !== '' && path.isAbsolute(d));
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate, platform)) return candidate;
    }
  }
  return null;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The signal's number on this OS (for the shell's 128+n exit code convention), or 0 if unknown. */
export function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 0;
}
