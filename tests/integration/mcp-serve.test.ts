// `jarvis mcp serve` as a real process, driven by the MCP SDK's own client over stdio: tools/list, goals and memory through the gate, approvals from the app.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src-main/core/audit';
import { openDatabase } from '../../src-main/core/db';
import { api, JARVIS_BIN, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';

let home: string;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';
let app: JarvisProcess | undefined;

beforeAll(async () => {
  home = tempHome();
  transport = new StdioClientTransport({ command: process.execPath, args: [JARVIS_BIN, 'mcp', 'serve'], env: { ...(process.env as Record<string, string>), JARVIS_HOME: home }, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'another-agent', version: '1.0.0' });
  await client.connect(transport);
});
afterAll(async () => {
  await client.close().catch(() => undefined);
  await app?.stop();
});

type Structured = Record<string, unknown> & { status?: string };
async function call(name: string, args: Record<string, unknown>): Promise<{ result: CallToolResult; body: Structured }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, body: (result.structuredContent ?? {}) as Structured };
}

/** The audit trail as stored, read the way `jarvis audit export` reads it. */
function trail(traceId: string) {
  const db = openDatabase(path.join(home, 'jarvis.db'), { readonly: true });
  try {
    return new AuditLog(db).byTrace(traceId);
  } finally {
    db.close();
  }
}

describe('jarvis mcp serve', () => {
  it('answers tools/list with goal submission, task status and memory query', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['submit_goal', 'task_status', 'memory_query']);
    expect(tools[0]?.inputSchema).toMatchObject({ type: 'object', properties: { goal: { type: 'string' } }, required: ['goal'] });
    expect(client.getServerVersion()).toMatchObject({ name: 'jarvis' });
  });

  it('a submitted goal runs through the executor and the gate, audited as coming from an MCP client', async () => {
    const { result, body } = await call('submit_goal', { goal: 'echo hello from another agent' });
    expect(result.isError).toBeUndefined();
    expect(body).toMatchObject({ status: 'succeeded', reply: 'hello from another agent', steps: [{ action: 'echo', status: 'succeeded', risk: 'none' }] });
    const events = trail(body.trace_id as string);
    expect(events.map((e) => e.type)).toEqual(['event.ingested', 'routing.decided', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent']);
    expect(events[0]).toMatchObject({ actor: 'mcp:agent', payload: { channel: 'mcp', source: 'mcp:jarvis-mcp-serve' } });
    expect(events[2]).toMatchObject({ actor: 'mcp:agent', payload: { tool: 'echo', scope: 'passed', gate: { decision: 'allow', cell: 'A2×none' } } });

    const status = await call('task_status', { task_id: body.task_id });
    expect(status.body.tasks).toEqual([expect.objectContaining({ task_id: body.task_id, status: 'succeeded', reply: 'hello from another agent' })]);
  });

  it('a call the gate holds answers waiting_approval, and another agent cannot approve it', async () => {
    const { result, body } = await call('memory_query', { text: 'green tea' });
    expect(result.isError).toBe(true);
    expect(body).toMatchObject({ status: 'waiting_approval', approval_id: expect.any(String) });
    const selfApprove = await call('submit_goal', { goal: `approve ${body.approval_id as string}` });
    expect(selfApprove.body).toMatchObject({ status: 'failed', reply: expect.stringMatching(/cannot approve/) });
  });

  it('a person approves in the app; the same call with the approval id then runs, once', async () => {
    app = await startJarvis({ home });
    const json = (b: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await api(app, '/v1/memory/add', json({ content: 'Alice drinks green tea every morning' }))).status).toBe(201);
    const asked = await call('memory_query', { text: 'green tea' });
    const approvalId = asked.body.approval_id as string;
    expect((await api(app, `/v1/approvals/${approvalId}/approve`, json({}))).status).toBe(200);

    const ran = await call('memory_query', { text: 'green tea', approval_id: approvalId });
    expect(ran.result.isError).toBeUndefined();
    expect(ran.body).toMatchObject({ status: 'succeeded', output: { results: [expect.objectContaining({ memory: expect.objectContaining({ content: 'Alice drinks green tea every morning' }) })] } });
    const again = await call('memory_query', { text: 'green tea', approval_id: approvalId });
    expect(again.body.status).toBe('waiting_approval');
  });

  it('bad input and goals nothing understands are answered, and the server keeps serving', async () => {
    const empty = (await client.callTool({ name: 'submit_goal', arguments: { goal: '' } })) as CallToolResult;
    expect(empty.isError).toBe(true);
    expect(JSON.stringify(empty.content)).toMatch(/goal/);
    const unknownTool = (await client.callTool({ name: 'format_disk', arguments: {} })) as CallToolResult;
    expect(unknownTool.isError).toBe(true);
    const unhandled = await call('submit_goal', { goal: 'make me a sandwich' });
    expect(unhandled.body).toMatchObject({ status: 'unhandled', message: expect.stringMatching(/Try: echo hello/) });
    expect((await call('submit_goal', { goal: 'echo still serving' })).body.reply).toBe('still serving');
  });

  it('stops cleanly when the client goes away', async () => {
    const pid = transport.pid ?? 0;
    await client.close();
    const deadline = Date.now() + 20_000;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    const db = openDatabase(path.join(home, 'jarvis.db'), { readonly: true });
    try {
      expect((db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE type = 'mcp.serve_stopped'").get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }
    expect(stderr).not.toMatch(/Jarvis failed/);
  });
});
