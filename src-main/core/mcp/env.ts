// What a stdio MCP server is started with: only the allow-listed variables plus a minimal PATH, and the command resolved to the file that will run.
import fs from 'node:fs';
import path from 'node:path';

/** System folders every program may need; nothing from the person's own PATH unless they allow PATH. */
export function minimalPath(platform: NodeJS.Platform = process.platform, execPath = process.execPath, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') {
    const root = env.SYSTEMROOT ?? env.SystemRoot ?? 'C:\\Windows';
    return [`${root}\\System32`, root, `${root}\\System32\\Wbem`].join(';');
  }
  const dirs = ['/usr/local/bin', '/usr/bin', '/bin'];
  // Servers published on npm start with `#!/usr/bin/env node`: let them find the Node Jarvis itself runs on.
  if (/^node(\.exe)?$/i.test(path.basename(execPath))) dirs.unshift(path.dirname(execPath));
  return [...new Set(dirs)].join(':');
}

// Windows programs fail in odd ways without these; they name folders, not secrets.
const WINDOWS_BASE = ['SYSTEMROOT', 'SystemRoot', 'WINDIR', 'PATHEXT', 'COMSPEC', 'TEMP', 'TMP'];

/**
 * The child's whole environment: the allow-listed names that are set in Jarvis's environment, plus a
 * minimal PATH (the person's PATH only if PATH itself is allow-listed).
 */
export function childEnvironment(allow: readonly string[], source: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const env: Record<string, string> = { PATH: minimalPath(platform, process.execPath, source) };
  const names = platform === 'win32' ? [...WINDOWS_BASE, ...allow] : allow;
  for (const name of names) {
    const value = source[name];
    // Exported shell functions ("() { …") have been used to smuggle code into children.
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  return env;
}

export class CommandNotFoundError extends Error {}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute file `command` names, looked up the way the child's own PATH would: a command with a
 * slash is taken relative to `cwd`; a bare name is searched on `searchPath`. Throws CommandNotFoundError.
 */
export function resolveCommand(command: string, searchPath: string, cwd: string, platform: NodeJS.Platform = process.platform): string {
  const sep = platform === 'win32' ? ';' : ':';
  if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) {
    const file = path.resolve(cwd, command);
    if (isExecutableFile(file)) return file;
    throw new CommandNotFoundError(`${file} does not exist or is not an executable file`);
  }
  const exts = platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const dir of searchPath.split(sep).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, command + ext);
      if (isExecutableFile(file)) return file;
    }
  }
  throw new CommandNotFoundError(`"${command}" is not on the server's PATH (${searchPath}); give its absolute path, or allow PATH in env`);
}

/** POSIX shell quoting, so the command line shown for consent is exactly one reading of what runs. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteArg).join(' ');
}
