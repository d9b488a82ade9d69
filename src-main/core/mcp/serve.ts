// `jarvis mcp serve`: Jarvis as an MCP server on stdio for other agents: submit a goal, read task status, query memory, all through the executor and the gate.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createAgent, type Agent } from '../agent';
import type { Settings } from '../config';
import { openCore } from '../core';
import type { ToolDefinition } from '../tools/types';
import { newId } from '../util/ids';
import { MEMORY_KINDS, MEMORY_QUERY_MODES, MemoryQueryRequest } from '../../../src-shared/contract/memory';
import type { TaskStatusView } from '../../../src-shared/contract/agent';
import type { ExecutionResult } from '../../../src-shared/contract/events';

/**
 * Who the calls come from. The second part is the role the safety tools read ("agent" is no role, so a
 * viewer): another agent can never approve its own requests or change the autonomy level.
 */
export const MCP_CLIENT_ACTOR = 'mcp:agent';
/** Where its goals enter the pipeline (the normalizer's `server` field names this end). */
const ORIGIN = 'jarvis-mcp-serve';
const MEMORY_TOOL = 'memory.query';

const json = (value: unknown, isError = false): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  structuredContent: value as Record<string, unknown>,
  ...(isError ? { isError: true } : {}),
});

/** An executor answer as an MCP result: the gate's decisions (approval needed, denied) are answers, not crashes. */
function fromExecution(result: ExecutionResult): CallToolResult {
  switch (result.status) {
    case 'succeeded':
      return json({ status: 'succeeded', output: result.output, call_id: result.call_id });
    case 'waiting_approval':
      return json({ status: 'waiting_approval', approval_id: result.approval_id, message: `A person must approve this call in Jarvis; then call again with approval_id "${result.approval_id}".` }, true);
    case 'rejected':
    case 'failed':
      return json({ status: result.status, error: result.error }, true);
    default: {
      const never: never = result.status;
      return json({ status: String(never) }, true);
    }
  }
}

/** The memory query as a registry tool for this process when the memory module offers none of its own. */
function memoryTool(agent: Agent): ToolDefinition {
  return {
    name: MEMORY_TOOL,
    version: '1.0.0',
    description: 'Searches what Jarvis remembers (vectors and full text, fused).',
    input: MemoryQueryRequest,
    output: z.unknown(),
    permissions: { network: false, filesystem: false, system: false, external_api: false },
    // Memories are the person's own data; handing them to another agent is a disclosure the gate should weigh.
    risk: 'medium',
    idempotent: true,
    runner: { kind: 'inline', run: (input) => agent.memory.store.query(input) },
    source: 'builtin',
    review: 'none',
    group: 'mcp-serve',
  };
}

const RESTING: ReadonlySet<TaskStatusView['status']> = new Set(['succeeded', 'failed', 'cancelled', 'waiting_approval', 'paused']);

/** The task once it rests, or as it is after `ms`. Read from the store too: another Jarvis process may run it. */
async function settled(agent: Agent, taskId: string, ms: number): Promise<TaskStatusView> {
  const deadline = Date.now() + ms;
  const here = agent.engine.waitFor(taskId);
  for (;;) {
    const view = agent.tasks.view(taskId);
    if (RESTING.has(view.status) || Date.now() >= deadline) return view;
    const done = await Promise.race([here, new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.min(250, Math.max(0, deadline - Date.now()))).unref())]);
    if (done) return done;
  }
}

export interface McpServeOptions {
  version: string;
  stdin?: NodeJS.ReadableStream & { on(event: 'end' | 'close', fn: () => void): unknown };
  stdout?: NodeJS.WritableStream;
}

