// MCP servers that crash, hang or talk garbage, as real processes: each is contained, retried with backoff and audited, and Jarvis keeps working.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src-main/core';
import { createAgent, type Agent } from '../../src-main/core/agent';
import { loadSettings } from '../../src-main/core/config';
import type { McpAddServerInput, McpServerHealth } from '../../src-shared/contract';
import { McpAddServerRequest } from '../../src-shared/contract';
import { REPO, tempHome } from '../helpers/jarvis-process';

const FS_SERVER = path.join(REPO, 'node_modules', '.bin', 'mcp-server-filesystem');

let core: Core;
let agent: Agent;
let dir: string;
const stopped: number[] = [];

beforeAll(() => {
  dir = tempHome('jarvis-mcp-faults-files-');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'x');
  core = openCore(loadSettings({ env: { JARVIS_HOME: tempHome() } }), { heartbeat: false });
  // Short timings so each fault shows within seconds; the defaults are in connection.ts.
  agent = createAgent(core, { mcpTimings: { connectTimeoutMs: 2000, pingIntervalMs: 500, pingTimeoutMs: 3000, backoffInitialMs: 200, backoffMaxMs: 1000, maxInvalidMessages: 20 } });
});
afterAll(async () => {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await agent.stop();
  core.close();
});

function addAndConsent(request: McpAddServerInput): void {
  agent.mcp.add(McpAddServerRequest.parse(request), 'person:owner');
  agent.mcp.consent(request.name, 'person:owner');
}

async function until(name: string, ok: (h: McpServerHealth) => boolean, what: string, ms = 20_000): Promise<McpServerHealth> {
  const deadline = Date.now() + ms;
  for (;;) {
    const h = agent.mcp.health().find((s) => s.name === name);
    if (h && ok(h)) return h;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms; last: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Command lines of this process's children (Linux /proc). */
function children(): string[] {
  return fs.readdirSync(`/proc/${process.pid}/task`).flatMap((t) =>
    fs
      .readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        } catch {
          return '';
        }
      }),
  );
}

const lifecycle = (server: string) => core.db.prepare("SELECT type, payload FROM audit_events WHERE subject = ? AND type LIKE 'mcp.%' ORDER BY id").all(server) as { type: string; payload: string }[];

async function echoStillWorks(): Promise<void> {
  const r = await agent.executor.execute({ tool: 'echo', input: { text: 'still here' }, traceId: `t-${Math.random()}`, actor: 'test' });
  expect(r).toMatchObject({ status: 'succeeded', output: { text: 'still here' } });
}

describe('servers that fail', () => {
  it('a program that exits at once: degraded with its exit code and last words, retried with backoff', async () => {
    addAndConsent({ name: 'quits', transport: 'stdio', command: '/bin/sh', args: ['-c', 'echo bad config >&2; exit 3'] });
    const h = await until('quits', (s) => s.attempts >= 3, 'three failed attempts');
    expect(h).toMatchObject({ state: 'degraded', connected: false, last_error: expect.stringMatching(/exited with code 3; it said: bad config/) });
    const failed = lifecycle('quits').filter((e) => e.type === 'mcp.failed').map((e) => JSON.parse(e.payload) as { attempt: number; retry_in_ms: number });
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.map((f) => f.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    await echoStillWorks();
    await agent.mcp.disable('quits', 'person:owner');
  });

  it('a program that never answers: the handshake times out and the process is ended', async () => {
    addAndConsent({ name: 'silent', transport: 'stdio', command: '/bin/sleep', args: ['600'] });
    const h = await until('silent', (s) => s.attempts >= 1, 'a failed handshake');
    expect(h.last_error).toMatch(/did not answer within 2000 ms/);
    await echoStillWorks();
    await agent.mcp.disable('silent', 'person:owner');
    expect(children().filter((c) => c === '/bin/sleep 600')).toEqual([]);
  });

  it('a program that writes garbage: invalid messages are counted, audited once, and the connection dropped', async () => {
    addAndConsent({ name: 'noisy', transport: 'stdio', command: '/usr/bin/yes', args: ['not json'] });
    const h = await until('noisy', (s) => s.attempts >= 1 && /invalid messages/.test(s.last_error ?? ''), 'dropping the noisy server');
    expect(h.last_error).toMatch(/the server sent 20 invalid messages/);
    const trail = lifecycle('noisy').map((e) => e.type);
    expect(trail).toContain('mcp.invalid_message');
    await echoStillWorks();
    await agent.mcp.disable('noisy', 'person:owner');
    expect(children().filter((c) => c.startsWith('/usr/bin/yes'))).toEqual([]);
  });

  it('a server that hangs (SIGSTOP): a call fails as timed out, the ping marks it degraded, and a fresh one replaces it', async () => {
    addAndConsent({ name: 'hang', transport: 'stdio', command: FS_SERVER, args: [dir], call_timeout_ms: 1000, policy: { trusted: true } });
    const up = await until('hang', (s) => s.connected, 'connecting');
    stopped.push(up.pid ?? 0);
    process.kill(up.pid ?? 0, 'SIGSTOP');
    const call = await agent.executor.execute({ tool: 'mcp.hang.list_directory', input: { path: dir }, traceId: 't-hang', actor: 'test' });
    expect(call).toMatchObject({ status: 'failed', error: { kind: 'timeout', message: expect.stringMatching(/did not answer within 1000 ms/) } });
    expect(core.audit.byTrace('t-hang').map((e) => e.type)).toEqual(['tool_call.attempted', 'tool_call.failed']);
    const degraded = await until('hang', (s) => s.state === 'degraded', 'the ping noticing');
    expect(degraded.last_error).toMatch(/did not answer a ping within 3000 ms/);
    const back = await until('hang', (s) => s.connected, 'reconnecting');
    expect(back.pid).not.toBe(up.pid);
    expect(fs.existsSync(`/proc/${up.pid}`)).toBe(false);
    const again = await agent.executor.execute({ tool: 'mcp.hang.list_directory', input: { path: dir }, traceId: 't-hang-2', actor: 'test' });
    expect(again).toMatchObject({ status: 'succeeded', output: { untrusted: true, text: '[FILE] a.txt' } });
  });

  it('an HTTP server that cannot be reached, or whose header value is missing: degraded with the reason', async () => {
    addAndConsent({ name: 'remote', transport: 'http', url: 'http://127.0.0.1:9/mcp' });
    const h = await until('remote', (s) => s.attempts >= 1, 'a failed HTTP connection');
    expect(h).toMatchObject({ state: 'degraded', last_error: expect.stringMatching(/fetch failed|ECONNREFUSED/) });
    addAndConsent({ name: 'keyed', transport: 'http', url: 'http://127.0.0.1:9/mcp', headers_env: { Authorization: 'JARVIS_TEST_UNSET_TOKEN' } });
    const k = await until('keyed', (s) => s.attempts >= 1, 'refusing to connect without the header');
    expect(k.last_error).toBe('header Authorization: the environment variable JARVIS_TEST_UNSET_TOKEN is not set');
    await echoStillWorks();
    await agent.mcp.disable('remote', 'person:owner');
    await agent.mcp.disable('keyed', 'person:owner');
  });

  it('the audit chain stays intact through all of it', () => {
    expect(core.verify().ok).toBe(true);
  });
});
