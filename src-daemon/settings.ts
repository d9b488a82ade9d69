// The daemon's settings from its environment (home folder, port, bind address), validated; a bad value stops start-up with words.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_DAEMON_PORT } from './protocol';

const APP_NAME = 'Jarvis Daemon';

export interface DaemonSettings {
  home: string;
  port: number;
  bind: string;
}

/** A setting that cannot be used; the message names the variable, the value and what is allowed. */
export class DaemonConfigError extends Error {}

/** The platform's per-user app-data folder, beside the app's own ("Jarvis"). */
export function defaultDaemonHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

// Number('') is 0 and Number(' 7 ') is 7, so the port must be a plain integer literal.
const Port = z
  .string()
  .regex(/^\d{1,5}$/, 'an integer from 0 to 65535 (0 picks a free port)')
  .transform(Number)
  .pipe(z.number().int().min(0, 'an integer from 0 to 65535 (0 picks a free port)').max(65535, 'an integer from 0 to 65535 (0 picks a free port)'));

// An address, not a host name: a name could resolve somewhere other than the person meant.
const Bind = z.string().refine((v) => net.isIP(v) !== 0, 'an IPv4 or IPv6 address such as 127.0.0.1 (this host only) or 0.0.0.0 (every interface)');

const Home = z.string().min(1, 'a folder path').refine((v) => !v.includes('\0'), 'a folder path');

function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T, string>, fallback: string): T {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : raw;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DaemonConfigError(`${name}=${JSON.stringify(value)} cannot be used: expected ${parsed.error.issues[0]?.message ?? 'a valid value'}.`);
}

export function loadDaemonSettings(env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const home = read(env, 'JARVIS_DAEMON_HOME', Home, defaultDaemonHome(env));
  return {
    home: path.resolve(home),
    port: read(env, 'JARVIS_DAEMON_PORT', Port, String(DEFAULT_DAEMON_PORT)),
    bind: read(env, 'JARVIS_DAEMON_BIND', Bind, '127.0.0.1'),
  };
}

/** ws://host:port with IPv6 addresses bracketed. */
export function wsUrl(host: string, port: number): string {
  return `ws://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}
