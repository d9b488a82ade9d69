// Turns a tool's permissions into Node permission-model flags for the node that will run it (pure).
import path from 'node:path';
import type { ToolPermissions } from '../types';

/** The files every tool process reads besides its grants; all absolute and already resolved. */
export interface RunnerFiles {
  harness: string;
  guard: string;
  entry: string;
  dir: string;
}

/**
 * A node version: a full "22.12.0" / "v22.12.0", or a bare major, read as that line's current release
 * (22 means 22.13 or later). The distinction matters because 22.0–22.12 know only --experimental-permission.
 */
export type NodeVersion = number | string;

interface Version {
  major: number;
  minor: number;
}

function parseVersion(v: NodeVersion): Version {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1) throw new Error(`Not a Node major version: ${String(v)}.`);
    return { major: v, minor: Number.POSITIVE_INFINITY };
  }
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  if (!m) throw new Error(`Cannot read the Node version "${v}"; expected something like 22.13.0.`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** The oldest Node this runner can confine at all: the permission model arrived in 20.0. */
export const MIN_NODE_MAJOR = 20;

/**
 * The switch that turns the permission model on. It was --experimental-permission from 20.0 and became
 * --permission in 22.13 / 23.5 (the old name stays an alias there, and later majors may drop it).
 */
export function permissionSwitch(v: NodeVersion): '--permission' | '--experimental-permission' {
  const { major, minor } = parseVersion(v);
  if (major < MIN_NODE_MAJOR) throw new Error(`Node ${String(major)} has no permission model; tools need Node ${String(MIN_NODE_MAJOR)} or later.`);
  const stable = major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
  return stable ? '--permission' : '--experimental-permission';
}

/** Node 25 put sockets under the permission model; before that the network guard is the only gate. */
export function nodeGatesNetwork(v: NodeVersion): boolean {
  return parseVersion(v).major >= 25;
}

/** Rejects grant paths Node would read differently from how a person reads them. */
function grantPath(p: string, what: string): string {
  if (typeof p !== 'string' || p === '') throw new Error(`${what}: an empty path cannot be granted.`);
  if (!path.isAbsolute(p)) throw new Error(`${what}: "${p}" is not an absolute path; grants must be absolute.`);
  // Node reads "*" in a grant as a wildcard that matches everything after it.
  if (p.includes('*')) throw new Error(`${what}: "${p}" contains "*", which Node treats as a wildcard; name the folder instead.`);
  if (p.includes('\0')) throw new Error(`${what}: the path contains a NUL character.`);
  return path.resolve(p);
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

/**
 * Flags that confine a tool process: reads of the runner's own scripts, the tool's folder and the
 * manifest's read and write paths (writing usually needs reading the folder too); writes of the
 * manifest's write paths only; child processes only with `system`. Workers, addons and WASI are never
 * allowed: leaving their --allow-* flags out keeps them refused. Paths must already be resolved
 * (realpath) by the caller; this function only checks and formats them.
 */
export function permissionFlags(p: ToolPermissions, files: RunnerFiles, node: NodeVersion): string[] {
  const fsRead = p.filesystem === false ? [] : p.filesystem.read;
  const fsWrite = p.filesystem === false ? [] : p.filesystem.write;
  const reads = unique([
    grantPath(files.harness, 'runner harness'),
    grantPath(files.guard, 'network guard'),
    grantPath(files.dir, 'tool folder'),
    grantPath(files.entry, 'tool entry'),
    ...fsRead.map((r) => grantPath(r, 'filesystem.read')),
    ...fsWrite.map((w) => grantPath(w, 'filesystem.write')),
  ]);
  const writes = unique(fsWrite.map((w) => grantPath(w, 'filesystem.write')));
  const flags: string[] = [permissionSwitch(node)];
  for (const r of reads) flags.push(`--allow-fs-read=${r}`);
  for (const w of writes) flags.push(`--allow-fs-write=${w}`);
  if (p.system) flags.push('--allow-child-process');
  if (p.network !== false && nodeGatesNetwork(node)) flags.push('--allow-net');
  return flags;
}
