// The context builder: message, thread history, memories, recent activity, tools and autonomy, fitted into a token budget.
import { stmt, type Db } from '../db';
import type { LlmDecideRequest, LlmTurn } from './port';
import { backgroundBlock, fewShotBlock, PROMPT_VERSION, systemPrompt, toolResultContent } from './prompts';
import { ToolNameMap } from './tool-names';
import { estimateTokens, type ChatMessage, type ChatRequest, type ChatTool } from './types';

export interface MemoryHit {
  id: string;
  kind: string;
  content: string;
  score?: number;
}

/** The memory module's seam: the memories most relevant to a text, best first. */
export type MemoryLookup = (query: string, limit: number) => Promise<MemoryHit[]>;

export interface ContextSources {
  db: Db;
  autonomy(): string;
  memories?: MemoryLookup | undefined;
  now(): Date;
}

export interface ContextLimits {
  /** Tokens the whole request may use, answer included. */
  contextTokens: number;
  /** Tokens kept for the answer. */
  maxOutput: number;
}

export interface HistoryEntry {
  event_id: string;
  at: string;
  text: string;
  reply: string | null;
}

/** Exactly what one call was given, section by section; stored with the call and shown by GET /v1/llm/context. */
export interface ContextRecord {
  prompt_version: string;
  autonomy: string;
  thread_id: string | null;
  message: string;
  history: HistoryEntry[];
  memories: MemoryHit[];
  activity: { recent: string[]; active: string[] };
  tools: { name: string; wire_name: string; risk: string; description: string; input_schema: unknown }[];
  examples: string[];
  turns: number;
  untrusted_sources: string[];
  budget: { limit: number; reserved_for_answer: number; used_estimate: number; over: boolean; omitted: { section: string; count: number }[] };
  notes: string[];
}

export interface BuiltContext {
  chat: ChatRequest;
  names: ToolNameMap;
  record: ContextRecord;
}

const MEMORY_LIMIT = 5;
const HISTORY_LIMIT = 20;
const RESULT_CHARS = [4000, 1000, 200] as const;

const messageTokens = (m: ChatMessage) =>
  4 + estimateTokens(m.role === 'assistant' ? (m.content ?? '') + (m.toolCalls ?? []).map((c) => c.name + c.arguments).join('') : m.content);

function objectSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return { type: 'object', properties: {} };
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return rest.type === 'object' ? rest : { type: 'object', properties: {} };
}

