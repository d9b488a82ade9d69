// Policy rules: each list, wildcard hosts, path prefixes through .. and case, schema checks, and the sliding-minute rate limiter.
import { describe, expect, it } from 'vitest';
import { PolicyRulesSchema, RateLimiter, checkRules, type PolicyRules } from './index';

const HOME = '/home/ada';
const rules = (over: Partial<PolicyRules>): PolicyRules => PolicyRulesSchema.parse(over);
const check = (r: Partial<PolicyRules>, tool: string, input: unknown, homeDir = HOME): ReturnType<typeof checkRules> => checkRules(rules(r), { tool, input, homeDir });

describe('PolicyRulesSchema', () => {
  it('fills every list with an empty default', () => {
    expect(PolicyRulesSchema.parse({})).toEqual({ allow_tools: [], deny_tools: [], allow_hosts: [], deny_hosts: [], deny_paths: [], allow_paths: [], rate_limits: {} });
  });

  it('refuses unknown keys, bad host and path entries, and limits out of range', () => {
    for (const bad of [
      { deny_tool: ['x'] },
      { deny_hosts: ['https://example.com/'] },
      { allow_hosts: ['exa mple.com'] },
      { deny_paths: ['relative/dir'] },
      { rate_limits: { http_request: 0 } },
      { rate_limits: { http_request: 10_001 } },
      { rate_limits: { http_request: 1.5 } },
    ]) {
      expect(PolicyRulesSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('passes a call when no rule is set', () => {
    expect(check({}, 'anything', { url: 'https://x.example/', path: '/etc/shadow' })).toEqual({ blocked: false });
  });
});

describe('tool lists', () => {
  it('deny_tools blocks a listed tool, by name or by "prefix.*"', () => {
    expect(check({ deny_tools: ['daemon.run_script'] }, 'daemon.run_script', {})).toEqual({
      blocked: true,
      rule: 'deny_tools: daemon.run_script',
      message: 'daemon.run_script is on the list of tools that may not run',
    });
    expect(check({ deny_tools: ['daemon.*'] }, 'daemon.file_move', {})).toMatchObject({ blocked: true, rule: 'deny_tools: daemon.*' });
    expect(check({ deny_tools: ['daemon.*'] }, 'daemonic', {}).blocked).toBe(false);
    expect(check({ deny_tools: ['daemon.run_script'] }, 'echo', {}).blocked).toBe(false);
    expect(check({ deny_tools: ['*'] }, 'echo', {}).blocked).toBe(true);
  });

  it('allow_tools, when set, lets only listed tools run', () => {
    expect(check({ allow_tools: ['echo'] }, 'echo', {}).blocked).toBe(false);
    expect(check({ allow_tools: ['echo'] }, 'http_request', {})).toMatchObject({ blocked: true, rule: 'allow_tools: http_request is not listed' });
  });

  it('deny wins over allow', () => {
    expect(check({ allow_tools: ['echo'], deny_tools: ['echo'] }, 'echo', {})).toMatchObject({ blocked: true, rule: 'deny_tools: echo' });
  });
});

describe('host lists', () => {
  it('deny_hosts blocks exact names, whatever the case, port or trailing dot', () => {
    for (const url of ['https://evil.com/', 'https://EVIL.com:8443/x', 'http://evil.com./']) {
      expect(check({ deny_hosts: ['evil.com'] }, 'http_request', { url }), url).toMatchObject({ blocked: true, rule: 'deny_hosts: evil.com' });
    }
    expect(check({ deny_hosts: ['evil.com'] }, 'http_request', { url: 'https://notevil.com/' }).blocked).toBe(false);
  });

  it('deny_hosts "*.domain" blocks names below it and the domain itself', () => {
    const r = { deny_hosts: ['*.evil.com'] };
    expect(check(r, 'http_request', { url: 'https://a.b.evil.com/' })).toMatchObject({ blocked: true, rule: 'deny_hosts: *.evil.com' });
    expect(check(r, 'http_request', { url: 'https://evil.com/' }).blocked).toBe(true);
    expect(check(r, 'http_request', { url: 'https://notevil.com/' }).blocked).toBe(false);
    expect(check(r, 'http_request', { url: 'https://evil.com.example.org/' }).blocked).toBe(false);
  });

  it('a port in an entry narrows it to that port', () => {
    const r = { deny_hosts: ['example.com:8443'] };
    expect(check(r, 'http_request', { url: 'https://example.com:8443/' }).blocked).toBe(true);
    expect(check(r, 'http_request', { url: 'https://example.com/' }).blocked).toBe(false);
  });

  it('allow_hosts, when set, lets URLs reach only listed hosts; "*.domain" means names below it', () => {
    const r = { allow_hosts: ['api.example.com', '*.cdn.example.com'] };
    expect(check(r, 'http_request', { url: 'https://api.example.com/v1' }).blocked).toBe(false);
    expect(check(r, 'http_request', { url: 'https://img.cdn.example.com/a.png' }).blocked).toBe(false);
    expect(check(r, 'http_request', { url: 'https://cdn.example.com/' })).toMatchObject({ blocked: true, rule: 'allow_hosts: cdn.example.com is not listed' });
    expect(check(r, 'http_request', { url: 'https://api.example.com@evil.com/' })).toMatchObject({ blocked: true, rule: 'allow_hosts: evil.com is not listed' });
  });

  it('finds URLs anywhere in the arguments, under url keys or written with a scheme', () => {
    const r = { deny_hosts: ['evil.com'] };
    expect(check(r, 'webhook.send', { target: { url: 'https://evil.com/' } }).blocked).toBe(true);
    expect(check(r, 'webhook.send', { endpoints: ['https://ok.example/', 'wss://evil.com/socket'] }).blocked).toBe(true);
  });

  it('blocks URLs it cannot read when host rules are set', () => {
    expect(check({ deny_hosts: ['evil.com'] }, 'http_request', { url: 'http://exa mple.com/' })).toMatchObject({ blocked: true, rule: 'deny_hosts: unreadable url' });
    expect(check({ allow_hosts: ['example.com'] }, 'http_request', { url: 'mailto:someone@example.com' }).blocked).toBe(true);
  });
});

describe('path lists', () => {
  it('deny_paths catches a path that walks into the folder with ..', () => {
    expect(check({ deny_paths: ['~/.ssh'] }, 'daemon.file_move', { from: '~/Documents/../.ssh/id', to: '~/Desktop/id' })).toEqual({
      blocked: true,
      rule: 'deny_paths: ~/.ssh',
      message: `daemon.file_move may not touch ${HOME}/.ssh/id (deny_paths: ~/.ssh)`,
    });
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { file: `${HOME}/Documents/./../.ssh//config` }).blocked).toBe(true);
    expect(check({ deny_paths: [`${HOME}/.ssh`] }, 'x', { dir: '~/.ssh' }).blocked).toBe(true);
  });

  it('deny_paths ignores case and does not catch look-alike siblings', () => {
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: '~/.SSH/id' }).blocked).toBe(true);
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: '~/.ssh-backup/id' }).blocked).toBe(false);
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: '~/Documents/.ssh.txt' }).blocked).toBe(false);
  });

  it('finds absolute paths in any argument, named or not, and file: URLs', () => {
    expect(check({ deny_paths: ['/etc'] }, 'x', { args: ['--config', '/etc/passwd'] }).blocked).toBe(true);
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { note: '~/.ssh/id' }).blocked).toBe(true);
    expect(check({ deny_paths: ['/etc'] }, 'x', { url: 'file:///etc/passwd' }).blocked).toBe(true);
    expect(check({ deny_paths: ['/etc'] }, 'x', { text: 'see /etcetera' }).blocked).toBe(false);
  });

  it('allow_paths, when set, keeps path arguments inside the listed folders', () => {
    const r = { allow_paths: ['~/Downloads', '~/Documents'] };
    expect(check(r, 'daemon.file_move', { from: '~/Downloads/a.pdf', to: '~/Documents/a.pdf' }).blocked).toBe(false);
    expect(check(r, 'daemon.file_move', { from: '~/Downloads/a.pdf', to: '~/Documents/../.config/a.pdf' })).toMatchObject({
      blocked: true,
      rule: `allow_paths: ${HOME}/.config/a.pdf is outside every allowed folder`,
    });
    expect(check(r, 'daemon.file_move', { from: '~/Downloads/a.pdf', to: '/tmp/a.pdf' }).blocked).toBe(true);
  });

  it('blocks relative paths it cannot place, but not bare names in path arguments', () => {
    expect(check({ allow_paths: ['~/Documents'] }, 'x', { path: '../secret' })).toMatchObject({ blocked: true, rule: 'allow_paths: "../secret" cannot be resolved' });
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: '.ssh/id' }).blocked).toBe(true);
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: '~eve/.ssh/id' }).blocked).toBe(true);
    expect(check({ deny_paths: ['~/.ssh'] }, 'mail.send', { to: 'bob@example.com' }).blocked).toBe(false);
    expect(check({ allow_paths: ['~/Documents'] }, 'x', { file: 'notes.txt' }).blocked).toBe(false);
  });

  it('reads Windows paths with either slash when the home folder is on a drive', () => {
    const home = 'C:\\Users\\Ada';
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: 'c:/users/ada/Documents/..\\.SSH\\id' }, home).blocked).toBe(true);
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: 'C:\\Users\\Ada\\.ssh. \\id' }, home).blocked).toBe(true);
    expect(check({ allow_paths: ['~/Documents'] }, 'x', { path: 'C:\\Users\\Ada\\Documents\\a.txt' }, home).blocked).toBe(false);
  });

  it('treats a backslash as part of a name on POSIX, where it is one', () => {
    expect(check({ deny_paths: ['~/.ssh'] }, 'x', { path: `${HOME}/.ssh/foo\\..\\..\\bar` }).blocked).toBe(true);
  });
});

