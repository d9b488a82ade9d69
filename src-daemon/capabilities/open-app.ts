// open_app: starts an allow-listed application by its id, from the argv capabilities.json gives for this OS (never a shell).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused } from './errors';
import { expandHome } from './paths';

/** The argv for this OS, or null when capabilities.json has none (an OS without launch commands cannot open apps). */
function launchArgv(command: { linux?: string[] | undefined; darwin?: string[] | undefined; win32?: string[] | undefined }, platform: NodeJS.Platform): string[] | null {
  switch (platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
    case 'netbsd':
      // The BSDs run the same X11 desktop programs, so they share the linux entry.
      return command.linux ?? null;
    case 'darwin':
      return command.darwin ?? null;
    case 'win32':
      return command.win32 ?? null;
    case 'aix':
    case 'android':
    case 'haiku':
    case 'sunos':
    case 'cygwin':
      return null;
    default: {
      const unknown: never = platform;
      return unknown;
    }
  }
}

export async function runOpenApp(args: z.infer<typeof CAPABILITY_ARGS.open_app>, ctx: CapabilityContext): Promise<{ pid: number }> {
  const entry = entryOf(ctx, 'open_app');
  // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
  const command = Object.hasOwn(entry.apps, args.app) ? entry.apps[args.app] : undefined;
  if (command === undefined) {
    const allowed = Object.keys(entry.apps);
    throw new CapabilityRefused('outside_allow_list', `"${args.app}" is not an allowed app. Allowed: ${allowed.length ? allowed.map((a) => `"${a}"`).join(', ') : 'none (add apps to open_app.apps in capabilities.json)'}.`);
  }
  const argv = launchArgv(command, ctx.platform);
  const program = argv?.[0];
  if (argv === null || program === undefined) {
    throw new CapabilityFailed('bad_config', `"${args.app}" has no launch command for ${ctx.platform} in capabilities.json (open_app.apps["${args.app}"].${ctx.platform}).`);
  }
  if (ctx.signal.aborted) throw new CapabilityFailed('aborted', `"${args.app}" was not opened: the command was cancelled.`);
  // Started in the home folder rather than wherever the daemon runs; left to the OS if there is none.
  const home = expandHome('~', ctx.env, ctx.platform);
  const child = spawn(program, argv.slice(1), {
    // The app lives on after the daemon: its own process group, no pipes back to us.
    detached: true,
    stdio: 'ignore',
    shell: false,
    env: ctx.env,
    ...(fs.existsSync(home) ? { cwd: home } : {}),
  });
  // A late 'error' (after it started) must not go unheard: an unheard 'error' event ends the daemon.
  child.on('error', () => undefined);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (err) => reject(new CapabilityFailed('spawn_failed', `"${args.app}" could not be started (${program}): ${err.message}.`, { cause: err })));
  });
  child.unref();
  return { pid };
}
