// Starts the local daemon, waits until it answers, restarts it with growing waits when it dies, and stops it on quit.
import { z } from 'zod';
import { BackoffPolicy, DEFAULT_BACKOFF, restartDelayMs } from './backoff';
import { probeDaemon } from './probe';
import type { DaemonExit, DaemonProcess, SpawnDaemon } from './process';

export type SupervisorPhase = 'idle' | 'starting' | 'ready' | 'waiting' | 'external' | 'failed' | 'stopping' | 'stopped';

export type SupervisorEvent =
  | { type: 'spawned'; pid: number | null; attempt: number }
  | { type: 'ready'; pid: number | null; daemonId: string; url: string }
  | { type: 'exited'; pid: number | null; code: number | null; signal: string | null; wasReady: boolean; reason: string }
  | { type: 'not_ready'; pid: number | null; timeoutMs: number }
  | { type: 'restart_scheduled'; delayMs: number; failuresInRow: number; reason: string }
  | { type: 'external'; daemonId: string; url: string }
  | { type: 'gave_up'; reason: string; output: string }
  | { type: 'stopped' };

export interface SupervisorReady {
  url: string;
  daemonId: string;
  pid: number | null;
  /** False when another daemon already answered on the port: it is used, but neither restarted nor stopped. */
  managed: boolean;
}

export interface SupervisorStatus {
  phase: SupervisorPhase;
  url: string;
  pid: number | null;
  daemonId: string | null;
  /** Restarts scheduled since start (crashes and failed starts). */
  restarts: number;
  lastError: string | null;
  /** When the next restart happens (epoch ms), while waiting. */
  nextRestartAt: number | null;
}

/** The daemon cannot be had: the supervisor gave up, or was stopped before it was ready. */
export class DaemonUnavailableError extends Error {
  override readonly name = 'DaemonUnavailableError';
  constructor(
    message: string,
    readonly phase: 'failed' | 'stopped',
  ) {
    super(message);
  }
}

export const SupervisorSettings = z.strictObject({
  /** Fixed, never 0: the app pairs with ws://127.0.0.1:PORT, which must stay the same across restarts. */
  port: z.number().int().min(1).max(65535),
  /** JARVIS_DAEMON_HOME for the daemon; its own default folder when absent. */
  home: z.string().min(1).optional(),
  /** A daemon that has not answered this long after starting is killed and counted as a failed start. */
  readyTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
  probeIntervalMs: z.number().int().min(10).max(10_000).default(150),
  /** A daemon that ran this long before dying starts its backoff afresh. */
  stableAfterMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Failed starts in a row (never ready) before giving up and reporting it. */
  maxStartFailures: z.number().int().min(1).max(100).default(5),
  /** How long a clean stop may take before the daemon is killed. */
  stopTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  backoff: BackoffPolicy.default(DEFAULT_BACKOFF),
});
export type SupervisorSettings = z.input<typeof SupervisorSettings>;

export interface SupervisorOptions extends SupervisorSettings {
  spawn: SpawnDaemon;
  /** The environment the daemon inherits (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Told of everything that happens, for logs and the tray; a throwing listener is ignored. */
  onEvent?: (event: SupervisorEvent) => void;
}

export interface DaemonSupervisor {
  readonly url: string;
  status(): SupervisorStatus;
  /** Starts supervising (again, after it gave up); resolves once a daemon answers. */
  start(): Promise<SupervisorReady>;
  /** Resolves at once if a daemon answers now, else at the next time one does; rejects if it gives up or stops. */
  whenReady(): Promise<SupervisorReady>;
  /** Stops the daemon (cleanly, then by force) and every restart; resolves when it is gone. */
  stop(): Promise<void>;
}

// 78 is the daemon's "cannot start with these settings" (EX_CONFIG), 2 its usage error: restarting changes nothing.
const PERMANENT_EXIT_CODES: ReadonlySet<number> = new Set([2, 78]);
const OUTPUT_TAIL_CHARS = 4000;
const PROBE_TIMEOUT_MS = 1000;

