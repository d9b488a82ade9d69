// Patterns for the `matches` condition: compiled once, tested on a bounded input, shapes that backtrack badly refused.

/** `matches` tests only the first this-many characters, so a long output cannot make a condition slow. */
export const MATCH_INPUT_CAP = 1000;
const MAX_PATTERN_LENGTH = 500;

const QUANTIFIER = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/;
type Repeat = 'none' | 'bounded' | 'unbounded';

/**
 * Compiles a `matches` pattern (JavaScript syntax, no flags). Refuses invalid patterns and the shapes that make a
 * backtracking engine take exponential time, a repeated group that itself repeats or has alternatives: (a+)+,
 * (\w|-)*, (x*){9}. The input cap bounds everything else; [\w-]+ says what (\w|-)* meant, safely.
 */
export function compilePattern(source: string): { ok: true; regex: RegExp } | { ok: false; reason: string } {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (err) {
    return { ok: false, reason: `invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  const nested = nestedRepetition(source);
  if (nested !== null) return { ok: false, reason: `the group "${nested}" repeats something that itself repeats or has alternatives, which can take exponentially long; use a character class such as [\\w-]+ instead` };
  return { ok: true, regex };
}

const cache = new Map<string, RegExp | null>();

/** Tests a string against a pattern, compiling it once; an invalid pattern matches nothing. */
export function testPattern(source: string, text: string): boolean {
  let regex = cache.get(source);
  if (regex === undefined) {
    const compiled = compilePattern(source);
    regex = compiled.ok ? compiled.regex : null;
    if (cache.size >= 256) cache.clear();
    cache.set(source, regex);
  }
  return regex !== null && regex.test(text.length > MATCH_INPUT_CAP ? text.slice(0, MATCH_INPUT_CAP) : text);
}

interface Group {
  start: number;
  /** The strongest repetition inside the group, including nested groups. */
  inner: Repeat;
  alternatives: boolean;
}

/** The source of the first dangerously repeated group, or null. A scanner, not a parser: it only has to find groups and quantifiers. */
function nestedRepetition(source: string): string | null {
  const stack: Group[] = [{ start: 0, inner: 'none', alternatives: false }];
  const top = (): Group => stack[stack.length - 1] as Group;
  const raise = (g: Group, r: Repeat): void => {
    if (r === 'unbounded' || (r === 'bounded' && g.inner === 'none')) g.inner = r;
  };
  const atomQuantifier = (at: number): number => {
    const q = quantifierAt(source, at);
    raise(top(), q.repeat);
    return q.length;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\' || c === '[') {
      i = c === '[' ? endOfClass(source, i + 1) : i + 2;
      i += atomQuantifier(i);
    } else if (c === '(') {
      stack.push({ start: i, inner: 'none', alternatives: false });
      i = afterGroupPrefix(source, i + 1);
    } else if (c === ')' && stack.length > 1) {
      const group = stack.pop() as Group;
      const { length, repeat: outer } = quantifierAt(source, i + 1);
      i += 1 + length;
      const risky = (outer === 'unbounded' && (group.inner !== 'none' || group.alternatives)) || (outer === 'bounded' && group.inner === 'unbounded');
      if (risky) return source.slice(group.start, i);
      raise(top(), group.inner);
      raise(top(), outer);
      if (group.alternatives) top().alternatives = true;
    } else if (c === '|') {
      top().alternatives = true;
      i += 1;
    } else {
      i += 1;
      i += atomQuantifier(i);
    }
  }
  return null;
}

/** The quantifier at `i` (with its lazy `?`): its length, 0 when there is none, and how far it repeats. */
function quantifierAt(source: string, i: number): { length: number; repeat: Repeat } {
  const m = QUANTIFIER.exec(source.slice(i, i + 24));
  if (m === null) return { length: 0, repeat: 'none' };
  const q = m[0];
  const unbounded = q === '*' || q === '+' || (m[2] !== undefined && m[3] === '');
  return { length: q.length + (source[i + q.length] === '?' ? 1 : 0), repeat: unbounded ? 'unbounded' : 'bounded' };
}

function endOfClass(source: string, i: number): number {
  // In JavaScript "[]" is an empty class, so the first unescaped "]" always closes it.
  let j = i;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Skips "?:", "?=", "?!", "?<=", "?<!" and "?<name>" after an opening parenthesis. */
function afterGroupPrefix(source: string, i: number): number {
  if (source[i] !== '?') return i;
  if (source[i + 1] === '<' && source[i + 2] !== '=' && source[i + 2] !== '!') {
    const close = source.indexOf('>', i);
    return close === -1 ? source.length : close + 1;
  }
  return i + (source[i + 1] === '<' ? 3 : 2);
}
