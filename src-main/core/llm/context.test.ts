// The context builder on a real store: the thread's history, activity, tools and autonomy, memories, and the token budget.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../core';
import { loadSettings } from '../config';
import { buildContext, callIdOf, type ContextSources, type MemoryLookup } from './context';
import type { LlmDecideRequest, LlmToolInfo, LlmTurn } from './port';

let cores: Core[] = [];
afterEach(() => {
  for (const c of cores) c.close();
  cores = [];
});

function store(): Core {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-context-'));
  const core = openCore(loadSettings({ env: { JARVIS_HOME: home } }), { heartbeat: false });
  cores.push(core);
  return core;
}

let clock = Date.parse('2025-01-01T10:00:00Z');
/** An event with its reply (if any) and its task, as the pipeline would have left them. */
function said(core: Core, o: { id: string; thread: string | null; text: string; reply?: string; status?: string }) {
  const at = new Date((clock += 60_000)).toISOString();
  core.db.prepare("INSERT INTO events (id, channel, source, thread_id, text, payload, received_at, trace_id, status) VALUES (?, 'api', 'api', ?, ?, '{}', ?, ?, 'done')").run(o.id, o.thread, o.text, at, `trace-${o.id}`);
  if (o.reply) core.db.prepare("INSERT INTO responses (id, event_id, trace_id, channel, text, created_at) VALUES (?, ?, ?, 'api', ?, ?)").run(`r-${o.id}`, o.id, `trace-${o.id}`, o.reply, at);
  core.db
    .prepare("INSERT INTO tasks (id, trace_id, event_id, goal, intent, status, steps, reply, created_at, updated_at, kind, thread_id) VALUES (?, ?, ?, ?, NULL, ?, '[]', ?, ?, ?, 'llm', ?)")
    .run(`task-${o.id}`, `trace-${o.id}`, o.id, o.text, 'pending', o.reply ?? null, at, at, o.thread);
  // Through the legal states only: the database's state machine refuses shortcuts.
  const path = o.status === undefined || o.status === 'pending' ? [] : o.status === 'running' ? ['running'] : ['running', o.status];
  for (const status of path) core.db.prepare('UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?').run(status, at, `task-${o.id}`);
}

const tools: LlmToolInfo[] = [
  { name: 'echo', description: 'Repeats text.', risk: 'none', input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { text: { type: 'string' } } } },
  { name: 'timer.set', description: 'Sets a timer.', risk: 'low', input_schema: { type: 'object', properties: { amount: { type: 'number' } } } },
];

const sources = (core: Core, memories?: MemoryLookup): ContextSources => ({ db: core.db, autonomy: () => 'A3', memories, now: () => new Date('2025-01-01T12:00:00Z') });
const request = (id: string, extra: Partial<LlmDecideRequest> = {}): LlmDecideRequest => ({ intent: 'and what is her birthday?', outputs: {}, tools, traceId: `trace-${id}`, taskId: `task-${id}`, ...extra });

