// run_script: runs a pinned, allow-listed script by id, only while its sha256 still matches the pin; argv only, scrubbed environment.
//
// The file is hashed and then executed by the same resolved path. Someone able to rewrite the script's
// bytes in place in the instant between the two could still slip in a change; keep pinned scripts where
// only their owner can write. A changed file at any other time is refused. Whatever the script leaves
// running in its process group when it exits is killed with it: a pinned script cannot leave work behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed, CapabilityRefused, errnoOf } from './errors';
import { expandHome, pathFor } from './paths';
import { findProgram, runProcess, signalNumber } from './process';

export interface ScriptResult {
  exit_code: number;
  /** The signal that ended it (its exit_code is then 128 + the signal's number), or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Output passed max_output_bytes: what came before is kept and the script was stopped. */
  truncated: boolean;
}

/** Refuses arguments the pin does not declare: too many, or ones with a NUL (which argv cannot carry intact). */
export function checkScriptArgs(id: string, given: readonly string[], declared: readonly string[]): void {
  if (given.length > declared.length) {
    const names = declared.length ? declared.join(', ') : 'none';
    throw new CapabilityRefused('args_mismatch', `Script "${id}" takes at most ${declared.length} argument(s) (${names}); got ${given.length}.`);
  }
  given.forEach((arg, i) => {
    if (typeof arg !== 'string') throw new CapabilityRefused('args_mismatch', `Argument ${i + 1} of script "${id}" must be a string.`);
    if (arg.includes('\0')) throw new CapabilityRefused('args_mismatch', `Argument ${i + 1} of script "${id}" (${declared[i] ?? '?'}) contains a NUL character, which is not allowed.`);
  });
}

/** sha256 of the file at its real path, which is what will run; fails unless it is a regular file matching the pin. */
export async function verifyPinned(id: string, file: string, pinned: string): Promise<string> {
  let real: string;
  try {
    real = fs.realpathSync.native(file);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') throw new CapabilityFailed('not_found', `Script "${id}" is missing: ${file} does not exist.`);
    throw new CapabilityFailed('io_error', `Script "${id}" cannot be read (${file}): ${(err as Error).message}.`, { cause: err });
  }
  // Checked before opening: opening a FIFO would wait for a writer.
  if (!fs.statSync(real).isFile()) throw new CapabilityFailed('bad_config', `Script "${id}" (${real}) is not a regular file.`);
  const hash = crypto.createHash('sha256');
  const fh = await fs.promises.open(real, 'r');
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await fh.close();
  }
  const actual = hash.digest('hex');
  if (actual !== pinned) {
    throw new CapabilityFailed('script_changed', `Script "${id}" (${real}) changed after it was pinned (sha256 is ${actual}, pinned ${pinned}); it was not run. Check the change, then pin the new hash in capabilities.json.`);
  }
  return real;
}

/** argv for the script on this OS: run directly, except PowerShell scripts on Windows; batch files are refused (cmd.exe re-parses their arguments). */
function scriptArgv(id: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): { file: string; args: string[] } {
  if (platform !== 'win32') return { file, args: [...args] };
  const ext = pathFor(platform).extname(file).toLowerCase();
  if (ext === '.bat' || ext === '.cmd') throw new CapabilityFailed('bad_config', `Script "${id}" is a batch file; cmd.exe re-parses arguments, so only .exe and .ps1 scripts run on Windows.`);
  if (ext !== '.ps1') return { file, args: [...args] };
  const ps = findProgram('powershell.exe', env, platform) ?? 'powershell.exe';
  return { file: ps, args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', file, ...args] };
}

export async function runRunScript(args: z.infer<typeof CAPABILITY_ARGS.run_script>, ctx: CapabilityContext): Promise<ScriptResult> {
  const entry = entryOf(ctx, 'run_script');
  // Own keys only: "constructor" must not reach Object.prototype.
  const script = Object.hasOwn(entry.scripts, args.script_id) ? entry.scripts[args.script_id] : undefined;
  if (script === undefined) {
    const ids = Object.keys(entry.scripts);
    throw new CapabilityRefused('outside_allow_list', `"${args.script_id}" is not an allowed script. Allowed: ${ids.length ? ids.map((s) => `"${s}"`).join(', ') : 'none (pin scripts in run_script.scripts in capabilities.json)'}.`);
  }
  checkScriptArgs(args.script_id, args.args, script.args);
  const file = expandHome(script.path, ctx.env, ctx.platform);
  if (!pathFor(ctx.platform).isAbsolute(file)) {
    throw new CapabilityFailed('bad_config', `run_script.scripts["${args.script_id}"].path must be absolute or start with "~/"; it is "${script.path}".`);
  }
  // Hashed on every run, right before it starts: a pin is only as good as its last check.
  const real = await verifyPinned(args.script_id, file, script.sha256);
  const argv = scriptArgv(args.script_id, real, args.args, ctx.env, ctx.platform);
  const res = await runProcess({
    file: argv.file,
    args: argv.args,
    // Nothing of the daemon's environment (keys, tokens, display) reaches the script but where to find programs.
    env: { PATH: ctx.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' },
    cwd: pathFor(ctx.platform).dirname(real),
    timeoutMs: entry.timeout_s * 1000,
    maxOutputBytes: entry.max_output_bytes,
    signal: ctx.signal,
  });
  if (res.spawnError !== null) throw new CapabilityFailed('spawn_failed', `Script "${args.script_id}" could not be started (${real}): ${res.spawnError}. Is it executable, with a #! line?`);
  if (res.aborted) throw new CapabilityFailed('aborted', `Script "${args.script_id}" was stopped: the command was cancelled.`);
  if (res.timedOut) throw new CapabilityFailed('timed_out', `Script "${args.script_id}" did not finish within ${entry.timeout_s} s and was killed.`);
  const exit = res.code ?? (res.signal ? 128 + signalNumber(res.signal) : -1);
  return { exit_code: exit, signal: res.signal, stdout: res.stdout, stderr: res.stderr, truncated: res.truncated };
}