/** The id a call carries in the conversation; providers want [A-Za-z0-9_-]. */
export const callIdOf = (stepId: string) => `call_${stepId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function turnMessages(turns: readonly LlmTurn[], names: ToolNameMap, resultChars: (turnIndex: number) => number): ChatMessage[] {
  const out: ChatMessage[] = [];
  turns.forEach((t, i) => {
    out.push({ role: 'assistant', content: t.text, toolCalls: t.calls.map((c) => ({ id: callIdOf(c.step_id), name: names.wire(c.tool), arguments: JSON.stringify(c.input) })) });
    for (const c of t.calls) {
      const result = { status: c.status, ...(c.output !== undefined ? { output: c.output } : {}), ...(c.error ? { error: c.error } : {}) };
      const origin = (c.output as { origin?: unknown } | undefined)?.origin;
      const source = typeof origin === 'string' ? origin.slice(0, 120).replace(/"/g, "'") : `tool:${c.tool}`;
      out.push({ role: 'tool', toolCallId: callIdOf(c.step_id), name: names.wire(c.tool), content: toolResultContent(result, c.untrusted ? { source } : null, resultChars(i)) });
    }
  });
  return out;
}

function threadOf(db: Db, request: LlmDecideRequest): { threadId: string | null; eventId: string | null; before: string | null } {
  if (request.taskId) {
    const row = stmt(db, 'SELECT t.event_id AS event_id, COALESCE(t.thread_id, e.thread_id) AS thread_id, e.received_at AS at FROM tasks t LEFT JOIN events e ON e.id = t.event_id WHERE t.id = ?').get(request.taskId) as
      | { event_id: string | null; thread_id: string | null; at: string | null }
      | undefined;
    if (row) return { threadId: request.threadId ?? row.thread_id, eventId: row.event_id, before: row.at };
  }
  return { threadId: request.threadId ?? null, eventId: request.eventId ?? null, before: null };
}

function history(db: Db, threadId: string, eventId: string | null, before: string | null): HistoryEntry[] {
  const rows = stmt(
    db,
    `SELECT e.id AS event_id, e.received_at AS at, e.text AS text,
            (SELECT r.text FROM responses r WHERE r.event_id = e.id ORDER BY r.created_at DESC LIMIT 1) AS reply
       FROM events e
      WHERE e.thread_id = ? AND e.id <> ? AND e.text IS NOT NULL AND (? IS NULL OR e.received_at <= ?)
      ORDER BY e.received_at DESC, e.rowid DESC LIMIT ?`,
  ).all(threadId, eventId ?? '', before, before, HISTORY_LIMIT) as HistoryEntry[];
  return rows.reverse();
}

/** Finished and active tasks other than this one; those of the same thread are in its history already. */
function activity(db: Db, taskId: string | null, threadId: string | null): { recent: string[]; active: string[] } {
  const recent = stmt(
    db,
    "SELECT goal, status, reply, updated_at FROM tasks WHERE status IN ('succeeded', 'failed', 'cancelled') AND id <> ? AND (thread_id IS NULL OR thread_id <> ?) ORDER BY updated_at DESC, rowid DESC LIMIT 5",
  ).all(taskId ?? '', threadId ?? '') as {
    goal: string;
    status: string;
    reply: string | null;
    updated_at: string;
  }[];
  const active = stmt(db, "SELECT goal, status FROM tasks WHERE status IN ('pending', 'running', 'waiting_approval', 'paused') AND id <> ? ORDER BY updated_at DESC, rowid DESC LIMIT 5").all(taskId ?? '') as {
    goal: string;
    status: string;
  }[];
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  return {
    recent: recent.map((t) => `${t.updated_at.slice(0, 16).replace('T', ' ')} ${t.status}: "${clip(t.goal, 80)}"${t.reply ? ` → ${clip(t.reply, 120)}` : ''}`),
    active: active.map((t) => `${t.status}: "${clip(t.goal, 80)}"`),
  };
}

export async function buildContext(sources: ContextSources, request: LlmDecideRequest, limits: ContextLimits): Promise<BuiltContext> {
  const notes: string[] = [];
  const omitted: { section: string; count: number }[] = [];
  const autonomy = sources.autonomy();
  const names = new ToolNameMap(request.tools.map((t) => t.name));
  const tools: ChatTool[] = request.tools.map((t) => ({ name: names.wire(t.name), description: `${t.description} (risk: ${t.risk})`, parameters: objectSchema(t.input_schema) }));
  const turns = request.turns ?? [];
  const untrusted = [...new Set(turns.flatMap((t) => t.calls.filter((c) => c.untrusted).map((c) => c.tool)))];
  const { threadId, eventId, before } = threadOf(sources.db, request);

  const base = systemPrompt({ autonomy, now: sources.now(), tools: request.tools });
  const message: ChatMessage = { role: 'user', content: request.intent };
  const limit = Math.max(256, limits.contextTokens - limits.maxOutput);
  const toolTokens = estimateTokens(JSON.stringify(tools));

  // Must-haves: the system prompt, the tools, the message and this step's own turns. Tool results shrink
  // (older turns first) rather than the loop losing track of what it already did.
  let level = 0;
  let loop = turnMessages(turns, names, () => RESULT_CHARS[0]);
  const mustTokens = () => estimateTokens(base) + toolTokens + messageTokens(message) + loop.reduce((n, m) => n + messageTokens(m), 0);
  while (mustTokens() > limit && level < RESULT_CHARS.length - 1) {
    level++;
    const chars = RESULT_CHARS[level] ?? 200;
    loop = turnMessages(turns, names, (i) => (i === turns.length - 1 ? RESULT_CHARS[0] : chars));
    notes.push(`earlier tool results shortened to ${chars} characters to fit the budget`);
  }
  let used = mustTokens();

  // Optional sections, in order of worth: memories, the thread's history (newest first), activity, examples.
  let memories: MemoryHit[] = [];
  if (sources.memories) {
    try {
      memories = await sources.memories(request.intent, MEMORY_LIMIT);
    } catch (err) {
      notes.push(`memories unavailable: ${(err as Error).message}`);
    }
  } else notes.push('no memory module is connected');
  const keptMemories: MemoryHit[] = [];
  for (const m of memories) {
    const cost = estimateTokens(m.content) + 8;
    if (used + cost > limit) break;
    keptMemories.push(m);
    used += cost;
  }
  if (keptMemories.length < memories.length) omitted.push({ section: 'memories', count: memories.length - keptMemories.length });

  const thread = threadId ? history(sources.db, threadId, eventId, before) : [];
  const keptHistory: HistoryEntry[] = [];
  for (const h of [...thread].reverse()) {
    const cost = 8 + estimateTokens(h.text) + estimateTokens(h.reply ?? '');
    if (used + cost > limit) break;
    keptHistory.unshift(h);
    used += cost;
  }
  if (keptHistory.length < thread.length) omitted.push({ section: 'history', count: thread.length - keptHistory.length });

  const act = activity(sources.db, request.taskId ?? null, threadId);
  const activityText = [backgroundBlock('Recent activity (finished tasks, newest first)', act.recent), backgroundBlock('Active tasks', act.active)].filter(Boolean).join('\n\n');
  const keptActivity = activityText && used + estimateTokens(activityText) <= limit ? act : { recent: [], active: [] };
  if (keptActivity === act) used += estimateTokens(activityText);
  else if (activityText) omitted.push({ section: 'activity', count: act.recent.length + act.active.length });

  const examples = fewShotBlock(new Set(request.tools.map((t) => t.name)));
  const keepExamples = examples.text !== '' && used + estimateTokens(examples.text) <= limit;
  if (keepExamples) used += estimateTokens(examples.text);
  else if (examples.text) omitted.push({ section: 'examples', count: examples.ids.length });

  const memoryText = backgroundBlock('Memories (notes that may be relevant)', keptMemories.map((m) => `[${m.kind}] ${m.content}`));
  const system = [base, keepExamples ? examples.text : '', memoryText, keptActivity === act ? activityText : ''].filter(Boolean).join('\n\n');
  const historyMessages: ChatMessage[] = keptHistory.flatMap((h): ChatMessage[] => (h.reply ? [{ role: 'user', content: h.text }, { role: 'assistant', content: h.reply }] : [{ role: 'user', content: h.text }]));

  const chat: ChatRequest = {
    messages: [{ role: 'system', content: system }, ...historyMessages, message, ...loop],
    tools,
    toolChoice: 'auto',
    maxOutput: limits.maxOutput,
    temperature: 0.2,
  };
  const record: ContextRecord = {
    prompt_version: PROMPT_VERSION,
    autonomy,
    thread_id: threadId,
    message: request.intent,
    history: keptHistory,
    memories: keptMemories,
    activity: keptActivity,
    tools: request.tools.map((t) => ({ name: t.name, wire_name: names.wire(t.name), risk: t.risk, description: t.description, input_schema: t.input_schema ?? null })),
    examples: keepExamples ? examples.ids : [],
    turns: turns.length,
    untrusted_sources: untrusted,
    budget: { limit: limits.contextTokens, reserved_for_answer: limits.maxOutput, used_estimate: used, over: used > limit, omitted },
    notes,
  };
  return { chat, names, record };
}