describe('the context builder', () => {
  it("gives the thread's earlier messages and replies in order, leaving other threads out", async () => {
    const core = store();
    said(core, { id: 'e1', thread: 'th-1', text: 'my sister is called Ada', reply: 'Noted: your sister is Ada.', status: 'succeeded' });
    said(core, { id: 'x1', thread: 'th-2', text: 'unrelated other thread', reply: 'ok', status: 'succeeded' });
    said(core, { id: 'e2', thread: 'th-1', text: 'she lives in Lyon', status: 'failed' });
    said(core, { id: 'e3', thread: 'th-1', text: 'and what is her birthday?' });
    const built = await buildContext(sources(core), request('e3'), { contextTokens: 8000, maxOutput: 512 });
    expect(built.record.thread_id).toBe('th-1');
    expect(built.record.history.map((h) => [h.text, h.reply])).toEqual([
      ['my sister is called Ada', 'Noted: your sister is Ada.'],
      ['she lives in Lyon', null],
    ]);
    expect(built.chat.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'user']);
    expect(built.chat.messages.at(-1)).toEqual({ role: 'user', content: 'and what is her birthday?' });
    expect(JSON.stringify(built.chat.messages.slice(1))).not.toContain('unrelated other thread');
    // The thread's own tasks are already in its history; recent activity lists only the others.
    expect(built.record.activity.recent).toEqual([expect.stringMatching(/succeeded: "unrelated other thread" → ok$/)]);
  });

  it('names the tools (wire-safe, with risk and schema), the autonomy and recent activity', async () => {
    const core = store();
    said(core, { id: 'done1', thread: null, text: 'echo hello', reply: 'hello', status: 'succeeded' });
    said(core, { id: 'run1', thread: null, text: 'download the report', status: 'running' });
    said(core, { id: 'me', thread: null, text: 'what now?' });
    const built = await buildContext(sources(core), request('me'), { contextTokens: 8000, maxOutput: 512 });
    expect(built.chat.tools).toEqual([
      { name: 'echo', description: 'Repeats text. (risk: none)', parameters: { type: 'object', properties: { text: { type: 'string' } } } },
      { name: 'timer__set', description: 'Sets a timer. (risk: low)', parameters: { type: 'object', properties: { amount: { type: 'number' } } } },
    ]);
    expect(built.names.resolve('timer__set')).toBe('timer.set');
    expect(built.record.tools.map((t) => [t.name, t.wire_name, t.risk])).toEqual([
      ['echo', 'echo', 'none'],
      ['timer.set', 'timer__set', 'low'],
    ]);
    const system = built.chat.messages[0]?.role === 'system' ? built.chat.messages[0].content : '';
    expect(system).toMatch(/Autonomy level A3/);
    expect(system).toMatch(/- timer\.set \(risk low\): Sets a timer\./);
    expect(built.record.activity.recent).toEqual([expect.stringMatching(/succeeded: "echo hello" → hello$/)]);
    expect(built.record.activity.active).toEqual(['running: "download the report"']);
    expect(system).toMatch(/Active tasks\n- running: "download the report"/);
    expect(built.record.activity.recent.join()).not.toContain('what now?');
  });

  it('adds relevant memories through the seam, and a failing memory module only leaves a note', async () => {
    const core = store();
    said(core, { id: 'm', thread: null, text: 'when is Ada\'s birthday?' });
    const asked: string[] = [];
    const lookup: MemoryLookup = async (q, k) => {
      asked.push(`${q}|${k}`);
      return [{ id: 'mem_1', kind: 'semantic', content: "Ada's birthday is 12 May", score: 0.03 }];
    };
    const built = await buildContext(sources(core, lookup), request('m', { intent: "when is Ada's birthday?" }), { contextTokens: 8000, maxOutput: 512 });
    expect(asked).toEqual(["when is Ada's birthday?|5"]);
    expect(built.record.memories.map((m) => m.id)).toEqual(['mem_1']);
    expect(built.chat.messages[0]?.role === 'system' && built.chat.messages[0].content).toMatch(/Memories \(notes that may be relevant\)\n- \[semantic\] Ada's birthday is 12 May/);
    const broken = await buildContext(sources(core, () => Promise.reject(new Error('index offline'))), request('m'), { contextTokens: 8000, maxOutput: 512 });
    expect(broken.record.memories).toEqual([]);
    expect(broken.record.notes).toContain('memories unavailable: index offline');
  });

  it('gives earlier turns back as calls and results, untrusted ones fenced', async () => {
    const core = store();
    said(core, { id: 't', thread: null, text: 'check the page' });
    const turns: LlmTurn[] = [{ turn: 1, text: 'Looking.', calls: [{ step_id: 's1.1', tool: 'timer.set', input: { amount: 1 }, status: 'succeeded', output: { body: 'page text' }, untrusted: true }] }];
    const built = await buildContext(sources(core), request('t', { turns }), { contextTokens: 8000, maxOutput: 512 });
    expect(built.chat.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'Looking.', toolCalls: [{ id: callIdOf('s1.1'), name: 'timer__set', arguments: '{"amount":1}' }] },
      { role: 'tool', toolCallId: 'call_s1_1', name: 'timer__set', content: '<untrusted source="tool:timer.set">\n{"body":"page text"}\n</untrusted>' },
    ]);
    expect(built.record.untrusted_sources).toEqual(['timer.set']);
  });

  it('within a small budget keeps the message, tools and newest history, and lists what it left out', async () => {
    const core = store();
    for (let i = 1; i <= 12; i++) said(core, { id: `h${i}`, thread: 'long', text: `message number ${i} ${'words '.repeat(40)}`, reply: `reply ${i} ${'more '.repeat(40)}`, status: 'succeeded' });
    said(core, { id: 'now', thread: 'long', text: 'the latest question' });
    const big = 'x'.repeat(6000);
    const turns: LlmTurn[] = [1, 2].map((n) => ({ turn: n, text: null, calls: [{ step_id: `s1.${n}`, tool: 'echo', input: {}, status: 'succeeded', output: { text: big }, untrusted: false }] }));
    const built = await buildContext(sources(core), request('now', { intent: 'the latest question', turns }), { contextTokens: 3000, maxOutput: 500 });
    const { budget } = built.record;
    expect(budget.used_estimate).toBeLessThanOrEqual(2500);
    expect(budget.over).toBe(false);
    expect(built.record.history.length).toBeGreaterThan(0);
    expect(built.record.history.length).toBeLessThan(12);
    expect(built.record.history.at(-1)?.text).toMatch(/^message number 12 /);
    expect(budget.omitted).toEqual(expect.arrayContaining([{ section: 'history', count: 12 - built.record.history.length }]));
    expect(built.chat.messages.some((m) => m.role === 'user' && m.content === 'the latest question')).toBe(true);
    expect(built.chat.tools).toHaveLength(2);
    const results = built.chat.messages.filter((m) => m.role === 'tool').map((m) => m.content.length);
    // The older result was shortened, the newest kept whole up to its own cap.
    expect(results[0]).toBeLessThan(1100);
    expect(results[1]).toBeGreaterThan(4000);
    expect(built.record.notes.join()).toMatch(/earlier tool results shortened/);
  });
});
