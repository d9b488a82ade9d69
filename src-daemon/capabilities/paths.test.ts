// "~" expansion, containment and ".." detection, for POSIX and Windows paths alike.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { expandHome, hasDotDot, isInside } from './paths';

describe('expandHome', () => {
  it('expands "~" and "~/" against HOME (USERPROFILE on Windows)', () => {
    expect(expandHome('~', { HOME: '/home/ann' }, 'linux')).toBe('/home/ann');
    expect(expandHome('~/Pictures/Jarvis', { HOME: '/home/ann' }, 'linux')).toBe('/home/ann/Pictures/Jarvis');
    expect(expandHome('~\\Pictures', { USERPROFILE: 'C:\\Users\\ann' }, 'win32')).toBe('C:\\Users\\ann\\Pictures');
    expect(expandHome('~/x', {}, 'linux')).toBe(`${os.homedir()}/x`);
  });

  it('leaves "~user", "~x" and other paths alone', () => {
    expect(expandHome('~bob/x', { HOME: '/home/ann' }, 'linux')).toBe('~bob/x');
    expect(expandHome('/abs/~/x', { HOME: '/home/ann' }, 'linux')).toBe('/abs/~/x');
    expect(expandHome('rel/x', { HOME: '/home/ann' }, 'linux')).toBe('rel/x');
    expect(expandHome('~\\x', { HOME: '/home/ann' }, 'linux')).toBe('~\\x');
  });
});

describe('isInside', () => {
  it('accepts the folder and what lies below it', () => {
    expect(isInside('/r', '/r', 'linux')).toBe(true);
    expect(isInside('/r', '/r/a/b', 'linux')).toBe(true);
    expect(isInside('/r', '/r/..foo', 'linux')).toBe(true);
  });

  it('refuses siblings with a shared prefix, parents and other drives', () => {
    expect(isInside('/r', '/rx/a', 'linux')).toBe(false);
    expect(isInside('/r/a', '/r', 'linux')).toBe(false);
    expect(isInside('/r', '/other', 'linux')).toBe(false);
    expect(isInside('C:\\r', 'D:\\r\\a', 'win32')).toBe(false);
    expect(isInside('C:\\r', 'C:\\r\\a', 'win32')).toBe(true);
  });
});

describe('hasDotDot', () => {
  it('finds ".." as a whole segment only', () => {
    expect(hasDotDot('/r/../etc', 'linux')).toBe(true);
    expect(hasDotDot('..', 'linux')).toBe(true);
    expect(hasDotDot('/r/a/..', 'linux')).toBe(true);
    expect(hasDotDot('/r/..a/b..', 'linux')).toBe(false);
  });

  it('splits on backslashes too on Windows', () => {
    expect(hasDotDot('C:\\r\\..\\x', 'win32')).toBe(true);
    expect(hasDotDot('/r/a\\..\\b', 'linux')).toBe(false);
  });
});
