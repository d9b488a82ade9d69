// Manifest tools on a real data folder: loading and review, the sandboxed process runner's refusals, idempotency — all audited.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src-main/core';
import { createAgent, type Agent } from '../../src-main/core/agent';
import { loadSettings } from '../../src-main/core/config';
import { tempHome } from '../helpers/jarvis-process';

let home: string;
let outside: string;
let core: Core;
let agent: Agent;
let server: net.Server;
let connections = 0;

function tool(name: string, manifest: Record<string, unknown>, code: string): void {
  const dir = path.join(home, 'tools', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name, version: '1.0.0', description: `${name} test tool`, runner: { type: 'process', entry: 'index.js', timeout_ms: 10_000 }, ...manifest }));
  fs.writeFileSync(path.join(dir, 'index.js'), code);
}

const anyObject = { type: 'object' };

beforeAll(async () => {
  home = tempHome();
  outside = tempHome('jarvis-outside-');
  server = net.createServer((s) => {
    connections += 1;
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  tool('words', { input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false }, output_schema: anyObject, risk: 'none', idempotent: true },
    'exports.run = ({ text }) => ({ count: text.split(/\\s+/).filter(Boolean).length });');
  tool('writer', { input_schema: { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] }, output_schema: anyObject, risk: 'low', permissions: { filesystem: { read: ['./out'], write: ['./out'] } } },
    "const fs = require('fs'); exports.run = ({ file }) => { fs.appendFileSync(file, 'x\\n'); return { wrote: file }; };");
  fs.mkdirSync(path.join(home, 'tools', 'writer', 'out'));
  tool('spawner', { input_schema: anyObject, output_schema: anyObject, risk: 'low' }, "exports.run = () => ({ out: require('child_process').execSync('echo hi').toString() });");
  tool('netter', { input_schema: anyObject, output_schema: anyObject, risk: 'low' },
    `exports.run = () => new Promise((resolve, reject) => { const s = require('net').connect(${port}, '127.0.0.1'); s.on('connect', () => resolve({ connected: true })); s.on('error', reject); });`);
  tool('broken', { input_schema: anyObject, output_schema: anyObject, risk: 'low', permissions: { network: 'yes' } }, 'exports.run = () => ({});');

  core = openCore(loadSettings({ env: { JARVIS_HOME: home } }), { heartbeat: false });
  agent = createAgent(core);
});

afterAll(() => {
  agent.stop();
  core.close();
  server.close();
});

const run = (toolName: string, input: unknown, key?: string) =>
  agent.executor.execute({ tool: toolName, input, traceId: `t-${toolName}-${Math.random()}`, actor: 'test', ...(key ? { idempotencyKey: key } : {}) });
const auditOf = (traceId: string) => core.audit.byTrace(traceId);

describe('manifest loading', () => {
  it('loads good manifests, skips a broken one naming its file and field', () => {
    const names = agent.registry.list().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['words', 'writer', 'spawner', 'netter']));
    expect(names).not.toContain('broken');
    expect(agent.registry.errors()).toEqual([{ file: path.join(home, 'tools', 'broken', 'manifest.json'), message: expect.stringMatching(/^permissions\.network: /) }]);
  });

  it('a tool asking for filesystem access needs review and stays disabled until a person enables it (audited)', async () => {
    const writer = agent.registry.require('writer');
    expect(writer.review).toBe('required');
    const target = path.join(home, 'tools', 'writer', 'out', 'a.txt');
    const refused = await run('writer', { file: target });
    expect(refused).toMatchObject({ status: 'rejected', error: { kind: 'disabled' } });
    expect(fs.existsSync(target)).toBe(false);
    agent.registry.setEnabled('writer', true, 'person@test');
    expect(core.audit.list({ type: 'tool.enabled', limit: 10 })).toHaveLength(1);
    expect(await run('writer', { file: target })).toMatchObject({ status: 'succeeded' });
    expect(fs.readFileSync(target, 'utf8')).toBe('x\n');
  });
});

describe('the process runner refuses what the manifest does not grant', () => {
  it('writing outside the grant fails with a permission error, audited, and nothing is written', async () => {
    const target = path.join(outside, 'escape.txt');
    const result = await run('writer', { file: target });
    expect(result).toMatchObject({ status: 'failed', error: { kind: 'permission_denied', details: { permission: 'FileSystemWrite' } } });
    expect(fs.existsSync(target)).toBe(false);
    const failed = core.audit.list({ type: 'tool_call.failed', limit: 100 }).find((e) => e.payload.call_id === result.call_id);
    expect(failed?.payload).toMatchObject({ tool: 'writer', reason: 'permission_denied' });
  });

  it('spawning a process without system permission fails with a permission error', async () => {
    const result = await run('spawner', {});
    expect(result).toMatchObject({ status: 'failed', error: { kind: 'permission_denied', details: { permission: 'ChildProcess' } } });
  });

  it('opening a socket without network permission fails, and the server sees nothing', async () => {
    const result = await run('netter', {});
    expect(result).toMatchObject({ status: 'failed', error: { kind: 'permission_denied' } });
    expect(connections).toBe(0);
  });
});

describe('the executor', () => {
  it('input that fails the schema is rejected with the schema error and nothing runs', async () => {
    const result = await run('words', { text: 5 });
    expect(result).toMatchObject({ status: 'rejected', error: { kind: 'invalid_input' } });
    expect(result.error?.message).toMatch(/text/);
    const rows = core.db.prepare('SELECT COUNT(*) FROM tool_calls WHERE id = ?').pluck().get(result.call_id);
    expect(rows).toBe(0);
    const rejected = core.audit.list({ type: 'tool_call.rejected', limit: 100 }).find((e) => e.payload.call_id === result.call_id);
    expect(rejected?.payload).toMatchObject({ reason: 'invalid_input' });
  });

  it('an unknown tool is rejected by name', async () => {
    expect(await run('nope', {})).toMatchObject({ status: 'rejected', error: { kind: 'unknown_tool', message: 'No tool named "nope".' } });
  });

  it('the same idempotency key returns the stored result and runs nothing', async () => {
    const target = path.join(home, 'tools', 'writer', 'out', 'once.txt');
    const first = await run('writer', { file: target }, 'key-once');
    const second = await run('writer', { file: target }, 'key-once');
    expect(first).toMatchObject({ status: 'succeeded', replayed: false });
    expect(second).toMatchObject({ status: 'succeeded', replayed: true, call_id: first.call_id, output: first.output });
    expect(fs.readFileSync(target, 'utf8')).toBe('x\n');
  });

  it('a successful call is audited attempted → succeeded with the deciding gate cell', async () => {
    const traceId = 't-words-audit';
    await agent.executor.execute({ tool: 'words', input: { text: 'a b c' }, traceId, actor: 'test' });
    const events = auditOf(traceId);
    expect(events.map((e) => e.type)).toEqual(['tool_call.attempted', 'tool_call.succeeded']);
    expect(events[0]?.payload).toMatchObject({ gate: { decision: 'allow' }, runner: 'process' });
    expect(events[1]?.payload).toMatchObject({ output: { count: 3 } });
  });
});
