// A real `jarvis-daemon serve` process for tests, and pairing it with a running Jarvis the way a person does.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO, runCliAsync, type JarvisProcess } from './jarvis-process';

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  home: string;
  output(): string;
  stop(): Promise<void>;
}

const BIN = path.join(REPO, 'bin', 'jarvis-daemon.cjs');

/** Starts the daemon on a free port with `home` as its folder; resolves once it says where it listens. */
export async function startDaemonProcess(home: string, env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, JARVIS_DAEMON_HOME: home, JARVIS_DAEMON_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the daemon did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited:\n${out}`));
    });
  });
  return {
    child,
    url,
    home,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A code from `jarvis-daemon pair`, given to `jarvis daemon pair`. */
export async function pair(j: JarvisProcess, daemon: Pick<DaemonProcess, 'home' | 'url'>): Promise<void> {
  const printed = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [BIN, 'pair'], { env: { ...process.env, JARVIS_DAEMON_HOME: daemon.home } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => resolve(out));
  });
  const code = /Pairing code[^\n]*\n\s*(\S+)/.exec(printed)?.[1];
  if (!code) throw new Error(`jarvis-daemon pair printed no code:\n${printed}`);
  const paired = await runCliAsync(['daemon', 'pair', daemon.url, code], { JARVIS_HOME: j.home });
  if (!/Paired with daemon/.test(paired.stdout)) throw new Error(`pairing failed:\n${paired.stdout}\n${paired.stderr}`);
}
