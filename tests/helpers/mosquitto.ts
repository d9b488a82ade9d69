// A real Mosquitto for tests: loopback port, password file owned by the mosquitto user, persistence on, a raised queue limit; stop and start keep its sessions.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface Mosquitto {
  url: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** Everything the broker logged (its log file). */
  log(): string;
  start(): Promise<void>;
  /** SIGTERM, which makes Mosquitto write its persistence file, then wait for it to exit. */
  stop(): Promise<void>;
  /** Stops and removes its folder. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function mosquittoIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'mosquitto']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'mosquitto']).toString().trim()) };
  } catch {
    return null;
  }
}

export async function startMosquitto(options: { user?: string; password?: string } = {}): Promise<Mosquitto> {
  const user = options.user ?? 'jarvis';
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-mosquitto-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const passwd = path.join(dir, 'passwd');
  const logFile = path.join(dir, 'mosquitto.log');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwd, user, password]);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      'persistence true',
      `persistence_location ${data}/`,
      // A burst of 10k QoS 1 messages must queue whole for a subscriber that is away.
      'max_queued_messages 100000',
      'max_inflight_messages 100',
      `log_dest file ${logFile}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      '',
    ].join('\n'),
  );
  // Run as root, Mosquitto drops to the mosquitto user: its files must be that user's.
  const ids = mosquittoIds();
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(logFile, '');
  fs.chmodSync(passwd, 0o600);
  if (ids) for (const f of [dir, data, passwd, logFile, conf]) fs.chownSync(f, ids.uid, ids.gid);

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const broker: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    user,
    password,
    dir,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async start() {
      const c = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      for (let i = 0; i < 200; i++) {
        if (await accepting(port)) return;
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`mosquitto did not start on ${port}:\n${out}\n${broker.log()}`);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
      child = null;
    },
    async dispose() {
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
