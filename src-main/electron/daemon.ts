// Starts the supervised local daemon: a utility process in a packaged app (RunAsNode is fused off), a Node process while developing.
import { utilityProcess } from 'electron';
import { createDaemonSupervisor, describeSupervisorEvent, nodeDaemonSpawner, type DaemonExit, type DaemonProcess, type DaemonSupervisor, type SpawnDaemon } from '../supervisor';
import type { DaemonLaunch } from './paths';

/** The supervisor's view of an Electron utility process. */
function utilitySpawner(modulePath: string): SpawnDaemon {
  return ({ env }) => {
    const child = utilityProcess.fork(modulePath, [], { env, stdio: 'pipe', serviceName: 'Jarvis daemon' });
    const exitListeners: ((exit: DaemonExit) => void)[] = [];
    let exit: DaemonExit | null = null;
    child.once('exit', (code) => {
      exit = { code, signal: null };
      for (const listener of exitListeners) listener(exit);
    });
    return {
      get pid() {
        return child.pid ?? null;
      },
      // utilityProcess.kill() sends SIGTERM on POSIX: the daemon closes its store and audits the stop.
      terminate: () => void child.kill(),
      kill: () => {
        const pid = child.pid;
        if (pid === undefined) return void child.kill();
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      },
      onExit(listener) {
        if (exit !== null) listener(exit);
        else exitListeners.push(listener);
      },
      onOutput(listener) {
        const forward = (chunk: Buffer): void => listener(chunk.toString('utf8'));
        child.stdout?.on('data', forward);
        child.stderr?.on('data', forward);
      },
    } satisfies DaemonProcess;
  };
}

export function daemonSpawner(launch: DaemonLaunch): SpawnDaemon {
  return launch.kind === 'utility' ? utilitySpawner(launch.modulePath) : nodeDaemonSpawner({ execPath: launch.execPath, script: launch.script, args: launch.args });
}

export function startDaemonSupervision(launch: DaemonLaunch, port: number, onGaveUp: (reason: string) => void): DaemonSupervisor {
  const supervisor = createDaemonSupervisor({
    spawn: daemonSpawner(launch),
    port,
    onEvent: (event) => {
      console.log(`[jarvis] ${describeSupervisorEvent(event)}`);
      if (event.type === 'gave_up') onGaveUp(event.output === '' ? event.reason : `${event.reason}\n${event.output}`);
    },
  });
  supervisor.start().catch(() => undefined);
  return supervisor;
}