describe('inputs too large to read', () => {
  it('are blocked when a host or path rule would need to read them', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i += 1) deep = { inner: deep };
    expect(check({ deny_hosts: ['evil.com'] }, 'x', deep).blocked).toBe(true);
    expect(check({ deny_paths: ['/etc'] }, 'x', deep).blocked).toBe(true);
    expect(check({ deny_tools: ['y'] }, 'x', deep).blocked).toBe(false);
  });
});

describe('RateLimiter', () => {
  const T0 = 1_700_000_000_000;

  it('blocks the 11th call within 60 s at 10/min, and allows again once the window slides', () => {
    const limiter = new RateLimiter({ http_request: 10 });
    for (let i = 0; i < 10; i += 1) {
      expect(limiter.check('http_request', T0 + i * 1000).blocked).toBe(false);
      limiter.record('http_request', T0 + i * 1000);
    }
    expect(limiter.check('http_request', T0 + 10_000)).toEqual({ blocked: true, rule: 'rate_limits: http_request 10/min', message: 'http_request may run at most 10 times a minute, and it already has' });
    expect(limiter.check('http_request', T0 + 59_999).blocked).toBe(true);
    // The first call leaves the window at T0 + 60 s, freeing exactly one slot.
    expect(limiter.check('http_request', T0 + 60_000).blocked).toBe(false);
    limiter.record('http_request', T0 + 60_000);
    expect(limiter.check('http_request', T0 + 60_500).blocked).toBe(true);
    expect(limiter.check('http_request', T0 + 61_000).blocked).toBe(false);
    expect(limiter.check('http_request', T0 + 200_000).blocked).toBe(false);
  });

  it('does not count checks, only recorded calls', () => {
    const limiter = new RateLimiter({ echo: 1 });
    for (let i = 0; i < 5; i += 1) expect(limiter.check('echo', T0 + i).blocked).toBe(false);
    limiter.record('echo', T0 + 10);
    expect(limiter.check('echo', T0 + 11).blocked).toBe(true);
  });

  it('limits each tool on its own and leaves unlisted tools alone', () => {
    const limiter = new RateLimiter({ a: 1 });
    limiter.record('a', T0);
    limiter.record('b', T0);
    expect(limiter.check('a', T0 + 1).blocked).toBe(true);
    expect(limiter.check('b', T0 + 1).blocked).toBe(false);
  });

  it('keeps counting when the clock steps back, and refuses an unreadable clock', () => {
    const limiter = new RateLimiter({ a: 2 });
    limiter.record('a', T0);
    limiter.record('a', T0 + 1000);
    expect(limiter.check('a', T0 - 30_000).blocked).toBe(true);
    expect(limiter.check('a', Number.NaN).blocked).toBe(true);
  });

  it('refuses nonsense limits when built by hand', () => {
    expect(() => new RateLimiter({ a: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ a: Number.NaN })).toThrow(RangeError);
  });
});
