// LLM bench: how long building one model call's context takes, beside the same rows read and serialised with bare statements.
import { openCore } from '../../../src-main/core';
import { createAgent } from '../../../src-main/core/agent';
import { loadSettings } from '../../../src-main/core/config';
import { buildContext } from '../../../src-main/core/llm/context';
import type { LlmDecideRequest } from '../../../src-main/core/llm/port';
import { percentile, row, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const RUNS = Number(process.env.BENCH_LLM_CONTEXT_N ?? 300);
const THREAD = Number(process.env.BENCH_LLM_THREAD_N ?? 40);
const TASKS = Number(process.env.BENCH_LLM_TASKS_N ?? 2000);

async function contextBench(ctx: BenchContext): Promise<BenchRow[]> {
  const core = openCore(loadSettings({ env: { JARVIS_HOME: ctx.tempDir('llm') } }), { heartbeat: false });
  const agent = createAgent(core);
  try {
    const { db } = core;
    // A store with history: a long thread (the one being answered) and many finished tasks from elsewhere.
    const insertEvent = db.prepare("INSERT INTO events (id, channel, source, thread_id, text, payload, received_at, trace_id, status) VALUES (?, 'api', 'api', ?, ?, '{}', ?, ?, 'done')");
    const insertReply = db.prepare("INSERT INTO responses (id, event_id, trace_id, channel, text, created_at) VALUES (?, ?, ?, 'api', ?, ?)");
    const insertTask = db.prepare("INSERT INTO tasks (id, trace_id, event_id, goal, intent, status, steps, reply, created_at, updated_at, kind, thread_id) VALUES (?, ?, ?, ?, NULL, 'pending', '[]', ?, ?, ?, 'llm', ?)");
    const finish = db.prepare("UPDATE tasks SET status = ? WHERE id = ?");
    let t = Date.parse('2025-01-01T00:00:00Z');
    db.transaction(() => {
      for (let i = 0; i < TASKS + THREAD + 1; i++) {
        const inThread = i >= TASKS;
        const at = new Date((t += 1000)).toISOString();
        const id = `e${i}`;
        const text = inThread ? `about the trip, message ${i}: which train leaves after lunch on Friday and how long is the ride?` : `task number ${i}: check the garden sensors`;
        insertEvent.run(id, inThread ? 'th-bench' : null, text, at, `tr${i}`);
        if (i < TASKS + THREAD) insertReply.run(`r${i}`, id, `tr${i}`, `The 13:04 leaves from platform 2 and takes about two hours (${i}).`, at);
        insertTask.run(`t${i}`, `tr${i}`, id, text, null, at, at, inThread ? 'th-bench' : null);
        if (i < TASKS + THREAD) {
          finish.run('running', `t${i}`);
          finish.run('succeeded', `t${i}`);
        }
      }
    })();
    const last = TASKS + THREAD;
    const tools = agent.registry
      .list()
      .filter((tool) => agent.registry.state(tool).enabled)
      .map((tool) => ({ name: tool.name, description: tool.description, risk: tool.risk, input_schema: agent.registry.describe(tool).input_schema }));
    const request: LlmDecideRequest = { intent: 'and the one after that?', outputs: {}, tools, traceId: `tr${last}`, taskId: `t${last}` };
    const sources = { db, autonomy: () => agent.safety.controls.autonomy(), now: () => new Date() };
    const limits = { contextTokens: 8192, maxOutput: 1024 };

    // The baseline: the same reads (thread history with replies, recent and active tasks, tool schemas) and one JSON
    // serialisation of what they return, with prepared statements and nothing else: no prompt, no budget, no mapping.
    const history = db.prepare(
      `SELECT e.id, e.received_at, e.text, (SELECT r.text FROM responses r WHERE r.event_id = e.id ORDER BY r.created_at DESC LIMIT 1) AS reply
         FROM events e WHERE e.thread_id = ? AND e.id <> ? ORDER BY e.received_at DESC, e.rowid DESC LIMIT 20`,
    );
    const recent = db.prepare("SELECT goal, status, reply, updated_at FROM tasks WHERE status IN ('succeeded', 'failed', 'cancelled') AND id <> ? AND (thread_id IS NULL OR thread_id <> ?) ORDER BY updated_at DESC, rowid DESC LIMIT 5");
    const active = db.prepare("SELECT goal, status FROM tasks WHERE status IN ('pending', 'running', 'waiting_approval', 'paused') AND id <> ? ORDER BY updated_at DESC, rowid DESC LIMIT 5");
    const bare = () => JSON.stringify({ h: history.all('th-bench', `e${last}`), r: recent.all(`t${last}`, 'th-bench'), a: active.all(`t${last}`), tools });

    const sample = await buildContext(sources, request, limits);
    const size = JSON.stringify(sample.chat).length;
    if (sample.record.history.length === 0 || sample.record.activity.recent.length === 0) throw new Error('the bench context found no history or activity: the bench would measure nothing');
    for (let i = 0; i < 20; i++) {
      await buildContext(sources, request, limits);
      bare();
    }
    const built: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await buildContext(sources, request, limits);
      built.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const t1 = process.hrtime.bigint();
      bare();
      raw.push(Number(process.hrtime.bigint() - t1) / 1e6);
    }
    const what = `prepared statements reading the same thread history (20 newest of ${THREAD} with replies), recent and active tasks (of ${TASKS}) and the ${tools.length} tool schemas, then one JSON.stringify of the rows, alternated with the build in the same loop`;
    const base = (value: number) => ({ name: 'bare reads + stringify', value, unit: 'ms', what });
    ctx.note(`context = system prompt, few-shot examples, recent activity, ${sample.record.history.length} messages of a ${THREAD}-message thread fitted to an 8,192-token budget, ${tools.length} tools with schemas and wire names; ${RUNS} builds after 20 warm-up; about ${Math.round(size / 1024)} KiB per request; memories left out (the memory entry measures its query).`);
    return [
      row('context build p50', percentile(built, 50), 'ms', base(percentile(raw, 50)), { of: 'value', op: '<=', target: 10 }),
      row('context build p99', percentile(built, 99), 'ms', base(percentile(raw, 99))),
    ];
  } finally {
    await agent.stop();
    core.close();
  }
}

export const entries: BenchEntry[] = [{ name: 'llm', title: 'building the context of one model call vs. the same reads done bare', run: contextBench }];
