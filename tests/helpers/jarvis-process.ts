// Starts the real `jarvis serve` as a child process on a free port with its own data folder, for integration and e2e tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const JARVIS_BIN = path.join(REPO, 'bin', 'jarvis.cjs');

export interface JarvisProcess {
  child: ChildProcess;
  home: string;
  port: number;
  url: string;
  token: string;
  signInUrl: string;
  output(): string;
  /** Sends a signal and waits for exit; resolves with the exit code (null if killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Waits for the process to end by itself; resolves with the signal that ended it, or its exit code. */
  exit(): Promise<NodeJS.Signals | number | null>;
}

export function tempHome(prefix = 'jarvis-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a jarvis CLI command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [JARVIS_BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like runCli, but without blocking this process's event loop (needed when the test itself serves requests). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [JARVIS_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function startJarvis(options: { home?: string; env?: NodeJS.ProcessEnv } = {}): Promise<JarvisProcess> {
  const home = options.home ?? tempHome();
  const child = spawn(process.execPath, [JARVIS_BIN, 'serve'], {
    env: { ...process.env, JARVIS_HOME: home, JARVIS_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let endedBy: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      endedBy = signal;
      resolve(code);
    }),
  );

  const ready = await new Promise<{ port: number; signInUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jarvis serve did not start:\n${out}`)), 30_000);
    const check = () => {
      const port = /Dashboard and API: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
      const signIn = /Sign in[^:]*: (\S+)/.exec(out)?.[1];
      if (port && signIn) {
        clearTimeout(timer);
        resolve({ port: Number(port), signInUrl: signIn });
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`jarvis serve exited with ${code}:\n${out}`));
    });
  });
  const token = fs.readFileSync(path.join(home, 'api-token'), 'utf8').trim();
  return {
    child,
    home,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    token,
    signInUrl: ready.signInUrl,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async exit() {
      const code = await exited;
      return endedBy ?? code;
    },
  };
}

/** fetch against a running Jarvis with the token (unless `auth: false`). */
export async function api(j: JarvisProcess, pathname: string, init: RequestInit & { auth?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('authorization', `Bearer ${j.token}`);
  const res = await fetch(`${j.url}${pathname}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
}