export function describeExit(exit: DaemonExit): string {
  if (exit.error !== undefined) return `could not be started (${exit.error})`;
  if (exit.signal !== null) return `was ended by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

/** The last few lines of what the daemon printed, for a report a person can act on. */
function lastLines(output: string, count = 6): string {
  return output
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-count)
    .join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function daemonEnv(base: NodeJS.ProcessEnv, port: number, home: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  env.JARVIS_DAEMON_PORT = String(port);
  // The supervised daemon serves this machine only; a daemon for other hosts is started by hand.
  env.JARVIS_DAEMON_BIND = '127.0.0.1';
  if (home !== undefined) env.JARVIS_DAEMON_HOME = home;
  return env;
}

export function createDaemonSupervisor(options: SupervisorOptions): DaemonSupervisor {
  const { spawn, env: baseEnv = process.env, onEvent, ...rest } = options;
  const settings = SupervisorSettings.parse(rest);
  const url = `ws://127.0.0.1:${settings.port}`;
  const env = daemonEnv(baseEnv, settings.port, settings.home);

  let phase: SupervisorPhase = 'idle';
  let current: { child: DaemonProcess; exited: boolean; readyAt: number | null; notReady: string | null } | null = null;
  let ready: SupervisorReady | null = null;
  let attempts = 0;
  let restarts = 0;
  let failuresInRow = 0;
  let startFailures = 0;
  let lastError: string | null = null;
  let output = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let nextRestartAt: number | null = null;
  let stopping: Promise<void> | null = null;
  let waiters: { resolve(ready: SupervisorReady): void; reject(error: Error): void }[] = [];

  const emit = (event: SupervisorEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // A listener's bug must not stop the daemon from being supervised.
    }
  };
  const settle = (outcome: { ready: SupervisorReady } | { error: DaemonUnavailableError }): void => {
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) {
      if ('ready' in outcome) waiter.resolve(outcome.ready);
      else waiter.reject(outcome.error);
    }
  };

  const giveUp = (reason: string): void => {
    phase = 'failed';
    lastError = reason;
    const tail = lastLines(output);
    emit({ type: 'gave_up', reason, output: tail });
    settle({ error: new DaemonUnavailableError(tail === '' ? reason : `${reason}\nIts last output:\n${tail}`, 'failed') });
  };

  const scheduleRestart = (reason: string): void => {
    const delayMs = restartDelayMs(failuresInRow, settings.backoff);
    restarts += 1;
    phase = 'waiting';
    nextRestartAt = Date.now() + delayMs;
    emit({ type: 'restart_scheduled', delayMs, failuresInRow, reason });
    timer = setTimeout(() => {
      timer = null;
      nextRestartAt = null;
      void launch();
    }, delayMs);
  };

  const onChildExit = (attempt: NonNullable<typeof current>, exit: DaemonExit): void => {
    attempt.exited = true;
    if (current !== attempt) return;
    current = null;
    ready = null;
    // stop() waits for this exit itself and reports it.
    if (stopping !== null) return;
    const wasReady = attempt.readyAt !== null;
    const reason = attempt.notReady ?? describeExit(exit);
    lastError = `The daemon ${reason}.`;
    emit({ type: 'exited', pid: attempt.child.pid, code: exit.code, signal: exit.signal, wasReady, reason });
    if (wasReady) {
      if (attempt.readyAt !== null && Date.now() - attempt.readyAt >= settings.stableAfterMs) failuresInRow = 0;
    } else {
      startFailures += 1;
    }
    failuresInRow += 1;
    const permanent = !wasReady && (exit.error !== undefined || (exit.code !== null && PERMANENT_EXIT_CODES.has(exit.code)));
    if (permanent) return giveUp(`The Jarvis daemon cannot start: it ${reason}, and starting it again would not help.`);
    if (startFailures >= settings.maxStartFailures) {
      return giveUp(`The Jarvis daemon did not become ready in ${startFailures} attempt(s) in a row; the last one ${reason}.`);
    }
    scheduleRestart(reason);
  };

  const launch = async (): Promise<void> => {
    if (stopping !== null) return;
    phase = 'starting';
    // Someone else's daemon on the port (started by hand, or left from an earlier run) is used, not fought over.
    const existing = await probeDaemon(url, PROBE_TIMEOUT_MS);
    if (stopping !== null) return;
    if (existing !== null) {
      phase = 'external';
      ready = { url, daemonId: existing.daemonId, pid: null, managed: false };
      emit({ type: 'external', daemonId: existing.daemonId, url });
      return settle({ ready });
    }
    attempts += 1;
    output = '';
    let child: DaemonProcess;
    try {
      child = spawn({ env });
    } catch (err) {
      startFailures += 1;
      return giveUp(`The Jarvis daemon could not be started: ${(err as Error).message}`);
    }
    const attempt: NonNullable<typeof current> = { child, exited: false, readyAt: null, notReady: null };
    current = attempt;
    child.onOutput((text) => {
      output = (output + text).slice(-OUTPUT_TAIL_CHARS);
    });
    child.onExit((exit) => onChildExit(attempt, exit));
    emit({ type: 'spawned', pid: child.pid, attempt: attempts });

    const deadline = Date.now() + settings.readyTimeoutMs;
    const stillOurs = (): boolean => current === attempt && !attempt.exited && stopping === null;
    while (stillOurs()) {
      const hello = await probeDaemon(url, Math.max(50, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now())));
      if (!stillOurs()) return;
      if (hello !== null) {
        attempt.readyAt = Date.now();
        phase = 'ready';
        startFailures = 0;
        ready = { url, daemonId: hello.daemonId, pid: child.pid, managed: true };
        emit({ type: 'ready', pid: child.pid, daemonId: hello.daemonId, url });
        return settle({ ready });
      }
      if (Date.now() >= deadline) {
        attempt.notReady = `did not answer on ${url} within ${settings.readyTimeoutMs} ms`;
        emit({ type: 'not_ready', pid: child.pid, timeoutMs: settings.readyTimeoutMs });
        // Its exit, once the kill lands, is counted as a failed start.
        child.kill();
        return;
      }
      await sleep(settings.probeIntervalMs);
    }
  };

  const run = (): void => {
    launch().catch((err: unknown) => giveUp(`Supervising the Jarvis daemon failed: ${(err as Error).message}`));
  };

  const waitForExit = (attempt: NonNullable<typeof current>, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (attempt.exited) return resolve(true);
      const timeout = setTimeout(() => resolve(false), ms);
      attempt.child.onExit(() => {
        clearTimeout(timeout);
        resolve(true);
      });
    });

  const whenReady = (): Promise<SupervisorReady> => {
    if (ready !== null && (phase === 'ready' || phase === 'external')) return Promise.resolve(ready);
    if (phase === 'failed') return Promise.reject(new DaemonUnavailableError(lastError ?? 'The Jarvis daemon could not be started.', 'failed'));
    if (phase === 'stopping' || phase === 'stopped') return Promise.reject(new DaemonUnavailableError('The daemon supervisor was stopped.', 'stopped'));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  return {
    url,
    status: () => ({ phase, url, pid: current?.child.pid ?? null, daemonId: ready?.daemonId ?? null, restarts, lastError, nextRestartAt }),
    start() {
      if (stopping !== null) return whenReady();
      if (phase === 'idle' || phase === 'failed') {
        // A start after giving up is a person's "try again": the counters start afresh.
        startFailures = 0;
        failuresInRow = 0;
        const result = whenReady();
        run();
        return result;
      }
      return whenReady();
    },
    whenReady,
    stop() {
      stopping ??= (async () => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        nextRestartAt = null;
        phase = 'stopping';
        const attempt = current;
        if (attempt !== null) {
          attempt.child.terminate();
          if (!(await waitForExit(attempt, settings.stopTimeoutMs))) {
            attempt.child.kill();
            if (!(await waitForExit(attempt, settings.stopTimeoutMs))) {
              lastError = `The daemon (pid ${attempt.child.pid ?? '?'}) did not end even when killed.`;
            }
          }
        }
        current = null;
        ready = null;
        phase = 'stopped';
        emit({ type: 'stopped' });
        settle({ error: new DaemonUnavailableError('The daemon supervisor was stopped.', 'stopped') });
      })();
      return stopping;
    },
  };
}
