// The process runner with real child processes: results, filesystem and process confinement, limits, environment.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures, failureOf, type Fixtures } from './fixture-tools';

let fx: Fixtures;

/** Alive and not a zombie: a killed orphan may wait to be reaped where the init process does not reap. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
beforeAll(() => {
  fx = createFixtures('jarvis-runner-');
});
afterAll(() => fx.cleanup());

describe('results', () => {
  it('returns what run(input) returns, with the tool\'s prints kept apart as its log', async () => {
    const t = fx.tool(
      'echo',
      `exports.run = async (input) => {
        console.log('printed by the tool');
        require('fs').writeSync(1, 'half a line on the real stdout');
        return { echo: input };
      };`,
    );
    const r = await fx.run(t, { text: 'hi', n: [1, 2] });
    expect(r).toMatchObject({ ok: true, output: { echo: { text: 'hi', n: [1, 2] } } });
    expect(r.stderr).toContain('printed by the tool');
    expect(r.stderr).toContain('half a line on the real stdout');
    expect(r.stderr).not.toContain('ExperimentalWarning');
    expect(r.stderr).not.toContain('SecurityWarning');
  });

  it('accepts a synchronous run and maps undefined to null', async () => {
    const t = fx.tool('sync', 'exports.run = () => undefined;');
    expect(await fx.run(t, null)).toMatchObject({ ok: true, output: null });
  });

  it('reports a thrown error as tool_error with its message', async () => {
    const t = fx.tool('throws', "exports.run = () => { throw new Error('the printer is on fire'); };");
    expect(failureOf(await fx.run(t, {}))).toMatchObject({ kind: 'tool_error', message: 'the printer is on fire' });
  });

  it('reports an error thrown later, outside run, as tool_error', async () => {
    const t = fx.tool('throws-later', "exports.run = () => new Promise(() => setTimeout(() => { throw new Error('late failure'); }, 10));");
    expect(failureOf(await fx.run(t, {}))).toMatchObject({ kind: 'tool_error', message: 'late failure' });
  });

  it('reports an output that cannot become JSON as bad_output', async () => {
    const t = fx.tool('bigint', 'exports.run = () => ({ n: 10n });');
    expect(failureOf(await fx.run(t, {})).kind).toBe('bad_output');
  });

  it('reports process.exit(3) as crashed', async () => {
    const t = fx.tool('exits', "exports.run = () => { console.error('giving up'); process.exit(3); };");
    const e = failureOf(await fx.run(t, {}));
    expect(e.kind).toBe('crashed');
    expect(e.message).toContain('code 3');
    expect(e.message).toContain('giving up');
  });

  it('reports a module without run() as tool_error', async () => {
    const t = fx.tool('no-run', 'exports.walk = () => 1;');
    expect(failureOf(await fx.run(t, {}))).toMatchObject({ kind: 'tool_error' });
  });

  it('returns as soon as run() settles even if the tool leaves a timer running', async () => {
    const t = fx.tool('lingers', 'exports.run = () => { setInterval(() => {}, 60_000); return 1; };');
    expect(await fx.run(t, {}, {}, { timeoutMs: 5_000 })).toMatchObject({ ok: true, output: 1 });
  });
});

describe('filesystem', () => {
  const writer = `exports.run = ({ file }) => { require('fs').writeFileSync(file, 'written'); return 'ok'; };`;

  it('writes inside its granted folder', async () => {
    const out = fx.folder('granted-out');
    const file = path.join(out, 'result.txt');
    const r = await fx.run(fx.tool('writer-in', writer), { file }, { filesystem: { read: [], write: [out] } });
    expect(r).toMatchObject({ ok: true, output: 'ok' });
    expect(fs.readFileSync(file, 'utf8')).toBe('written');
  });

  it('is refused a write outside its grant, and nothing is written', async () => {
    const out = fx.folder('granted-out-2');
    const elsewhere = fx.folder('not-granted');
    const file = path.join(elsewhere, 'stolen.txt');
    const e = failureOf(await fx.run(fx.tool('writer-out', writer), { file }, { filesystem: { read: [], write: [out] } }));
    expect(e).toMatchObject({ kind: 'permission_denied', permission: 'FileSystemWrite', resource: file });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('cannot write even into its own folder without a grant', async () => {
    const t = fx.tool('writer-self', writer);
    const file = path.join(t.dir, 'self.txt');
    expect(failureOf(await fx.run(t, { file }))).toMatchObject({ kind: 'permission_denied', permission: 'FileSystemWrite' });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('reads only what it was granted', async () => {
    const secretDir = fx.folder('secret');
    const secret = path.join(secretDir, 'secret.txt');
    fs.writeFileSync(secret, 'top secret');
    const t = fx.tool('reader', "exports.run = ({ file }) => require('fs').readFileSync(file, 'utf8');");
    const e = failureOf(await fx.run(t, { file: secret }));
    expect(e).toMatchObject({ kind: 'permission_denied', permission: 'FileSystemRead', resource: secret });
    expect(await fx.run(t, { file: secret }, { filesystem: { read: [secretDir], write: [] } })).toMatchObject({ ok: true, output: 'top secret' });
  });

  it('is refused trace files, which Node would write into its folder without a grant', async () => {
    const t = fx.tool('tracer', "exports.run = () => { require('trace_events').createTracing({ categories: ['node.perf'] }).enable(); return 1; };");
    expect(failureOf(await fx.run(t, {})).kind).toBe('permission_denied');
    expect(fs.readdirSync(t.dir).filter((f) => f.startsWith('node_trace'))).toEqual([]);
  });
});

describe('processes', () => {
  const shell = `exports.run = async () => {
    const cp = require('child_process');
    const sync = cp.execSync('echo from-sync').toString().trim();
    const later = await new Promise((ok, fail) => cp.execFile('sh', ['-c', 'echo from-async'], (e, out) => (e ? fail(e) : ok(out.trim()))));
    return [sync, later];
  };`;

  it('cannot start a process without the system permission', async () => {
    const e = failureOf(await fx.run(fx.tool('shell-denied', shell), {}));
    expect(e).toMatchObject({ kind: 'permission_denied', permission: 'ChildProcess' });
  });

  it.skipIf(process.platform === 'win32')('starts processes with the system permission', async () => {
    const r = await fx.run(fx.tool('shell-allowed', shell), {}, { system: true });
    expect(r).toMatchObject({ ok: true, output: ['from-sync', 'from-async'] });
    expect(r.stderr).not.toContain('SecurityWarning');
  });

  it.skipIf(process.platform === 'win32')('stops what a tool started when the tool is stopped', async () => {
    const out = fx.folder('pids');
    const pidFile = path.join(out, 'pid');
    const t = fx.tool(
      'spawns-and-hangs',
      `exports.run = ({ pidFile }) => {
        const child = require('child_process').spawn('sleep', ['30'], { stdio: 'ignore' });
        require('fs').writeFileSync(pidFile, String(child.pid));
        return new Promise(() => {});
      };`,
    );
    const r = await fx.run(t, { pidFile }, { system: true, filesystem: { read: [], write: [out] } }, { timeoutMs: 1_000 });
    expect(failureOf(r).kind).toBe('timeout');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(pid)).toBe(false);
  });

  it('cannot signal other processes (such as Jarvis) without the system permission', async () => {
    const t = fx.tool('killer', 'exports.run = ({ raw }) => { process.kill(process.pid, 0); (raw ? process._kill : process.kill)(process.ppid, 0); return "sent"; };');
    expect(failureOf(await fx.run(t, { raw: false }))).toMatchObject({ kind: 'permission_denied', permission: 'ChildProcess' });
    expect(failureOf(await fx.run(t, { raw: true }))).toMatchObject({ kind: 'permission_denied', permission: 'ChildProcess' });
  });

  it('cannot open files through node:sqlite where Node has it', async () => {
    const t = fx.tool(
      'sqlite',
      `exports.run = ({ file }) => {
        let sqlite;
        try { sqlite = require('node:sqlite'); } catch { return 'absent'; }
        new sqlite.DatabaseSync(file);
        return 'opened';
      };`,
    );
    const file = path.join(fx.folder('sqlite-target'), 'x.db');
    const r = await fx.run(t, { file });
    if (r.ok) expect(r.output).toBe('absent');
    else expect(r.error.kind).toBe('permission_denied');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('cannot start worker threads', async () => {
    const t = fx.tool('worker', "exports.run = () => { new (require('worker_threads').Worker)('1', { eval: true }); return 1; };");
    expect(failureOf(await fx.run(t, {}, { system: true }))).toMatchObject({ kind: 'permission_denied', permission: 'WorkerThreads' });
  });

  it('cannot load native addons', async () => {
    const t = fx.tool('addon', "exports.run = () => { process.dlopen({ exports: {} }, __dirname + '/x.node'); return 1; };");
    const e = failureOf(await fx.run(t, {}));
    expect(e.kind).toBe('tool_error');
    expect(e.message).toMatch(/addons is disabled|Access to this API has been restricted/);
  });
});

describe('environment', () => {
  it('sees none of the parent\'s variables but PATH', async () => {
    const saved = { JARVIS_TEST_SECRET: process.env['JARVIS_TEST_SECRET'], NODE_OPTIONS: process.env['NODE_OPTIONS'], API_TOKEN: process.env['API_TOKEN'] };
    process.env['JARVIS_TEST_SECRET'] = 'do-not-leak';
    process.env['NODE_OPTIONS'] = '--max-old-space-size=64';
    process.env['API_TOKEN'] = 'tok_do_not_leak';
    try {
      const t = fx.tool('env', 'exports.run = () => ({ env: process.env, execArgv: process.execArgv });');
      const r = await fx.run(t, {});
      if (!r.ok) throw new Error(r.error.message);
      const { env } = r.output as { env: Record<string, string> };
      const allowed = process.platform === 'win32' ? ['PATH', 'SYSTEMROOT'] : ['PATH'];
      expect(Object.keys(env).filter((k) => !allowed.includes(k.toUpperCase()))).toEqual([]);
      expect(JSON.stringify(r.output)).not.toContain('do_not_leak');
      expect(JSON.stringify(r.output)).not.toContain('do-not-leak');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = v;
      }
    }
  });
});

describe('limits', () => {
  it('stops a tool that never finishes', async () => {
    const t = fx.tool('loops', 'exports.run = () => { for (;;) {} };');
    expect(failureOf(await fx.run(t, {}, {}, { timeoutMs: 500 })).kind).toBe('timeout');
  });

  it('stops a tool that prints too much', async () => {
    const t = fx.tool('chatty', "exports.run = () => { for (let i = 0; i < 1024; i++) console.log('x'.repeat(1023)); return 1; };");
    expect(failureOf(await fx.run(t, {}, {}, { maxOutputBytes: 64 * 1024 })).kind).toBe('output_too_large');
  });

  it('counts a huge result against the same cap', async () => {
    const t = fx.tool('big-result', "exports.run = () => 'y'.repeat(1024 * 1024);");
    expect(failureOf(await fx.run(t, {}, {}, { maxOutputBytes: 64 * 1024 })).kind).toBe('output_too_large');
  });

  it('stops a tool when its call is aborted', async () => {
    const t = fx.tool('waits', 'exports.run = () => new Promise(() => setInterval(() => {}, 1000));');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(failureOf(await fx.run(t, {}, {}, { signal: controller.signal, timeoutMs: 30_000 })).kind).toBe('aborted');
  });

  it('does not start a tool whose call is already aborted', async () => {
    const t = fx.tool('never', 'exports.run = () => 1;');
    expect(failureOf(await fx.run(t, {}, {}, { signal: AbortSignal.abort() })).kind).toBe('aborted');
  });
});

describe('spec checks', () => {
  it('refuses an entry outside the tool folder and relative grants', async () => {
    const a = fx.tool('a', 'exports.run = () => 1;');
    const b = fx.tool('b', 'exports.run = () => 1;');
    await expect(fx.run({ ...a, entry: b.entry }, {})).rejects.toThrow(/outside its folder/);
    await expect(fx.run(a, {}, { filesystem: { read: ['relative/dir'], write: [] } })).rejects.toThrow(/absolute/);
  });
});
