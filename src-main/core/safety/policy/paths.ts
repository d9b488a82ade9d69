// Path arithmetic without touching the disk: expand ~, resolve . and .., and test whether a path lies in a folder.

/**
 * How the machine spells paths, read from the home folder: a drive letter means Windows (both slashes
 * separate, names ignore case and trailing dots and spaces); anything else is POSIX, where only "/"
 * separates and a backslash is an ordinary character of a name.
 */
export type PathFlavour = 'posix' | 'windows';

export function flavourOf(homeDir: string): PathFlavour {
  return /^[A-Za-z]:[\\/]/.test(homeDir) ? 'windows' : 'posix';
}

/**
 * An absolute path with "~" expanded and ".", ".." and repeated separators resolved, joined with "/";
 * Windows paths keep a lower-case drive ("c:/users/…" stays case as written after the drive).
 * null when the path cannot be pinned down without the disk: relative paths, "~user", NUL bytes,
 * Windows device and drive-relative forms. Callers treat null as "cannot be checked".
 */
export function normalizePath(raw: string, homeDir: string): string | null {
  if (raw.includes('\0')) return null;
  const flavour = flavourOf(homeDir);
  let text = raw;
  if (text === '~' || text.startsWith('~/') || (flavour === 'windows' && text.startsWith('~\\'))) {
    const home = absoluteParts(homeDir, flavour);
    if (home === null) return null;
    text = `${join(home.root, home.segments)}/${text.slice(1)}`;
  }
  const parts = absoluteParts(text, flavour);
  return parts === null ? null : join(parts.root, parts.segments);
}

/** True when `path` is `dir` or inside it. Both must already be normalised. `fold` ignores case and Unicode composition. */
export function isPathUnder(path: string, dir: string, fold: boolean): boolean {
  const p = fold ? foldCase(path) : path;
  const d = fold ? foldCase(dir) : dir;
  if (p === d) return true;
  return p.startsWith(d.endsWith('/') ? d : `${d}/`);
}

/** Whether a string is written as an absolute or home-relative path in this flavour (before any checks). */
export function looksAbsolute(text: string, flavour: PathFlavour): boolean {
  if (text.startsWith('/') || text === '~' || text.startsWith('~/')) return true;
  return flavour === 'windows' && (/^[A-Za-z]:[\\/]/.test(text) || text.startsWith('\\') || text.startsWith('~\\'));
}

// macOS and Windows disks usually ignore case, and macOS stores names decomposed: a deny rule must
// catch every spelling that reaches the same file, so comparisons that block fold both.
function foldCase(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

interface Parts {
  root: string;
  segments: string[];
}

function absoluteParts(text: string, flavour: PathFlavour): Parts | null {
  if (flavour === 'posix') {
    if (!text.startsWith('/')) return null;
    return { root: '', segments: resolveSegments(text.split('/'), flavour) };
  }
  // "\\?\…" and "\\.\…" reach devices and skip Windows' own normalisation: not something to reason about here.
  if (/^[\\/]{2}[?.][\\/]/.test(text)) return null;
  const drive = /^([A-Za-z]):[\\/]/.exec(text);
  if (drive) return { root: `${(drive[1] ?? '').toLowerCase()}:`, segments: resolveSegments(text.slice(3).split(/[\\/]/), flavour) };
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(.*)$/.exec(text);
  if (unc) return { root: `//${unc[1] ?? ''}/${unc[2] ?? ''}`, segments: resolveSegments((unc[3] ?? '').split(/[\\/]/), flavour) };
  // "\x" is relative to the current drive and "C:x" to that drive's current folder: neither is known here.
  return null;
}

function resolveSegments(raw: string[], flavour: PathFlavour): string[] {
  const out: string[] = [];
  for (const piece of raw) {
    // Windows drops trailing dots and spaces from names, so "secret. " opens "secret".
    const seg = flavour === 'windows' ? piece.replace(/[. ]+$/, (tail) => (piece === tail ? tail : '')) : piece;
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return out;
}

function join(root: string, segments: readonly string[]): string {
  return `${root}/${segments.join('/')}`;
}
