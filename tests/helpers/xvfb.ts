// A real X display for tests: starts Xvfb on a free display number and stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface Display {
  display: string;
  stop(): Promise<void>;
}

export async function startXvfb(): Promise<Display> {
  for (let n = 90 + (process.pid % 50); n < 400; n++) {
    if (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const child: ChildProcess = spawn('Xvfb', [`:${n}`, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 200; i++) {
      if (fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
        return {
          display: `:${n}`,
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        };
      }
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
  }
  throw new Error('Could not start Xvfb on any display: is the xvfb package installed?');
}
