// Task engine benches: durable noop steps/s against the same SQLite writes done bare, and start-up recovery of 1,000 interrupted tasks.
import path from 'node:path';
import { openCore, type Core } from '../../../src-main/core';
import { createAgent } from '../../../src-main/core/agent';
import { loadSettings } from '../../../src-main/core/config';
import { recoverTasks } from '../../../src-main/core/tasks/recovery';
import { rawTwin, insertSql, type Rec } from '../raw-twin';
import { median, row, timeMs, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const STEPS = 10;
const TASKS = Number(process.env.BENCH_TASKS_N ?? 40);
const RECOVER_N = Number(process.env.BENCH_RECOVER_N ?? 1000);



// The anomaly guard would rightly call a benchmark a burst; it is switched off here, and only here.
const boot = (ctx: BenchContext, name: string): Core => openCore(loadSettings({ env: { JARVIS_HOME: ctx.tempDir(name), JARVIS_ANOMALY_BURST_PER_MINUTE: '1000000' } }), { heartbeat: false });

async function steps(ctx: BenchContext): Promise<BenchRow[]> {
  const core = boot(ctx, 'steps');
  const agent = createAgent(core);
  const wf = agent.workflows.create({ name: 'noops', steps: Array.from({ length: STEPS }, (_, i) => ({ id: `s${i + 1}`, tool: 'noop', input: {} })) }, 'bench');
  const ids: string[] = [];
  const run = async () => {
    const task = agent.workflows.run(wf, agent.tasks, {}, 'bench');
    agent.engine.kick();
    const done = await agent.engine.waitFor(task.task_id);
    if (done.status !== 'succeeded') throw new Error(`bench task ${done.status}`);
    return task.task_id;
  };
  await run();
  const { ms } = await (async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < TASKS; i++) ids.push(await run());
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  })();
  await agent.stop();

  // Replay exactly the per-step writes (4 commits a step) with bare statements into a twin file.
  const db = core.db;
  const raw = rawTwin(path.join(ctx.tempDir('steps-raw'), 'raw.db'));
  const rowsOf = (taskId: string) => ({
    task: db.prepare('SELECT * FROM tasks WHERE id = ?').get(taskId) as Rec,
    steps: db.prepare('SELECT * FROM task_steps WHERE task_id = ? ORDER BY seq').all(taskId) as Rec[],
    attempts: db.prepare('SELECT * FROM step_attempts WHERE task_id = ? ORDER BY id').all(taskId) as Rec[],
    calls: db.prepare('SELECT * FROM tool_calls WHERE task_id = ? ORDER BY started_at, rowid').all(taskId) as Rec[],
    audit: db.prepare("SELECT a.* FROM audit_events a JOIN tasks t ON t.trace_id = a.trace_id WHERE t.id = ? AND a.type LIKE 'tool_call.%' ORDER BY a.id").all(taskId) as Rec[],
  });
  const all = ids.map(rowsOf);
  core.close();
  const first = all[0];
  if (!first) throw new Error('no tasks ran');
  const st = {
    begin: raw.prepare('BEGIN IMMEDIATE'),
    commit: raw.prepare('COMMIT'),
    task: raw.prepare(insertSql('tasks', first.task)),
    step: raw.prepare(insertSql('task_steps', first.steps[0] as Rec)),
    stepStart: raw.prepare("UPDATE task_steps SET status = 'running', attempts = 1, started_at = ? WHERE task_id = ? AND step_id = ?"),
    attempt: raw.prepare(insertSql('step_attempts', first.attempts[0] as Rec)),
    call: raw.prepare(insertSql('tool_calls', first.calls[0] as Rec)),
    callDone: raw.prepare('UPDATE tool_calls SET status = ?, output = ?, finished_at = ? WHERE id = ?'),
    audit: raw.prepare(insertSql('audit_events', first.audit[0] as Rec)),
    attemptDone: raw.prepare('UPDATE step_attempts SET status = ?, tool_call_id = ?, finished_at = ? WHERE id = ?'),
    stepDone: raw.prepare("UPDATE task_steps SET status = 'succeeded', output = ?, finished_at = ? WHERE task_id = ? AND step_id = ?"),
  };
  for (const r of all) {
    st.task.run({ ...r.task, status: 'pending', reply: null });
    for (const s of r.steps) st.step.run({ ...s, status: 'pending', attempts: 0, output: null, started_at: null, finished_at: null });
  }
  const tx = (fn: () => void) => {
    st.begin.run();
    fn();
    st.commit.run();
  };
  const rawMs = timeMs(() => {
    for (const r of all) {
      r.steps.forEach((s, i) => {
        const a = r.attempts[i] as Rec;
        const c = r.calls[i] as Rec;
        const [attempted, succeeded] = [r.audit[2 * i] as Rec, r.audit[2 * i + 1] as Rec];
        tx(() => (st.stepStart.run(s.started_at, s.task_id, s.step_id), st.attempt.run({ ...a, status: 'running', tool_call_id: null, finished_at: null })));
        tx(() => (st.call.run({ ...c, status: 'running', output: null, finished_at: null }), st.audit.run(attempted)));
        tx(() => (st.callDone.run(c.status, c.output, c.finished_at, c.id), st.audit.run(succeeded)));
        tx(() => (st.attemptDone.run(a.status, a.tool_call_id, a.finished_at, a.id), st.stepDone.run(s.output, s.finished_at, s.task_id, s.step_id)));
      });
    }
  }).ms;
  raw.close();
  const n = TASKS * STEPS;
  ctx.note(`${TASKS} workflow tasks of ${STEPS} noop steps each, run one after another by the engine (lease, step start with attempt row, executor with its two audited writes, checkpoint); claim and finish are not counted in the baseline.`);
  return [
    row('noop steps with checkpoints', n / (ms / 1000), 'steps/s', {
      name: 'raw step writes',
      value: n / (rawMs / 1000),
      unit: 'steps/s',
      what: `the same ${n} steps' rows (step, attempt, tool call, 2 audit rows) written by bare prepared statements in the engine's 4 BEGIN IMMEDIATE … COMMIT transactions per step, same schema and pragmas (WAL, synchronous=FULL)`,
    }),
  ];
}