/** Serves until the client closes stdin; resolves once Jarvis is stopped. */
export async function serveMcp(agent: Agent, options: McpServeOptions): Promise<void> {
  const server = new McpServer(
    { name: 'jarvis', version: options.version },
    { capabilities: { tools: {} }, instructions: 'Jarvis runs goals through its own safety gate: some calls wait for a person\'s approval, and the answer says so.' },
  );
  if (!agent.registry.get(MEMORY_TOOL)) agent.registry.replaceGroup('mcp-serve', [memoryTool(agent)]);
  const client = () => server.server.getClientVersion()?.name ?? 'unknown client';

  server.registerTool(
    'submit_goal',
    {
      title: 'Submit a goal to Jarvis',
      description: 'Plans a goal (e.g. "echo hello", "set a timer for 5 minutes") and runs it through Jarvis\'s executor and safety gate. Waits up to wait_seconds for the result; a task that needs a person\'s approval answers waiting_approval.',
      inputSchema: {
        goal: z.string().trim().min(1).max(2000),
        wait_seconds: z.number().int().min(0).max(120).default(30),
        thread_id: z.string().min(1).max(128).optional(),
      },
    },
    async ({ goal, wait_seconds, thread_id }) => {
      const ingested = agent.pipeline.ingest({ channel: 'mcp', payload: { server: ORIGIN, client: client(), text: goal }, threadId: thread_id, actor: MCP_CLIENT_ACTOR });
      if (ingested.deduped) return json({ status: 'deduped', original_event_id: ingested.original.id }, true);
      const { task } = await agent.pipeline.route(ingested, { start: true, actor: MCP_CLIENT_ACTOR });
      if (!task) return json({ status: 'unhandled', trace_id: ingested.event.trace_id, message: `Nothing in Jarvis understood "${goal}". Try: ${agent.router.examples().slice(0, 8).join('; ')}.` }, true);
      const view = await settled(agent, task.task_id, wait_seconds * 1000);
      const steps = view.steps.map((s) => ({ id: s.id, action: s.action, status: s.status, risk: s.risk, requires_approval: s.requires_approval }));
      const body = { task_id: view.task_id, trace_id: view.trace_id, status: view.status, reply: view.reply, error: view.error, steps };
      return json(body, view.status === 'failed' || view.status === 'cancelled');
    },
  );

  server.registerTool(
    'task_status',
    {
      title: 'Task status',
      description: 'The status and reply of one Jarvis task, or of the most recent ones.',
      inputSchema: { task_id: z.string().min(1).max(64).optional() },
      annotations: { readOnlyHint: true },
    },
    async ({ task_id }, extra) => {
      const result = await agent.executor.execute({ tool: 'task.status', input: task_id ? { task_id } : {}, traceId: newId(), actor: MCP_CLIENT_ACTOR, signal: extra.signal });
      if (result.status !== 'succeeded') return fromExecution(result);
      const listed = (result.output as { tasks: { task_id: string }[] }).tasks;
      const tasks = listed.map((t) => {
        const v = agent.tasks.view(t.task_id);
        return { task_id: v.task_id, goal: v.goal, status: v.status, reply: v.reply, error: v.error, updated_at: v.updated_at };
      });
      return json({ tasks, call_id: result.call_id });
    },
  );

  server.registerTool(
    'memory_query',
    {
      title: 'Query Jarvis\'s memory',
      description: 'Searches what Jarvis remembers. Reading memories is gated like any tool: it may wait for a person\'s approval.',
      inputSchema: {
        text: z.string().trim().min(1).max(20_000),
        k: z.number().int().min(1).max(50).default(5),
        kinds: z.array(z.enum(MEMORY_KINDS)).min(1).optional(),
        mode: z.enum(MEMORY_QUERY_MODES).default('hybrid'),
        approval_id: z.string().min(1).max(64).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ approval_id, ...query }, extra) => {
      const input = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
      return fromExecution(await agent.executor.execute({ tool: MEMORY_TOOL, input, traceId: newId(), actor: MCP_CLIENT_ACTOR, signal: extra.signal, approvalId: approval_id ?? null }));
    },
  );

  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin as NodeJS.ReadStream & typeof process.stdin, (options.stdout ?? process.stdout) as NodeJS.WriteStream & typeof process.stdout);
  const closed = new Promise<void>((resolve) => {
    stdin.on('end', resolve);
    stdin.on('close', resolve);
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
}

/**
 * The whole `jarvis mcp serve` process: stdout belongs to the protocol, so Jarvis's own log lines go to
 * stderr; the core and agent run in this process and stop when the client goes away.
 */
export async function runMcpServe(settings: Settings, version: string): Promise<number> {
  console.log = console.error;
  console.info = console.error;
  console.warn = console.error;
  const core = openCore(settings, { heartbeat: false });
  const agent = createAgent(core);
  core.audit.append({ type: 'mcp.serve_started', actor: MCP_CLIENT_ACTOR, payload: { pid: process.pid, version } });
  const stop = async () => {
    await agent.stop();
    try {
      core.audit.append({ type: 'mcp.serve_stopped', actor: MCP_CLIENT_ACTOR, payload: { pid: process.pid } });
    } finally {
      core.close();
    }
  };
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    await Promise.race([serveMcp(agent, { version }), signalled]);
  } finally {
    await stop();
  }
  return 0;
}
