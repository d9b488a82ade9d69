// Runs a manifest tool's run(input) in a child Node process confined to its manifest's permissions.
import { spawn, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ToolPermissions } from '../types';
import { resourcePath } from '../../util/resources';
import { permissionFlags, type NodeVersion } from './permission-flags';

export { permissionFlags } from './permission-flags';

export interface ProcessRunSpec {
  toolName: string;
  /** Absolute path of the tool's CommonJS entry file; must lie inside `dir`. */
  entry: string;
  /** Absolute path of the tool's folder: its working directory and always readable. */
  dir: string;
  input: unknown;
  /** Passed to the tool as run(input, context): the call's idempotency key, so retries can be recognised. */
  context?: { idempotencyKey?: string };
  permissions: ToolPermissions;
  timeoutMs: number;
  /** Cap on everything the process writes (stdout + stderr, the result line included). */
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** The node binary to use; default process.execPath (Electron's own, run as node). */
  nodePath?: string;
}

export type ProcessRunFailure = {
  kind: 'permission_denied' | 'timeout' | 'output_too_large' | 'crashed' | 'tool_error' | 'bad_output' | 'aborted';
  message: string;
  /** For permission_denied: FileSystemRead, FileSystemWrite, ChildProcess, WorkerThreads, Network, … */
  permission?: string;
  resource?: string;
};

/** `stderr` is the tool's log: what it printed (its stdout is moved there too), the last 64 Ki characters of it. */
export type ProcessRunResult =
  | { ok: true; output: unknown; stderr: string; durationMs: number }
  | { ok: false; error: ProcessRunFailure; stderr: string; durationMs: number };

const LOG_TAIL_CHARS = 64 * 1024;
const CRASH_TAIL_CHARS = 2000;
/** After the process exits, how long to wait for its pipes (a grandchild may hold them open). */
const PIPE_GRACE_MS = 500;
const HOSTS_FLAG = '--net-hosts=';
/** setTimeout fires at once for delays past 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** SIGKILL a tool's whole process group (POSIX); processes that left the group are out of reach. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined || process.platform === 'win32') return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The runner's plain-JS files: beside this module from source, or in the install folder from a bundle. */
function runnerFile(name: string): string {
  const candidates = [path.join(__dirname, name)];
  try {
    candidates.push(resourcePath('src-main', 'core', 'tools', 'runners', name));
  } catch {
    // No install folder above us; the first candidate is the only one.
  }
  for (const c of candidates) {
    // A child node cannot read inside an asar archive: packaging unpacks these files beside it.
    const unpacked = c.replace(/\bapp\.asar\b/, 'app.asar.unpacked');
    if (fs.existsSync(unpacked)) return fs.realpathSync(unpacked);
    if (fs.existsSync(c)) return fs.realpathSync(c);
  }
  throw new Error(`The tool runner's ${name} is missing (looked in ${candidates.join(', ')}).`);
}

/** realpath of p, or of its nearest existing ancestor with the rest appended (a folder not made yet). */
function resolveExisting(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(resolveExisting(parent), path.basename(p));
  }
}

/**
 * Each grant as the person wrote it and as it resolves: Node compares the paths a tool uses, unresolved,
 * so a manifest naming /var/x on macOS (really /private/var/x) must work either way. Both name the same
 * place; the tool cannot make new symlinks (Node refuses symlink without full read and write).
 */
function resolveGrants(paths: string[], what: string): string[] {
  return paths.flatMap((p) => {
    if (!path.isAbsolute(p)) throw new Error(`${what}: "${p}" is not an absolute path; grants must be absolute.`);
    const given = path.resolve(p);
    const real = resolveExisting(given);
    return real === given ? [given] : [real, given];
  });
}

function resolvePermissions(p: ToolPermissions): ToolPermissions {
  if (p.filesystem === false) return p;
  return {
    ...p,
    filesystem: { read: resolveGrants(p.filesystem.read, 'filesystem.read'), write: resolveGrants(p.filesystem.write, 'filesystem.write') },
  };
}