async function recovery(ctx: BenchContext): Promise<BenchRow[]> {
  const core = boot(ctx, 'recovery');
  const agent = createAgent(core);
  await agent.stop();
  const { db, audit } = core;
  const dead = 'no-such-host|1|dead';
  const wf = agent.workflows.create({ name: 'three', steps: ['s1', 's2', 's3'].map((id) => ({ id, tool: 'noop', input: {} })) }, 'bench');
  // 1,000 tasks a dead process left mid-step-2: step 1 checkpointed, step 2's tool call recorded as running.
  audit.transaction(() => {
    for (let i = 0; i < RECOVER_N; i++) {
      const t = agent.workflows.run(wf, agent.tasks, {}, 'bench');
      const now = new Date().toISOString();
      db.prepare("UPDATE tasks SET status = 'running', lease_owner = ?, lease_expires_at = ? WHERE id = ?").run(dead, new Date(Date.now() - 1000).toISOString(), t.task_id);
      agent.tasks.setStep(t.task_id, 's1', { status: 'running', attempts: 1, started_at: now });
      agent.tasks.setStep(t.task_id, 's1', { status: 'succeeded', output: '{"ok":true}', finished_at: now });
      agent.tasks.setStep(t.task_id, 's2', { status: 'running', attempts: 1, started_at: now });
      agent.tasks.startAttempt(t.task_id, 's2', 1, now);
      db.prepare("INSERT INTO tool_calls (id, trace_id, task_id, tool, input, idempotency_key, status, started_at) VALUES (?, ?, ?, 'noop', '{}', ?, 'running', ?)").run(`c-${i}`, t.trace_id, t.task_id, `${t.task_id}:s2`, now);
    }
  });
  const readMs = median([0, 1, 2].map(() => timeMs(() => db.prepare("SELECT t.*, s.* FROM tasks t JOIN task_steps s ON s.task_id = t.id WHERE t.status = 'running'").all()).ms));
  const { ms, result } = timeMs(() => recoverTasks({ db, audit, tasks: agent.tasks, registry: agent.registry }, 'bench|1|me', Date.now()));
  if (result.length !== RECOVER_N) throw new Error(`recovered ${result.length} of ${RECOVER_N}`);
  core.close();
  ctx.note(`recovery: each task in its own transaction: reconcile step 2 against its recorded tool call (idempotent noop → retry with the same key), task.interrupted + task.recovered audited, task back to pending.`);
  return [
    row(`recover ${RECOVER_N} interrupted tasks`, ms, 'ms', { name: 'read them', value: readMs, unit: 'ms', what: `SELECT of the same ${RECOVER_N} running tasks joined with their steps (the read cost alone, median of 3)` }),
  ];
}

export const entries: BenchEntry[] = [
  { name: 'task-steps', title: 'durable noop steps through the engine vs. the same writes bare', run: steps },
  { name: 'task-recovery', title: 'start-up recovery of interrupted tasks', run: recovery },
];
