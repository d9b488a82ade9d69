// screenshot: saves the whole screen as a new PNG in the configured folder, with whichever capture program this OS has.
import fs from 'node:fs';
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed } from './errors';
import { expandHome, pathFor } from './paths';
import { findProgram, runProcess } from './process';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CAPTURE_TIMEOUT_MS = 30_000;
const CAPTURE_OUTPUT_BYTES = 64 * 1024;

interface Step {
  file: string;
  args: string[];
  env?: Record<string, string>;
}
/** How to capture on this machine: programs run in order; `cleanup` lists their scratch files. */
export type CapturePlan = { tool: string; steps: Step[]; cleanup: string[] } | { error: CapabilityFailed };

/** Picks the capture program for the OS and display (pure apart from looking programs up on PATH). */
export function capturePlan(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, find = findProgram): CapturePlan {
  switch (platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
    case 'netbsd':
      return unixPlan(file, env, platform, find);
    case 'darwin': {
      const screencapture = find('screencapture', env, platform) ?? '/usr/sbin/screencapture';
      return { tool: 'screencapture', steps: [{ file: screencapture, args: ['-x', '-t', 'png', file] }], cleanup: [] };
    }
    case 'win32':
      return windowsPlan(file, env, find);
    case 'aix':
    case 'android':
    case 'haiku':
    case 'sunos':
    case 'cygwin':
      return { error: new CapabilityFailed('unavailable', `Screenshots are not supported on ${platform}.`) };
    default: {
      const unknown: never = platform;
      return unknown;
    }
  }
}

function unixPlan(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, find: typeof findProgram): CapturePlan {
  const x11 = Boolean(env.DISPLAY);
  const wayland = Boolean(env.WAYLAND_DISPLAY);
  if (!x11 && !wayland) return { error: new CapabilityFailed('no_display', 'There is no display to capture (neither DISPLAY nor WAYLAND_DISPLAY is set for the daemon).') };
  const grim = wayland ? find('grim', env, platform) : null;
  // On Wayland, X11 tools only see XWayland's windows (often black), so grim comes first.
  if (grim) return { tool: 'grim', steps: [{ file: grim, args: ['-t', 'png', file] }], cleanup: [] };
  if (x11) {
    const imp = find('import', env, platform);
    // "png:" fixes the format whatever the name looks like to ImageMagick.
    if (imp) return { tool: 'import', steps: [{ file: imp, args: ['-window', 'root', `png:${file}`] }], cleanup: [] };
    const xwd = find('xwd', env, platform);
    const convert = find('convert', env, platform);
    if (xwd && convert) {
      const raw = `${file}.xwd`;
      return {
        tool: 'xwd',
        steps: [
          { file: xwd, args: ['-root', '-silent', '-out', raw] },
          { file: convert, args: [`xwd:${raw}`, `png:${file}`] },
        ],
        cleanup: [raw],
      };
    }
  }
  const need = wayland && !x11 ? 'grim' : 'ImageMagick (import), or xwd and convert' + (wayland ? ', or grim on Wayland' : '');
  return { error: new CapabilityFailed('unavailable', `No screenshot program was found on PATH; install ${need}.`) };
}

/** PowerShell with System.Drawing; the path travels in an environment variable so no quoting is involved. */
const WINDOWS_CAPTURE = [
  'Add-Type -AssemblyName System.Windows.Forms, System.Drawing',
  '$b = [System.Windows.Forms.SystemInformation]::VirtualScreen',
  '$bmp = New-Object System.Drawing.Bitmap $b.Width, $b.Height',
  '$g = [System.Drawing.Graphics]::FromImage($bmp)',
  '$g.CopyFromScreen($b.Left, $b.Top, 0, 0, $bmp.Size)',
  '$bmp.Save($env:JARVIS_SCREENSHOT_PATH, [System.Drawing.Imaging.ImageFormat]::Png)',
  '$g.Dispose(); $bmp.Dispose()',
].join('\n');

function windowsPlan(file: string, env: NodeJS.ProcessEnv, find: typeof findProgram): CapturePlan {
  const ps = find('powershell.exe', env, 'win32') ?? find('pwsh.exe', env, 'win32');
  if (!ps) return { error: new CapabilityFailed('unavailable', 'PowerShell was not found on PATH; it is needed for screenshots on Windows.') };
  const encoded = Buffer.from(WINDOWS_CAPTURE, 'utf16le').toString('base64');
  return { tool: 'powershell', steps: [{ file: ps, args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded], env: { JARVIS_SCREENSHOT_PATH: file } }], cleanup: [] };
}

/** Creates jarvis-<timestamp>.png exclusively, so an existing file is never overwritten (a suffix is added instead). */
function reserveFile(folder: string, platform: NodeJS.Platform, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let n = 1; n < 100; n += 1) {
    const file = pathFor(platform).join(folder, `jarvis-${stamp}${n === 1 ? '' : `-${n}`}.png`);
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CapabilityFailed('io_error', `Could not create ${file}: ${(err as Error).message}.`, { cause: err });
    }
  }
  throw new CapabilityFailed('io_error', `Could not find a free file name for the screenshot in ${folder}.`);
}

/** Size of the file if it starts with the PNG signature and holds more than that; otherwise null. */
export function pngSize(file: string): number | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(PNG_SIGNATURE.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const size = fs.fstatSync(fd).size;
    return read === head.length && head.equals(PNG_SIGNATURE) && size > head.length ? size : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function runScreenshot(_args: z.infer<typeof CAPABILITY_ARGS.screenshot>, ctx: CapabilityContext): Promise<{ path: string; bytes: number }> {
  const entry = entryOf(ctx, 'screenshot');
  const folder = expandHome(entry.folder, ctx.env, ctx.platform);
  if (!pathFor(ctx.platform).isAbsolute(folder)) {
    throw new CapabilityFailed('bad_config', `screenshot.folder in capabilities.json must be absolute or start with "~/"; it is "${entry.folder}".`);
  }
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new CapabilityFailed('io_error', `Could not create the screenshot folder ${folder}: ${(err as Error).message}.`, { cause: err });
  }
  const file = reserveFile(folder, ctx.platform, new Date());
  const plan = capturePlan(file, ctx.env, ctx.platform);
  const cleanup = 'error' in plan ? [] : plan.cleanup;
  try {
    if ('error' in plan) throw plan.error;
    for (const step of plan.steps) {
      const res = await runProcess({ file: step.file, args: step.args, env: { ...ctx.env, ...step.env }, timeoutMs: CAPTURE_TIMEOUT_MS, maxOutputBytes: CAPTURE_OUTPUT_BYTES, signal: ctx.signal });
      if (res.spawnError !== null) throw new CapabilityFailed('spawn_failed', `${plan.tool} could not be started: ${res.spawnError}.`);
      if (res.aborted) throw new CapabilityFailed('aborted', 'The screenshot was cancelled.');
      if (res.timedOut) throw new CapabilityFailed('timed_out', `${plan.tool} did not finish within ${CAPTURE_TIMEOUT_MS / 1000} s.`);
      if (res.code !== 0) throw new CapabilityFailed('program_failed', `${plan.tool} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500) || 'no message'}.`);
    }
    const bytes = pngSize(file);
    if (bytes === null) throw new CapabilityFailed('program_failed', `${plan.tool} did not write a PNG to ${file}.`);
    return { path: file, bytes };
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  } finally {
    for (const f of cleanup) fs.rmSync(f, { force: true });
  }
}
