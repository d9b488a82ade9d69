// The MCP client against the real filesystem server from npm, through the real `jarvis serve`: consent, tools, gated calls, review of new tools, crash and reconnect.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, runCli, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startLlmSimulator, type LlmSimulator } from '../helpers/llm-simulator';
import { McpAddServerResult, McpServerView, ToolList, type McpServerHealth } from '../../src-shared/contract';

const FS_SERVER = path.join(REPO, 'node_modules', '.bin', 'mcp-server-filesystem');

let j: JarvisProcess;
let sim: LlmSimulator;
let dir: string;
let member: string;

beforeAll(async () => {
  dir = tempHome('jarvis-mcp-files-');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'hello from a file\n');
  // A simulated OpenAI-compatible server, so the test can read what a model call receives.
  sim = await startLlmSimulator();
  j = await startJarvis({ env: { JARVIS_LLM_PROVIDER: 'openai', JARVIS_LLM_BASE_URL: sim.url, JARVIS_LLM_MODEL: 'sim-chat' } });
  const res = runCli(['token', 'create', '--role', 'member'], { JARVIS_HOME: j.home });
  member = res.stdout.trim().split('\n').at(-1) ?? '';
});
afterAll(async () => {
  await j.stop();
  await sim.close();
});

const send = (method: string, body?: unknown, token?: string) => ({
  method,
  ...(token ? { auth: false } : {}),
  headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

const health = async (name: string): Promise<McpServerHealth | undefined> => ((await api(j, '/v1/integrations')).body.mcp as McpServerHealth[]).find((s) => s.name === name);
const tools = async () => ToolList.parse((await api(j, '/v1/tools')).body).tools;

/** Command lines of the processes `pid` started (Linux /proc). */
function childCommands(pid: number): string[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  const children = tasks.flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
  return children.map((c) => {
    try {
      return fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return '';
    }
  });
}

const auditOf = async (query: string) => (await api(j, `/v1/audit?${query}&limit=1000`)).body.events as { type: string; subject: string | null; payload: Record<string, unknown> }[];

describe('adding a server', () => {
  it('refuses bad input naming the field, and a member may not add one', async () => {
    const bad = await api(j, '/v1/mcp/servers', send('POST', { name: 'Bad Name', transport: 'stdio', args: 'x' }));
    expect(bad.status).toBe(400);
    expect((bad.body.error?.details as { field: string }[]).map((d) => d.field)).toEqual(expect.arrayContaining(['name', 'command', 'args']));
    const unknown = await api(j, '/v1/mcp/servers', send('POST', { name: 'x', transport: 'pigeon' }));
    expect(unknown.body.error?.message).toMatch(/transport/);
    const missing = await api(j, '/v1/mcp/servers', send('POST', { name: 'x', transport: 'stdio', command: 'no-such-mcp-server-here' }));
    expect(missing.status).toBe(400);
    expect(missing.body.error?.details).toEqual([{ field: 'command', problem: expect.stringMatching(/is not on the server's PATH/) }]);
    const asMember = await api(j, '/v1/mcp/servers', send('POST', { name: 'x', transport: 'stdio', command: FS_SERVER, args: [dir] }, member));
    expect(asMember.status).toBe(403);
    expect((await api(j, '/v1/mcp/servers')).body.servers).toEqual([]);
  });

  it('stores it awaiting consent, shows the full command line and environment, and starts nothing', async () => {
    const res = await api(j, '/v1/mcp/servers', send('POST', { name: 'fs', transport: 'stdio', command: FS_SERVER, args: [dir] }));
    expect(res.status).toBe(201);
    const added = McpAddServerResult.parse(res.body);
    expect(added.consent.command_line).toBe(`${FS_SERVER} ${dir}`);
    expect(added.consent.environment).toEqual([expect.stringMatching(/^PATH=.*\/usr\/bin/)]);
    expect(added.server).toMatchObject({ status: 'awaiting_consent', policy: { trusted: false, allowed_tools: ['*'], approval: 'by_risk' }, health: { state: 'not_started', connected: false, pid: null } });
    expect((await tools()).filter((t) => t.name.startsWith('mcp.'))).toEqual([]);
    expect(childCommands(j.child.pid ?? 0).filter((c) => c.includes('mcp-server-filesystem'))).toEqual([]);
    const again = await api(j, '/v1/mcp/servers', send('POST', { name: 'fs', transport: 'stdio', command: FS_SERVER, args: [dir] }));
    expect(again.status).toBe(409);
    const trail = await auditOf('type=mcp.server_added');
    expect(trail.at(-1)?.payload).toMatchObject({ server: 'fs', command_line: `${FS_SERVER} ${dir}` });
  });
});

describe('after consent', () => {
  it('consent holds only for the command line shown; then the server connects and its tools join the registry', async () => {
    const stale = await api(j, '/v1/mcp/servers/fs/consent', send('POST', { command_line: `${FS_SERVER} /` }));
    expect(stale.status).toBe(409);
    const ok = await api(j, '/v1/mcp/servers/fs/consent', send('POST', { command_line: `${FS_SERVER} ${dir}` }));
    expect(ok.status).toBe(200);
    expect((await api(j, '/v1/mcp/servers/fs/consent', send('POST'))).status).toBe(409);
    const h = await until(() => health('fs'), (s) => s?.connected === true, 30_000, 'fs connecting');
    expect(h).toMatchObject({ state: 'connected', server_info: { name: 'secure-filesystem-server' }, tools_needing_review: 0 });
    expect(childCommands(j.child.pid ?? 0).some((c) => c.includes(dir))).toBe(true);

    const listed = await tools();
    const list = listed.find((t) => t.name === 'mcp.fs.list_directory');
    expect(list).toMatchObject({ source: 'mcp', enabled: true, risk: 'medium', input_schema: { properties: { path: { type: 'string' } }, required: ['path'] } });
    expect(listed.find((t) => t.name === 'mcp.fs.write_file')?.risk).toBe('high');
    const view = McpServerView.parse((await api(j, '/v1/mcp/servers/fs')).body);
    expect(view.tools.find((t) => t.name === 'mcp.fs.list_directory')).toMatchObject({ mcp_name: 'list_directory', allowed: true, enabled: true });
    expect((await auditOf('type=mcp.tools_approved_by_consent')).at(-1)?.payload.tools).toEqual(expect.arrayContaining(['mcp.fs.list_directory', 'mcp.fs.write_file']));
  });

  it('its tools are in what a model call receives: the context and the tools sent to the provider', async () => {
    sim.chat.script({ content: 'I can list that folder for you.' });
    const said = await api(j, '/v1/events?wait=true', send('POST', { channel: 'api', payload: { text: 'what could you do with my files?' } }));
    expect(said.body).toMatchObject({ status: 'done', reply: 'I can list that folder for you.' });
    const calls = (await api(j, `/v1/llm/context?trace_id=${said.body.trace_id as string}`)).body.calls as { context: { tools: { name: string; wire_name: string }[] } }[];
    expect(calls[0]?.context.tools.find((t) => t.name === 'mcp.fs.list_directory')).toMatchObject({ wire_name: 'mcp__fs__list_directory' });
    expect(sim.chat.requests.at(-1)?.tools?.some((t) => t.function.name === 'mcp__fs__list_directory')).toBe(true);
  });

  it('a call goes through the executor and the gate and leaves the full audit trail, its result marked untrusted', async () => {
    const plan = await api(j, '/v1/agent/plan', send('POST', { goal: `use list_directory ${dir}` }));
    expect(plan.body).toMatchObject({ intent: 'mcp.fs.list_directory', steps: [{ action: 'mcp.fs.list_directory', input: { path: dir }, risk: 'medium', requires_approval: true }] });
    const taskId = plan.body.task_id as string;
    const waiting = await api(j, '/v1/agent/execute', send('POST', { task_id: taskId, wait: true }));
    expect(waiting.body.status).toBe('waiting_approval');
    const approval = ((await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; tool: string; task_id: string }[]).find((a) => a.task_id === taskId);
    expect(approval?.tool).toBe('mcp.fs.list_directory');
    expect((await api(j, `/v1/approvals/${approval?.id}/approve`, send('POST', {}))).status).toBe(200);
    const done = await until(async () => (await api(j, `/v1/agent/status/${taskId}`)).body, (t) => t.status === 'succeeded' || t.status === 'failed', 30_000, 'the task finishing');
    expect(done.status).toBe('succeeded');
    expect(done.reply).toContain('a.txt');

    const trail = await auditOf(`trace_id=${plan.body.trace_id as string}`);
    const types = trail.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['event.ingested', 'routing.decided', 'gate.required', 'gate.approved', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent']));
    const attempted = trail.find((e) => e.type === 'tool_call.attempted')?.payload;
    expect(attempted).toMatchObject({ tool: 'mcp.fs.list_directory', scope: 'passed', risk: 'medium', idempotency_key: `${taskId}:s1`, gate: { decision: 'allow', cell: `approval:${approval?.id}` } });
    const succeeded = trail.find((e) => e.type === 'tool_call.succeeded')?.payload;
    expect(succeeded?.output).toMatchObject({ untrusted: true, origin: 'mcp:fs/list_directory', text: expect.stringContaining('[FILE] a.txt') });
  });

  it('a path outside the server\'s folder fails cleanly with the server\'s own error', async () => {
    expect((await api(j, '/v1/mcp/servers/fs/policy', send('PUT', { tool_risk: { read_text_file: 'low' } }))).status).toBe(200);
    const res = await api(j, '/v1/events?wait=true', send('POST', { channel: 'api', payload: { text: 'use read_text_file /etc/passwd' } }));
    expect(res.body).toMatchObject({ status: 'failed', reply: expect.stringMatching(/^I could not run read_text_file on fs: .*reported an error/) });
    const failed = (await auditOf(`trace_id=${res.body.trace_id as string}`)).find((e) => e.type === 'tool_call.failed');
    expect(failed?.payload).toMatchObject({ reason: 'tool_error', details: { untrusted: true, is_error: true } });
  });
});

describe('tools that appear after consent', () => {
  it('need a person\'s review before first use, and work once enabled', async () => {
    const added = await api(j, '/v1/mcp/servers', send('POST', { name: 'fs2', transport: 'stdio', command: FS_SERVER, args: [dir], policy: { trusted: true, allowed_tools: ['list_*'] } }));
    expect(added.status).toBe(201);
    await api(j, '/v1/mcp/servers/fs2/consent', send('POST'));
    await until(() => health('fs2'), (s) => s?.connected === true, 30_000, 'fs2 connecting');
    const before = McpServerView.parse((await api(j, '/v1/mcp/servers/fs2')).body);
    expect(before.tools.filter((t) => t.allowed).map((t) => t.mcp_name).sort()).toEqual(['list_allowed_directories', 'list_directory', 'list_directory_with_sizes']);
    expect(before.tools.find((t) => t.mcp_name === 'read_text_file')).toMatchObject({ allowed: false, enabled: false });

    const widened = await api(j, '/v1/mcp/servers/fs2/policy', send('PUT', { trusted: true, allowed_tools: ['*'] }));
    expect(widened.status).toBe(200);
    const read = McpServerView.parse(widened.body).tools.find((t) => t.mcp_name === 'read_text_file');
    expect(read).toMatchObject({ name: 'mcp.fs2.read_text_file', allowed: true, enabled: false, disabled_reason: expect.stringMatching(/new since the MCP server "fs2" was approved/), risk: 'low' });
    expect((await health('fs2'))?.tools_needing_review).toBeGreaterThan(0);
    const changed = (await auditOf('type=mcp.tools_changed')).filter((e) => e.subject === 'fs2').at(-1);
    expect(changed?.payload.needs_review).toEqual(expect.arrayContaining(['mcp.fs2.read_text_file']));

    const goal = `mcp.fs2.read_text_file ${path.join(dir, 'a.txt')}`;
    const refused = await api(j, '/v1/events?wait=true', send('POST', { channel: 'api', payload: { text: goal } }));
    expect(refused.body).toMatchObject({ status: 'failed' });
    expect((await auditOf(`trace_id=${refused.body.trace_id as string}`)).find((e) => e.type === 'tool_call.rejected')?.payload).toMatchObject({ reason: 'disabled' });

    expect((await api(j, '/v1/tools/mcp.fs2.read_text_file/enable', send('POST'))).status).toBe(200);
    const ran = await api(j, '/v1/events?wait=true', send('POST', { channel: 'api', payload: { text: goal } }));
    expect(ran.body).toMatchObject({ status: 'done', reply: 'read_text_file: hello from a file\n' });
  });

  it('removing a server takes its tools out of the registry and ends its process', async () => {
    const pid = (await health('fs2'))?.pid;
    expect((await api(j, '/v1/mcp/servers/fs2', send('DELETE'))).status).toBe(200);
    expect((await tools()).some((t) => t.name.startsWith('mcp.fs2.'))).toBe(false);
    expect((await api(j, '/v1/mcp/servers/fs2')).status).toBe(404);
    expect(pid).toBeGreaterThan(0);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  });
});

describe('a server that dies', () => {
  it('SIGKILL: health turns degraded within 30 s, Jarvis keeps answering, and the server is reconnected', async () => {
    const before = await health('fs');
    expect(before?.connected).toBe(true);
    process.kill(before?.pid ?? 0, 'SIGKILL');
    const degraded = await until(() => health('fs'), (s) => s?.state === 'degraded', 30_000, 'fs turning degraded');
    expect(degraded).toMatchObject({ connected: false, last_error: expect.stringContaining('SIGKILL') });
    expect((await api(j, '/health', { auth: false })).status).toBe(200);
    const back = await until(() => health('fs'), (s) => s?.connected === true, 30_000, 'fs reconnecting');
    expect(back?.pid).not.toBe(before?.pid);
    const lifecycle = (await auditOf('type=mcp.disconnected')).filter((e) => e.subject === 'fs');
    expect(lifecycle.at(-1)?.payload).toMatchObject({ server: 'fs', error: expect.stringContaining('SIGKILL') });
    const ran = await api(j, '/v1/events?wait=true', send('POST', { channel: 'api', payload: { text: `use read_text_file ${path.join(dir, 'a.txt')}` } }));
    expect(ran.body).toMatchObject({ status: 'done', reply: 'read_text_file: hello from a file\n' });
  });
});

describe('a restart', () => {
  it('reconnects consented servers by itself, and the tools reviewed before stay enabled', async () => {
    const home = j.home;
    const changesBefore = (await auditOf('type=mcp.tools_changed')).length;
    await j.stop();
    j = await startJarvis({ home });
    await until(() => health('fs'), (s) => s?.connected === true, 30_000, 'fs reconnecting after a restart');
    const fsTools = (await tools()).filter((t) => t.name.startsWith('mcp.fs.'));
    expect(fsTools.length).toBeGreaterThan(10);
    expect(fsTools.every((t) => t.enabled)).toBe(true);
    expect(await auditOf('type=mcp.tools_changed')).toHaveLength(changesBefore);
    expect((await auditOf('type=mcp.connected')).at(-1)).toMatchObject({ subject: 'fs', payload: { attempt: 1 } });
  });
});
