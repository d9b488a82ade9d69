// file_move: moves one checked file between allowed folders; the source stays intact unless the target is complete.
//
// Races accepted, because Node has no openat/renameat: a folder on either path swapped for a link in the
// microseconds between the last re-check and the rename/link call would be followed. Every step re-checks
// what it can (the source's dev+ino through an fd opened without following links, the scratch link's
// dev+ino before it is put in place, the source's identity again before it is unlinked), so a swap is
// caught unless it lands inside that window, and only someone who can already write inside a root can try.
// Where the file system has no hard links, a target created between the existence check and the rename is
// replaced (documented at renameInPlace).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { entryOf, type CapabilityContext } from './context';
import { CapabilityFailed, errnoOf } from './errors';
import { checkMove, lstatOrNull, sameFile, type CheckedMove, type MoveRequest } from './file-move-checks';
import { pathFor } from './paths';

export interface MoveResult {
  from: string;
  to: string;
  bytes: number;
}

/** A point between the checks and the first change, so tests can swap a file there. */
export interface MoveHooks {
  afterCheck?: () => void | Promise<void>;
}

// Absent on Windows; 0 leaves the flag out.
const O_NOFOLLOW = (fs.constants.O_NOFOLLOW as number | undefined) ?? 0;
const O_NONBLOCK = (fs.constants.O_NONBLOCK as number | undefined) ?? 0;
const CHUNK = 1024 * 1024;
/** Errors that mean "this file system has no hard links". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

const changed = (what: string): CapabilityFailed => new CapabilityFailed('path_changed', `${what} after it was checked; nothing was moved. Ask again if the move is still wanted.`);

function io(what: string, err: unknown): CapabilityFailed {
  return new CapabilityFailed('io_error', `${what}: ${(err as Error).message}.`, { cause: err });
}

/** A fresh name in the target folder, hidden, so a half-finished copy is never mistaken for the file. */
function scratchPath(c: CheckedMove, platform: NodeJS.Platform): string {
  const P = pathFor(platform);
  return P.join(c.targetDir, `.${P.basename(c.to)}.jarvis-${crypto.randomBytes(6).toString('hex')}.part`);
}

/** Opens the source without following a link (and without blocking should a FIFO appear) and confirms it is the checked file. */
async function openSource(c: CheckedMove): Promise<fs.promises.FileHandle> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(c.from, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    throw errnoOf(err) === 'ELOOP' || errnoOf(err) === 'ENOENT' ? changed(`The source ${c.from} changed`) : io(`Could not open ${c.from}`, err);
  }
  const st = await fh.stat({ bigint: true });
  if (!st.isFile() || st.nlink !== 1n || !sameFile(st, c.source)) {
    await fh.close();
    throw changed(`The source ${c.from} changed`);
  }
  return fh;
}

/** Both folders must still resolve to where they did: a folder swapped for a link would lead elsewhere. */
function recheckFolders(c: CheckedMove, platform: NodeJS.Platform): void {
  const P = pathFor(platform);
  for (const dir of [P.dirname(c.from), c.targetDir]) {
    let now: string;
    try {
      now = fs.realpathSync.native(dir);
    } catch {
      throw changed(`The folder ${dir} changed`);
    }
    if (now !== dir) throw changed(`The folder ${dir} changed`);
  }
  try {
    // Unlinking the source needs write access to its folder; failing here is better than after the copy.
    fs.accessSync(P.dirname(c.from), fs.constants.W_OK);
  } catch (err) {
    throw io(`The source's folder ${P.dirname(c.from)} is not writable, so the file cannot be moved out of it`, err);
  }
}

/** Puts a finished scratch file at the target: replaced atomically with overwrite, else linked (fails if it exists). */
function placeScratch(scratch: string, c: CheckedMove): void {
  if (c.overwrite) {
    fs.renameSync(scratch, c.to);
    return;
  }
  try {
    fs.linkSync(scratch, c.to);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') throw new CapabilityFailed('target_exists', `The target ${c.to} appeared while moving; nothing was moved.`);
    if (!NO_LINKS.has(errnoOf(err) ?? '')) throw err;
    renameInPlace(scratch, c.to, false);
    return;
  }
  fs.unlinkSync(scratch);
}

/**
 * Without hard links there is no atomic "create unless it exists": the target is checked, then renamed
 * over. A target created by someone else in between is replaced; that race is accepted on such file systems.
 */
function renameInPlace(from: string, to: string, overwrite: boolean): void {
  if (!overwrite && lstatOrNull(to) !== null) throw new CapabilityFailed('target_exists', `The target ${to} appeared while moving; nothing was moved.`);
  fs.renameSync(from, to);
}

/** Removes the source once the target is complete, if the source is still the checked file. */
function dropSource(c: CheckedMove): void {
  const now = lstatOrNull(c.from);
  if (now === null || !sameFile(now, c.source)) {
    throw new CapabilityFailed('path_changed', `${c.to} is complete, but ${c.from} now holds a different file, which was left alone.`);
  }
  fs.unlinkSync(c.from);
}

function fsyncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Windows cannot open folders this way; the rename is still durable enough there.
  }
}

/** Same device: a hard link under a scratch name, verified, then put in place; returns false when the devices differ. */
function moveByLink(c: CheckedMove, platform: NodeJS.Platform): boolean {
  const scratch = scratchPath(c, platform);
  try {
    fs.linkSync(c.from, scratch);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'EXDEV') return false;
    if (!NO_LINKS.has(code ?? '')) throw io(`Could not move ${c.from}`, err);
    // No hard links here: rename directly, after one last identity check.
    const now = lstatOrNull(c.from);
    if (now === null || !sameFile(now, c.source)) throw changed(`The source ${c.from} changed`);
    renameInPlace(c.from, c.to, c.overwrite);
    return true;
  }
  try {
    const linked = lstatOrNull(scratch);
    if (linked === null || !sameFile(linked, c.source)) throw changed(`The source ${c.from} changed`);
    placeScratch(scratch, c);
  } catch (err) {
    fs.rmSync(scratch, { force: true });
    throw err instanceof CapabilityFailed ? err : io(`Could not move ${c.from} to ${c.to}`, err);
  }
  try {
    dropSource(c);
  } catch (err) {
    // A swapped source path means the target holds the only link to the file: it stays.
    if (err instanceof CapabilityFailed) throw err;
    // The unlink itself failed, so the source is still there and the target is a second link to it: undo that.
    fs.rmSync(c.to, { force: true });
    throw io(`Could not remove ${c.from} after linking it to ${c.to}; nothing was moved`, err);
  }
  fsyncFolder(c.targetDir);
  return true;
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Across devices: copy into a scratch file beside the target, fsync, compare sha256, put in place, then drop the source. */
async function copyAcross(c: CheckedMove, src: fs.promises.FileHandle, platform: NodeJS.Platform, signal: AbortSignal): Promise<void> {
  const scratch = scratchPath(c, platform);
  let out: fs.promises.FileHandle;
  try {
    out = await fs.promises.open(scratch, 'wx', 0o600);
  } catch (err) {
    throw io(`Could not create a file in ${c.targetDir}`, err);
  }
  try {
    const hash = crypto.createHash('sha256');
    const buf = Buffer.alloc(CHUNK);
    let pos = 0;
    try {
      for (;;) {
        if (signal.aborted) throw new CapabilityFailed('aborted', `Moving ${c.from} was cancelled; the source is untouched.`);
        const { bytesRead } = await src.read(buf, 0, CHUNK, pos);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        await out.write(buf, 0, bytesRead, pos);
        pos += bytesRead;
      }
      if (pos !== c.size) throw changed(`The source ${c.from} changed size while being copied`);
      const st = await src.stat();
      await out.chmod(st.mode & 0o777);
      await out.utimes(st.atime, st.mtime);
      await out.sync();
    } finally {
      await out.close();
    }
    if ((await sha256Of(scratch)) !== hash.digest('hex')) throw new CapabilityFailed('io_error', `The copy of ${c.from} in ${c.targetDir} did not read back the same; nothing was moved.`);
    const now = lstatOrNull(c.from);
    if (now === null || !sameFile(now, c.source)) throw changed(`The source ${c.from} changed`);
    placeScratch(scratch, c);
  } catch (err) {
    fs.rmSync(scratch, { force: true });
    throw err instanceof CapabilityFailed ? err : io(`Could not copy ${c.from} to ${c.to}`, err);
  }
  fsyncFolder(c.targetDir);
  try {
    dropSource(c);
  } catch (err) {
    // The copy is complete and stays: removing it could lose the only good copy if the source was swapped.
    throw err instanceof CapabilityFailed ? err : io(`${c.to} is complete, but ${c.from} could not be removed`, err);
  }
}

/** The whole move with an optional hook between checks and action; runFileMove is this without the hook. */
export async function moveFile(req: MoveRequest, roots: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform, signal: AbortSignal, hooks: MoveHooks = {}): Promise<MoveResult> {
  const checked = checkMove(req, roots, env, platform);
  await hooks.afterCheck?.();
  if (signal.aborted) throw new CapabilityFailed('aborted', `Moving ${checked.from} was cancelled; nothing was moved.`);
  const src = await openSource(checked);
  try {
    recheckFolders(checked, platform);
    if (!moveByLink(checked, platform)) await copyAcross(checked, src, platform, signal);
  } finally {
    await src.close();
  }
  return { from: checked.from, to: checked.to, bytes: checked.size };
}

export async function runFileMove(args: z.infer<typeof CAPABILITY_ARGS.file_move>, ctx: CapabilityContext): Promise<{ from: string; to: string; bytes: number }> {
  const entry = entryOf(ctx, 'file_move');
  return { ...(await moveFile(args, entry.roots, ctx.env, ctx.platform, ctx.signal)) };
}