const versionCache = new Map<string, Promise<string>>();

/** The version of the node that will run the tool, asked of that binary once when it is not this one. */
function nodeVersionOf(nodePath: string): Promise<string> {
  if (nodePath === process.execPath) return Promise.resolve(process.versions.node);
  let cached = versionCache.get(nodePath);
  if (!cached) {
    cached = new Promise<string>((resolve, reject) => {
      execFile(nodePath, ['--version'], { env: scrubbedEnv(false), timeout: 10_000 }, (err, stdout) => {
        if (err) reject(new Error(`Cannot run ${nodePath} --version: ${err.message}`));
        else resolve(stdout.trim());
      });
    });
    versionCache.set(nodePath, cached);
    cached.catch(() => versionCache.delete(nodePath));
  }
  return cached;
}

/** Nothing from Jarvis's environment but PATH (and SystemRoot, which Windows needs to start anything). */
function scrubbedEnv(runAsNode: boolean): NodeJS.ProcessEnv {
  const keep = process.platform === 'win32' ? ['PATH', 'SYSTEMROOT'] : ['PATH'];
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const name = process.platform === 'win32' ? key.toUpperCase() : key;
    if (value !== undefined && keep.includes(name)) env[key] = value;
  }
  if (runAsNode) env['ELECTRON_RUN_AS_NODE'] = '1';
  return env;
}

/** Node's own name for a permission, made uniform: Node 25 says "Net" where the guard says "Network". */
function permissionName(p: string | undefined): string | undefined {
  if (p === undefined || p === '') return undefined;
  return p === 'Net' ? 'Network' : p;
}

function tailOf(text: string, chars: number): string {
  return text.length <= chars ? text : `…${text.slice(text.length - chars)}`;
}

interface ResultLine {
  ok: boolean;
  output?: unknown;
  error?: { code?: unknown; message?: unknown; permission?: unknown; resource?: unknown };
}

function isResultLine(v: unknown): v is ResultLine {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads the harness's result line (found by its nonce) out of stdout; the rest of stdout is log. */
function readResult(stdout: string, nonce: string): { line: string | null; rest: string } {
  const marker = `\n${nonce}`;
  const at = stdout.indexOf(marker);
  if (at < 0) return { line: null, rest: stdout };
  const start = at + marker.length;
  const end = stdout.indexOf('\n', start);
  const stop = end < 0 ? stdout.length : end;
  return { line: stdout.slice(start, stop), rest: stdout.slice(0, at) + stdout.slice(stop + 1) };
}

function failureFromLine(line: string, toolName: string): ProcessRunFailure | { output: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'bad_output', message: `${toolName} returned a result that is not valid JSON.` };
  }
  if (!isResultLine(parsed)) return { kind: 'bad_output', message: `${toolName} returned a malformed result.` };
  if (parsed.ok) return { output: parsed.output === undefined ? null : parsed.output };
  const e = parsed.error ?? {};
  const code = str(e.code);
  const message = str(e.message) ?? 'The tool failed without a message.';
  if (code === 'ERR_ACCESS_DENIED') {
    const failure: ProcessRunFailure = { kind: 'permission_denied', message };
    const permission = permissionName(str(e.permission));
    const resource = str(e.resource);
    if (permission !== undefined) failure.permission = permission;
    if (resource !== undefined && resource !== '') failure.resource = resource;
    return failure;
  }
  if (code === 'ERR_BAD_OUTPUT') return { kind: 'bad_output', message };
  return { kind: 'tool_error', message };
}

