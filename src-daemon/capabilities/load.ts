// Loads the whitelist: the daemon's own capabilities.json if it has one, else the repository default; validated, or a clear error.
import fs from 'node:fs';
import path from 'node:path';
import { CapabilitiesFile } from '../protocol';
import { errnoOf } from './errors';

/** capabilities.json could not be used; names the file and, where one is at fault, the field. */
export class CapabilitiesFileError extends Error {
  override readonly name = 'CapabilitiesFileError';
  constructor(
    readonly file: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

const MAX_ISSUES = 5;

/** The file that will be used: the daemon's own copy wins as soon as it exists (a broken copy is an error, never a fallback). */
export function capabilitiesPath(repoDefaultPath: string, daemonHome: string): string {
  const own = path.join(daemonHome, 'capabilities.json');
  try {
    fs.lstatSync(own);
    return own;
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw new CapabilitiesFileError(own, null, `Cannot read ${own}: ${(err as Error).message}.`);
    return repoDefaultPath;
  }
}

/** "~", "~/x" or an absolute path: the only forms a path in the whitelist may take, so none depends on the daemon's working folder. */
function pathProblem(p: string): string | null {
  if (p === '~' || p.startsWith('~/') || (process.platform === 'win32' && p.startsWith('~\\')) || path.isAbsolute(p)) return null;
  return `must be an absolute path or start with "~/"; it is "${p}"`;
}

/** Paths zod cannot judge: each [field, problem]. */
function pathIssues(caps: CapabilitiesFile['capabilities']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const check = (field: string, p: string): void => {
    const problem = pathProblem(p);
    if (problem !== null) out.push([field, problem]);
  };
  if (caps.screenshot) check('capabilities.screenshot.folder', caps.screenshot.folder);
  caps.file_move?.roots.forEach((r, i) => check(`capabilities.file_move.roots.${i}`, r));
  for (const [id, s] of Object.entries(caps.run_script?.scripts ?? {})) check(`capabilities.run_script.scripts.${id}.path`, s.path);
  return out;
}

export function loadCapabilities(repoDefaultPath: string, daemonHome: string): CapabilitiesFile {
  const file = capabilitiesPath(repoDefaultPath, daemonHome);
  let text: string;
  try {
    // A whitelist anyone can edit is no whitelist.
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o002) !== 0) {
      throw new CapabilitiesFileError(file, null, `${file} is writable by every user, so it cannot be trusted as the daemon's whitelist. Run: chmod o-w "${file}".`);
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof CapabilitiesFileError) throw err;
    throw new CapabilitiesFileError(file, null, `Cannot read ${file}: ${(err as Error).message}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CapabilitiesFileError(file, null, `${file} is not valid JSON: ${(err as Error).message}.`);
  }
  const parsed = CapabilitiesFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => [i.path.map(String).join('.') || '(top level)', i.message] as const);
    const [first] = issues;
    const listed = issues.slice(0, MAX_ISSUES).map(([f, m]) => `${f}: ${m}`).join('; ');
    const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
    throw new CapabilitiesFileError(file, first?.[0] ?? null, `${file} is not a valid capabilities file: ${listed}${more}.`);
  }
  const bad = pathIssues(parsed.data.capabilities);
  if (bad.length > 0) {
    const [field] = bad[0] ?? [null];
    throw new CapabilitiesFileError(file, field, `${file} is not a valid capabilities file: ${bad.map(([f, m]) => `${f} ${m}`).join('; ')}.`);
  }
  return parsed.data;
}
