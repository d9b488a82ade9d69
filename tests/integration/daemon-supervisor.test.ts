// The daemon supervisor against the real jarvis-daemon program: ready, SIGKILLed and back with growing waits, stopped on quit, failures reported.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { storeFile } from '../../src-daemon';
import {
  createDaemonSupervisor,
  DaemonUnavailableError,
  nodeDaemonSpawner,
  probeDaemon,
  type DaemonSupervisor,
  type SpawnDaemon,
  type SupervisorEvent,
  type SupervisorOptions,
} from '../../src-main/supervisor';
import { REPO } from '../helpers/jarvis-process';

const DAEMON_BIN = path.join(REPO, 'bin', 'jarvis-daemon.cjs');
const realDaemon: SpawnDaemon = nodeDaemonSpawner({ script: DAEMON_BIN, args: ['serve'], cwd: REPO });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-supervisor-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Resolves once `pid` has gone (a SIGKILLed process is reaped by its parent, the supervisor's spawner). */
async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 25));
}

interface Harness {
  supervisor: DaemonSupervisor;
  events: SupervisorEvent[];
  /** Resolves with the next event of this type that arrives from now on (or already arrived after `from`). */
  next<T extends SupervisorEvent['type']>(type: T, from?: number): Promise<Extract<SupervisorEvent, { type: T }>>;
}

function supervise(options: Omit<SupervisorOptions, 'onEvent'>): Harness {
  const events: SupervisorEvent[] = [];
  const listeners: (() => void)[] = [];
  const supervisor = createDaemonSupervisor({
    ...options,
    onEvent: (event) => {
      events.push(event);
      for (const listener of listeners.splice(0)) listener();
    },
  });
  cleanups.push(() => supervisor.stop());
  const next = <T extends SupervisorEvent['type']>(type: T, from = events.length): Promise<Extract<SupervisorEvent, { type: T }>> =>
    new Promise((resolve) => {
      const check = (): void => {
        const found = events.slice(from).find((event): event is Extract<SupervisorEvent, { type: T }> => event.type === type);
        if (found) resolve(found);
        else listeners.push(check);
      };
      check();
    });
  return { supervisor, events, next };
}

