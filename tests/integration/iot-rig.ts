// What the home tests share: a real daemon process, pairing it with a real `jarvis serve`, waiting, and a grep for secrets over every file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, runCliAsync, type JarvisProcess } from '../helpers/jarvis-process';

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  home: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startDaemonProcess(home: string, env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'jarvis-daemon.cjs'), 'serve'], { env: { ...process.env, JARVIS_DAEMON_HOME: home, JARVIS_DAEMON_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${out}`)), 30_000);
    const check = () => {
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => reject(new Error(`daemon exited: ${out}`)));
  });
  return {
    child,
    url,
    home,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function pair(j: JarvisProcess, daemon: DaemonProcess): Promise<void> {
  const printed = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [path.join(REPO, 'bin', 'jarvis-daemon.cjs'), 'pair'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemon.home } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => resolve(out));
  });
  const code = /Pairing code[^\n]*\n\s*(\S+)/.exec(printed)?.[1] ?? '';
  const paired = await runCliAsync(['daemon', 'pair', daemon.url, code], { JARVIS_HOME: j.home });
  if (!/Paired with daemon/.test(paired.stdout)) throw new Error(`pairing failed: ${paired.stdout}${paired.stderr}`);
}

/** Polls until fn returns something truthy; fails naming what it waited for. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Every file under the folders (databases and their WAL included, read as bytes) that holds one of the secrets, except those allowed to. */
export function filesHolding(secrets: string[], dirs: string[], allowed: string[] = []): string[] {
  const hits: string[] = [];
  for (const file of dirs.flatMap((d) => walk(d))) {
    if (allowed.includes(file)) continue;
    const bytes = fs.readFileSync(file);
    if (secrets.some((s) => bytes.includes(Buffer.from(s, 'utf8')))) hits.push(file);
  }
  return hits;
}
