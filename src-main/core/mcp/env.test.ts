// A stdio server's start: only allow-listed variables plus a minimal PATH, the command resolved to a real file, the command line quoted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnvironment, CommandNotFoundError, commandLine, minimalPath, quoteArg, resolveCommand } from './env';

describe('childEnvironment', () => {
  const source = { PATH: '/home/me/bin:/usr/bin', HOME: '/home/me', SECRET_TOKEN: 'x', SHELLFN: '() { evil; }', LANG: 'C' };

  it('passes only the listed variables and a minimal PATH', () => {
    const env = childEnvironment(['HOME', 'LANG', 'NOT_SET'], source, 'linux');
    expect(env).toEqual({ PATH: minimalPath('linux', process.execPath, source), HOME: '/home/me', LANG: 'C' });
    expect(env.PATH).not.toContain('/home/me/bin');
  });

  it('passes the person\'s PATH only when PATH is listed, and never an exported shell function', () => {
    expect(childEnvironment(['PATH', 'SHELLFN'], source, 'linux')).toEqual({ PATH: '/home/me/bin:/usr/bin' });
  });

  it('keeps the folder of the Node that runs Jarvis first, so npm servers find node', () => {
    expect(minimalPath('linux', '/opt/node/bin/node', {})).toBe('/opt/node/bin:/usr/local/bin:/usr/bin:/bin');
    expect(minimalPath('linux', '/opt/Jarvis/jarvis', {})).toBe('/usr/local/bin:/usr/bin:/bin');
  });
});

describe('resolveCommand', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-mcp-env-'));
  const exe = path.join(dir, 'server');
  fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'plain'), 'not executable', { mode: 0o644 });

  it('finds a bare name on the given PATH and a relative path from the folder', () => {
    expect(resolveCommand('server', `/nonexistent:${dir}`, '/')).toBe(exe);
    expect(resolveCommand('./server', '/usr/bin', dir)).toBe(exe);
  });

  it('refuses what does not exist or cannot run, saying where it looked', () => {
    expect(() => resolveCommand('server', '/usr/bin:/bin', '/')).toThrow(CommandNotFoundError);
    expect(() => resolveCommand('server', '/usr/bin:/bin', '/')).toThrow(/PATH \(\/usr\/bin:\/bin\)/);
    expect(() => resolveCommand('./plain', '/usr/bin', dir)).toThrow(/not an executable file/);
  });
});

describe('commandLine', () => {
  it('quotes what a shell would split or expand, so the line reads one way', () => {
    expect(quoteArg('/tmp/dir')).toBe('/tmp/dir');
    expect(quoteArg('two words')).toBe("'two words'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
    expect(quoteArg('$HOME')).toBe("'$HOME'");
    expect(quoteArg('')).toBe("''");
    expect(commandLine('/usr/bin/node', ['server.js', '--dir', 'a b'])).toBe("/usr/bin/node server.js --dir 'a b'");
  });
});
