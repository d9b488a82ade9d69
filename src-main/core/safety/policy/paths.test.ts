// Path arithmetic: ~ expansion, . and .. resolution, paths that cannot be pinned down, and folder containment.
import { describe, expect, it } from 'vitest';
import { isPathUnder, normalizePath } from './index';

describe('normalizePath', () => {
  it.each([
    ['/a/b/../c/./d//e', '/a/c/d/e'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['~', '/home/ada'],
    ['~/x/../y', '/home/ada/y'],
    ['/a/b\\..\\c', '/a/b\\..\\c'],
  ])('POSIX %s → %s', (raw, want) => {
    expect(normalizePath(raw, '/home/ada')).toBe(want);
  });

  it.each([['relative/x'], ['./x'], ['~eve/x'], ['/a\0b'], ['']])('POSIX %j cannot be pinned down', (raw) => {
    expect(normalizePath(raw, '/home/ada')).toBeNull();
  });

  it.each([
    ['C:\\Users\\Ada\\x\\..\\y', 'c:/Users/Ada/y'],
    ['c:/Users/Ada/secret. \\k', 'c:/Users/Ada/secret/k'],
    ['~\\Documents', 'c:/Users/Ada/Documents'],
    ['\\\\server\\share\\a\\..\\b', '//server/share/b'],
  ])('Windows %s → %s', (raw, want) => {
    expect(normalizePath(raw, 'C:\\Users\\Ada')).toBe(want);
  });

  it.each([['\\\\?\\C:\\x'], ['\\\\.\\pipe\\x'], ['\\x'], ['C:x']])('Windows %j cannot be pinned down', (raw) => {
    expect(normalizePath(raw, 'C:\\Users\\Ada')).toBeNull();
  });

  it('cannot expand ~ against a home folder that is not absolute', () => {
    expect(normalizePath('~/x', 'home')).toBeNull();
  });
});

describe('isPathUnder', () => {
  it('matches the folder and what is inside it, never a sibling that shares a prefix', () => {
    expect(isPathUnder('/a/b', '/a/b', false)).toBe(true);
    expect(isPathUnder('/a/b/c', '/a/b', false)).toBe(true);
    expect(isPathUnder('/a/bc', '/a/b', false)).toBe(false);
    expect(isPathUnder('/anything', '/', false)).toBe(true);
  });

  it('folds case and Unicode composition only when asked', () => {
    expect(isPathUnder('/A/B/c', '/a/b', true)).toBe(true);
    expect(isPathUnder('/A/B/c', '/a/b', false)).toBe(false);
    expect(isPathUnder('/Re\u0301sume\u0301/x', '/r\u00e9sum\u00e9', true)).toBe(true);
  });
});
