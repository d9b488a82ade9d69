// Composition root: wires settings, the core and the loopback API together; the desktop app and `jarvis serve` both start here.
import fs from 'node:fs';
import { startApiServer } from './api/server';
import { openCore } from './core';
import { createAgent } from './core/agent';
import { loadSettings, type LoadOptions } from './core/config';
import { resourcePath } from './core/util/resources';

export interface RunningJarvis {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  home: string;
  /** A one-time sign-in link for a page (the desktop window or a browser). */
  createSignInUrl(): string;
  /** Stops the API, records the stop and writes the closing audit checkpoint. */
  stop(): Promise<void>;
}

export interface StartOptions extends LoadOptions {
  mode?: 'desktop' | 'headless';
}

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(resourcePath('package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export async function startJarvis(options: StartOptions = {}): Promise<RunningJarvis> {
  const settings = loadSettings(options);
  const version = appVersion();
  // The heartbeat watcher (core/watchers) writes the heartbeat here, so disabling it really silences it.
  const core = openCore(settings, { heartbeat: false });
  const agent = createAgent(core);
  let api;
  try {
    api = await startApiServer(core, agent, { version, port: settings.port, rendererDir: resourcePath('out', 'renderer') });
  } catch (err) {
    await agent.stop();
    core.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${settings.port} on 127.0.0.1 is already in use (is Jarvis already running?). Stop it, or set JARVIS_PORT to a free port.`);
    }
    throw err;
  }
  core.audit.append({ type: 'system.started', actor: 'system', payload: { version, mode: options.mode ?? 'headless', pid: process.pid, port: api.port } });
  let stopping: Promise<void> | undefined;
  return {
    url: api.url,
    port: api.port,
    home: settings.home,
    createSignInUrl: () => api.createSignInUrl(),
    stop() {
      stopping ??= (async () => {
        await api.close();
        await agent.stop();
        try {
          core.audit.append({ type: 'system.stopped', actor: 'system', payload: { pid: process.pid } });
        } finally {
          core.close();
        }
      })();
      return stopping;
    },
  };
}