describe('the daemon supervisor with the real daemon', () => {
  it('starts the daemon and reports it ready only once it greets on its port', async () => {
    const port = await freePort();
    const home = tempDir();
    const { supervisor, events } = supervise({ spawn: realDaemon, port, home });

    const ready = await supervisor.start();
    expect(ready.managed).toBe(true);
    expect(ready.url).toBe(`ws://127.0.0.1:${port}`);
    expect(ready.daemonId).toMatch(/^[0-9a-f]{64}$/);
    expect(ready.pid).not.toBeNull();
    expect(isAlive(ready.pid ?? -1)).toBe(true);
    // Someone else asking the same port meets the same daemon, with the identity kept in the given home.
    expect((await probeDaemon(ready.url, 2000))?.daemonId).toBe(ready.daemonId);
    expect(fs.existsSync(home)).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['spawned', 'ready']);
    expect(supervisor.status()).toMatchObject({ phase: 'ready', pid: ready.pid, daemonId: ready.daemonId, restarts: 0 });
    // Asking again while it runs starts nothing new.
    await expect(supervisor.start()).resolves.toEqual(ready);
    expect(events.filter((event) => event.type === 'spawned')).toHaveLength(1);
  });

  it('brings a SIGKILLed daemon back, waiting longer after each crash in a row', async () => {
    const port = await freePort();
    const home = tempDir();
    const { supervisor, events, next } = supervise({
      spawn: realDaemon,
      port,
      home,
      backoff: { initialMs: 100, factor: 2, maxMs: 10_000 },
      // Far longer than the test, so every crash counts as one more in a row.
      stableAfterMs: 600_000,
    });
    const first = await supervisor.start();
    const pids = [first.pid];

    for (let round = 0; round < 3; round += 1) {
      const from = events.length;
      const pid = pids.at(-1) ?? -1;
      process.kill(pid, 'SIGKILL');
      const exited = await next('exited', from);
      expect(exited).toMatchObject({ pid, signal: 'SIGKILL', wasReady: true, reason: 'was ended by SIGKILL' });
      const again = await next('ready', from);
      expect(again.pid).not.toBe(pid);
      expect(again.daemonId).toBe(first.daemonId);
      await gone(pid);
      pids.push(again.pid);
    }

    const delays = events.flatMap((event) => (event.type === 'restart_scheduled' ? [event.delayMs] : []));
    expect(delays).toEqual([100, 200, 400]);
    expect(new Set(pids).size).toBe(4);
    expect(supervisor.status()).toMatchObject({ phase: 'ready', restarts: 3, pid: pids.at(-1) });
    expect((await probeDaemon(`ws://127.0.0.1:${port}`, 2000))?.daemonId).toBe(first.daemonId);
  });

  it('stops the daemon on quit, cleanly, and never restarts it afterwards', async () => {
    const port = await freePort();
    const home = tempDir();
    const { supervisor, events } = supervise({ spawn: realDaemon, port, home, backoff: { initialMs: 50, factor: 2, maxMs: 1000 } });
    const ready = await supervisor.start();
    const pid = ready.pid ?? -1;
    const waiting = supervisor.whenReady();

    await supervisor.stop();
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.status()).toMatchObject({ phase: 'stopped', pid: null });
    expect(await probeDaemon(ready.url, 1000)).toBeNull();
    // Already ready when asked, so that promise holds the old answer; asking now is refused.
    await expect(waiting).resolves.toEqual(ready);
    await expect(supervisor.whenReady()).rejects.toMatchObject({ phase: 'stopped' });
    // Well past the restart wait: a stopped supervisor spawns nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.map((event) => event.type)).toEqual(['spawned', 'ready', 'stopped']);
    // SIGTERM let the daemon close its store: its own audit trail ends with the stop.
    const db = new Database(storeFile(home), { readonly: true });
    cleanups.push(() => void db.close());
    const types = db.prepare('SELECT type FROM audit_events ORDER BY id').pluck().all();
    expect(types.at(0)).toBe('daemon.started');
    expect(types.at(-1)).toBe('daemon.stopped');
    // Stopping twice is one stop.
    await supervisor.stop();
  });

  it('reports a daemon that exits before it is ever ready, after the allowed attempts', async () => {
    const port = await freePort();
    // Something that is not a daemon holds the port, so every start fails to listen.
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const { supervisor, events } = supervise({
      spawn: realDaemon,
      port,
      home: tempDir(),
      maxStartFailures: 3,
      backoff: { initialMs: 50, factor: 2, maxMs: 1000 },
    });

    const error: unknown = await supervisor.start().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DaemonUnavailableError);
    expect((error as DaemonUnavailableError).phase).toBe('failed');
    expect((error as Error).message).toMatch(/did not become ready in 3 attempt\(s\) in a row; the last one exited with code 1/);
    // The daemon's own words say why.
    expect((error as Error).message).toMatch(/cannot listen on ws:\/\/127\.0\.0\.1:\d+/);
    expect(events.map((event) => event.type)).toEqual(['spawned', 'exited', 'restart_scheduled', 'spawned', 'exited', 'restart_scheduled', 'spawned', 'exited', 'gave_up']);
    expect(supervisor.status()).toMatchObject({ phase: 'failed', pid: null });
    expect(supervisor.status().lastError).toMatch(/exited with code 1/);
  });

  it('reports a daemon that runs but never answers, killing it when the wait is over', async () => {
    const port = await freePort();
    const stopped: number[] = [];
    // The real daemon, frozen before it can listen: alive, silent, and unable to answer ever.
    const frozen: SpawnDaemon = (request) => {
      const child = realDaemon(request);
      if (child.pid !== null) {
        process.kill(child.pid, 'SIGSTOP');
        stopped.push(child.pid);
      }
      return child;
    };
    const { supervisor, events } = supervise({ spawn: frozen, port, home: tempDir(), readyTimeoutMs: 1500, maxStartFailures: 2, backoff: { initialMs: 50, factor: 2, maxMs: 1000 } });

    await expect(supervisor.start()).rejects.toThrow(/did not become ready in 2 attempt\(s\) in a row; the last one did not answer on ws:\/\/127\.0\.0\.1:\d+ within 1500 ms/);
    expect(events.filter((event) => event.type === 'not_ready')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'exited').map((event) => (event.type === 'exited' ? event.signal : null))).toEqual(['SIGKILL', 'SIGKILL']);
    for (const pid of stopped) await gone(pid);
  });

  it('gives up at once when the daemon refuses its own configuration', async () => {
    const port = await freePort();
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'capabilities.json'), '{ not json');
    const { supervisor, events } = supervise({ spawn: realDaemon, port, home });

    await expect(supervisor.start()).rejects.toThrow(/cannot start: it exited with code 78, and starting it again would not help[\s\S]*capabilities/i);
    expect(events.map((event) => event.type)).toEqual(['spawned', 'exited', 'gave_up']);
  });

  it('uses a daemon that already answers on the port instead of starting a second one', async () => {
    const port = await freePort();
    const own = supervise({ spawn: realDaemon, port, home: tempDir() });
    const running = await own.supervisor.start();

    const second = supervise({ spawn: realDaemon, port, home: tempDir() });
    const ready = await second.supervisor.start();
    expect(ready).toEqual({ url: running.url, daemonId: running.daemonId, pid: null, managed: false });
    expect(second.events.map((event) => event.type)).toEqual(['external']);
    // Stopping the supervisor that did not start it leaves it running.
    await second.supervisor.stop();
    expect(isAlive(running.pid ?? -1)).toBe(true);
  });

  it('reports a daemon program that cannot be run at all', async () => {
    const missing = nodeDaemonSpawner({ script: DAEMON_BIN, execPath: path.join(tempDir(), 'no-such-node') });
    const { supervisor } = supervise({ spawn: missing, port: await freePort() });
    await expect(supervisor.start()).rejects.toThrow(/could not be started \(spawn .*ENOENT\)/);
  });
});
