// Path helpers shared by the capabilities: "~" expansion against the daemon's own home, and containment in a folder.
import os from 'node:os';
import path from 'node:path';

/** The path module for the given OS, so Windows rules apply to Windows paths even when tested elsewhere. */
export function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

function homeOf(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const fromEnv = platform === 'win32' ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : os.homedir();
}

/** Expands a leading "~" or "~/" (and "~\" on Windows); "~user" is left alone, so it fails the absolute-path check later. */
export function expandHome(p: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (p === '~') return homeOf(env, platform);
  const sep = platform === 'win32' ? /^~[\\/]/ : /^~\//;
  if (sep.test(p)) return pathFor(platform).join(homeOf(env, platform), p.slice(2));
  return p;
}

/** True when `child` is `parent` itself or lies below it (both already resolved). */
export function isInside(parent: string, child: string, platform: NodeJS.Platform): boolean {
  const p = pathFor(platform);
  const rel = p.relative(parent, child);
  // "..foo" is a name inside the folder; only ".." as a whole segment climbs out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel));
}

/** True when any segment of the path, split on every separator the OS accepts, is "..". */
export function hasDotDot(p: string, platform: NodeJS.Platform): boolean {
  const parts = platform === 'win32' ? p.split(/[\\/]/) : p.split('/');
  return parts.includes('..');
}