/** Runs the tool once. Rejects only for a bad spec: relative paths, an entry outside its folder, a grant Node would widen, input that is not JSON, a node without a permission model. */
export async function runInProcess(spec: ProcessRunSpec): Promise<ProcessRunResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  if (spec.signal?.aborted) {
    return { ok: false, error: { kind: 'aborted', message: `${spec.toolName} was cancelled before it started.` }, stderr: '', durationMs: 0 };
  }
  if (!path.isAbsolute(spec.dir) || !path.isAbsolute(spec.entry)) {
    throw new Error(`${spec.toolName}: the tool's folder and entry must be absolute paths.`);
  }
  const dir = fs.realpathSync(spec.dir);
  const entry = fs.realpathSync(spec.entry);
  if (!entry.startsWith(dir + path.sep)) {
    throw new Error(`${spec.toolName}: its entry ${entry} lies outside its folder ${dir}.`);
  }
  const files = { harness: runnerFile('harness.cjs'), guard: runnerFile('network-guard.cjs'), entry, dir };
  const nodePath = spec.nodePath ?? process.execPath;
  const version: NodeVersion = await nodeVersionOf(nodePath);
  const network = spec.permissions.network;

  const args = [
    ...permissionFlags(resolvePermissions(spec.permissions), files, version),
    // The permission model's "experimental" notice (and, with `system`, its caution about child
    // processes) would otherwise start every tool's log; they are about Jarvis's flags, not the tool.
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    ...(network === true ? [] : ['--require', files.guard]),
    files.harness,
    ...(typeof network === 'object' ? [`${HOSTS_FLAG}${JSON.stringify(network.hosts)}`] : []),
  ];
  const nonce = crypto.randomBytes(18).toString('base64url');
  const request = `${JSON.stringify({ nonce, entry, input: spec.input ?? null, context: spec.context ?? {} })}\n`;
  const runAsNode = process.versions.electron !== undefined && nodePath === process.execPath;

  return new Promise<ProcessRunResult>((resolve) => {
    const child = spawn(nodePath, args, {
      cwd: dir,
      env: scrubbedEnv(runAsNode),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group on POSIX, so stopping it also stops whatever it started (with `system`).
      detached: process.platform !== 'win32',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let stopped: ProcessRunFailure | null = null;
    let settled = false;
    let spawnError: Error | null = null;

    const stop = (failure: ProcessRunFailure): void => {
      if (stopped) return;
      stopped = failure;
      killGroup(child.pid);
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop({ kind: 'timeout', message: `${spec.toolName} did not finish within ${String(spec.timeoutMs)} ms and was stopped.` }),
      Math.min(Math.max(spec.timeoutMs, 0), MAX_TIMER_MS),
    );
    const onAbort = (): void => stop({ kind: 'aborted', message: `${spec.toolName} was cancelled.` });
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > spec.maxOutputBytes) {
        stop({ kind: 'output_too_large', message: `${spec.toolName} wrote more than ${String(spec.maxOutputBytes)} bytes and was stopped.` });
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    // The child may exit before reading its input; that shows up as its exit, not as a write error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request);

    let graceTimer: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      graceTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
    });
    child.on('error', (e) => {
      spawnError = e;
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));

    function finish(code: number | null, signal: NodeJS.Signals | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      const { line, rest } = readResult(Buffer.concat(out).toString('utf8'), nonce);
      const log = tailOf(Buffer.concat(err).toString('utf8') + rest.replace(/^\n+/, ''), LOG_TAIL_CHARS);
      const done = (error: ProcessRunFailure): void => resolve({ ok: false, error, stderr: log, durationMs: elapsed() });
      if (stopped) return done(stopped);
      if (spawnError) return done({ kind: 'crashed', message: `${spec.toolName} could not start: ${spawnError.message}` });
      if (line === null) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        const tail = tailOf(log.trim(), CRASH_TAIL_CHARS);
        return done({ kind: 'crashed', message: `${spec.toolName} ${how} without returning a result.${tail ? `\n${tail}` : ''}` });
      }
      const parsed = failureFromLine(line, spec.toolName);
      if ('output' in parsed) resolve({ ok: true, output: parsed.output, stderr: log, durationMs: elapsed() });
      else done(parsed);
    }
  });
}
