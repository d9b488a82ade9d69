// file_move's checks before anything moves: both paths inside a root after resolving links, the source one plain file of its own.
import fs from 'node:fs';
import { CapabilityFailed, CapabilityRefused } from './errors';
import { expandHome, hasDotDot, isInside, pathFor } from './paths';

/** dev + ino as bigints: Windows file ids do not fit a double. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

export interface CheckedMove {
  /** The source's real path (its folder resolved; the name itself is not a link). */
  from: string;
  /** The target's real path (its folder resolved). */
  to: string;
  /** Real path of the target's folder, where scratch files go. */
  targetDir: string;
  /** Which file was checked, to recognise it again right before acting. */
  source: FileIdentity;
  size: number;
  overwrite: boolean;
}

export interface MoveRequest {
  from: string;
  to: string;
  overwrite: boolean;
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** lstat with bigint ids, or null when nothing is there. */
export function lstatOrNull(p: string): fs.BigIntStats | null {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** What kind of thing sits at a path, in words for refusals. */
export function kindOf(st: fs.BigIntStats): string {
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device file';
  return 'not a regular file';
}

/**
 * realpath of the longest existing prefix, with the missing rest appended; so a path is judged by where it
 * really leads, and a caller learns nothing about whether something outside the roots exists.
 */
export function resolveExisting(p: string, platform: NodeJS.Platform): { resolved: string; exists: boolean } {
  const P = pathFor(platform);
  const missing: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return { resolved: missing.length ? P.join(fs.realpathSync.native(cur), ...missing.reverse()) : fs.realpathSync.native(cur), exists: missing.length === 0 };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = P.dirname(cur);
      if (parent === cur) throw err;
      missing.push(P.basename(cur));
      cur = parent;
    }
  }
}

/** The configured roots, "~" expanded and resolved; roots that do not exist are left out (nothing can be inside them). */
export function resolveRoots(roots: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const out: string[] = [];
  for (const root of roots) {
    const abs = expandHome(root, env, platform);
    if (!pathFor(platform).isAbsolute(abs)) continue;
    try {
      out.push(fs.realpathSync.native(abs));
    } catch {
      // A missing root allows nothing.
    }
  }
  return out;
}

/** A given path made absolute, refused when it could mean something other than what it says. */
function givenPath(label: 'from' | 'to', p: string, roots: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const allowed = `Allowed folders: ${roots.join(', ')}.`;
  if (p.includes('\0')) throw new CapabilityRefused('outside_allow_list', `"${label}" contains a NUL character. ${allowed}`);
  if (hasDotDot(p, platform)) throw new CapabilityRefused('outside_allow_list', `"${label}" contains a ".." segment, which is never allowed; give the full path inside an allowed folder. ${allowed}`);
  const abs = expandHome(p, env, platform);
  if (!pathFor(platform).isAbsolute(abs)) throw new CapabilityRefused('outside_allow_list', `"${label}" must be an absolute path (or start with "~/"); got "${p}". ${allowed}`);
  return pathFor(platform).normalize(abs);
}

/** Resolves the folder part and keeps the name, then checks the result lies inside a root. */
function placeInRoots(label: 'from' | 'to', abs: string, roots: readonly string[], platform: NodeJS.Platform): { path: string; dir: string; dirExists: boolean } {
  const P = pathFor(platform);
  const name = P.basename(abs);
  const { resolved: dir, exists: dirExists } = resolveExisting(P.dirname(abs), platform);
  const full = P.join(dir, name);
  const root = roots.find((r) => isInside(r, full, platform) && full !== r);
  if (root === undefined) {
    const via = full === abs ? '' : ` (it leads to ${full})`;
    throw new CapabilityRefused('outside_allow_list', `"${label}" is outside the allowed folders${via}. Allowed folders: ${roots.join(', ')}.`);
  }
  return { path: full, dir, dirExists };
}

/** Every check of a move, in the order that tells the caller least about places it may not see. */
export function checkMove(req: MoveRequest, configRoots: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): CheckedMove {
  const roots = resolveRoots(configRoots, env, platform);
  if (roots.length === 0) throw new CapabilityFailed('bad_config', `None of the allowed folders exists (file_move.roots: ${configRoots.join(', ')}).`);
  const src = placeInRoots('from', givenPath('from', req.from, roots, env, platform), roots, platform);
  const dst = placeInRoots('to', givenPath('to', req.to, roots, env, platform), roots, platform);

  const st = src.dirExists ? lstatOrNull(src.path) : null;
  if (st === null) throw new CapabilityFailed('not_found', `The source ${src.path} does not exist.`);
  if (st.isSymbolicLink()) throw new CapabilityRefused('outside_allow_list', `The source ${src.path} is a symbolic link; only regular files are moved, never links.`);
  if (!st.isFile()) throw new CapabilityRefused('outside_allow_list', `The source ${src.path} is ${kindOf(st)}; only regular files are moved.`);
  if (st.nlink > 1n) {
    throw new CapabilityRefused('outside_allow_list', `The source ${src.path} has ${st.nlink} hard links, so it may also be reachable from outside the allowed folders; only files with a single link are moved.`);
  }

  if (!dst.dirExists) throw new CapabilityFailed('not_found', `The target folder ${dst.dir} does not exist; create it first.`);
  const dirSt = fs.statSync(dst.dir);
  if (!dirSt.isDirectory()) throw new CapabilityFailed('not_found', `The target's parent ${dst.dir} is not a folder.`);
  const existing = lstatOrNull(dst.path);
  if (existing !== null) {
    if (sameFile(existing, st)) throw new CapabilityFailed('target_exists', `The source and the target are the same file (${src.path}).`);
    if (existing.isSymbolicLink()) throw new CapabilityRefused('outside_allow_list', `The target ${dst.path} is a symbolic link; links are never written through or replaced.`);
    if (!existing.isFile()) throw new CapabilityFailed('target_exists', `The target ${dst.path} is ${kindOf(existing)}; only a regular file can be replaced.`);
    if (!req.overwrite) throw new CapabilityFailed('target_exists', `The target ${dst.path} already exists; ask again with overwrite: true to replace it.`);
  }
  return { from: src.path, to: dst.path, targetDir: dst.dir, source: { dev: st.dev, ino: st.ino }, size: Number(st.size), overwrite: req.overwrite };
}
