// Task, step and attempt rows: creation, reads as API views, and state changes the database's state machine checks.
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { StepState, StepStatus, TaskDetail, TaskStatus, TaskStatusView } from '../../../src-shared/contract/agent';
import { DEFAULT_RETRY, IllegalTransitionError, type StepRow, type StepSpec, type TaskRow } from './model';

export class UnknownTaskError extends Error {
  constructor(readonly taskId: string) {
    super(`No task with id "${taskId}".`);
  }
}

/** A task is not in the state an operation needs; carries the current state for a 409. */
export class TaskStateError extends Error {
  constructor(
    readonly taskId: string,
    readonly status: TaskStatus,
    action: string,
  ) {
    super(`Task ${taskId} is ${status}; it cannot be ${action}.`);
  }
}

export interface NewTask {
  traceId: string;
  eventId: string | null;
  goal: string;
  intent: string | null;
  kind: TaskRow['kind'];
  workflowId?: string | null;
  runInput?: unknown;
  channel: string;
  actor: string;
  status: 'planned' | 'pending';
  steps: StepSpec[];
}

const json = (v: unknown) => JSON.stringify(v ?? null);
const parse = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

export function stepView(s: StepRow): StepState {
  const view: StepState = {
    id: s.step_id,
    action: s.kind === 'llm_decide' ? 'llm_decide' : (s.tool ?? ''),
    kind: s.kind,
    input: s.kind === 'llm_decide' ? { goal: s.goal } : JSON.parse(s.input),
    requires_approval: s.requires_approval === 1,
    risk: s.risk,
    status: s.status,
    attempts: s.attempts,
    next_attempt_at: s.next_attempt_at,
    started_at: s.started_at,
    finished_at: s.finished_at,
  };
  if (s.output !== null) view.output = JSON.parse(s.output);
  const error = parse<StepState['error']>(s.error);
  if (error) view.error = error;
  return view;
}

export class TaskStore {
  private readonly statusListeners = new Set<(taskId: string) => void>();

  constructor(private readonly db: Db) {}

  /**
   * Called with the task's id after each status change this store makes (claims included), however it came
   * about: the engine, a person's decision, the kill switch. The change may still be inside a transaction.
   */
  onStatusChange(listener: (taskId: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private statusChanged(id: string): void {
    for (const listener of this.statusListeners) listener(id);
  }

  /** Inserts the task and its steps; call inside the caller's transaction so they commit with its audit row. */
  create(t: NewTask): TaskStatusView {
    const now = new Date().toISOString();
    const id = newId();
    stmt(
      this.db,
      `INSERT INTO tasks (id, trace_id, event_id, goal, intent, status, steps, reply, created_at, updated_at, kind, workflow_id, run_input, channel, actor)
       VALUES (?, ?, ?, ?, ?, ?, '[]', NULL, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, t.traceId, t.eventId, t.goal, t.intent, t.status, now, now, t.kind, t.workflowId ?? null, json(t.runInput ?? {}), t.channel, t.actor);
    t.steps.forEach((s, i) => this.insertStep(id, s, i + 1));
    return this.view(id);
  }

  insertStep(taskId: string, s: StepSpec, seq: number): void {
    stmt(
      this.db,
      `INSERT INTO task_steps (task_id, step_id, seq, sub, kind, tool, input, goal, depends_on, condition, retry_policy, on_error, fallback, parent_step, risk, requires_approval, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    ).run(
      taskId,
      s.id,
      seq,
      // An llm_decide step sorts after the tool steps it adds at its own position.
      s.sub ?? (s.kind === 'llm_decide' ? 1_000_000 : 0),
      s.kind,
      s.tool ?? null,
      json(s.input ?? {}),
      s.goal ?? null,
      json(s.depends_on ?? []),
      s.condition === undefined ? null : json(s.condition),
      json(s.retry_policy ?? DEFAULT_RETRY),
      json(s.on_error ?? { action: 'fail' }),
      s.fallback ? 1 : 0,
      s.parent_step ?? null,
      s.risk ?? 'none',
      s.requires_approval ? 1 : 0,
    );
  }

  row(id: string): TaskRow | undefined {
    return stmt(this.db, 'SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
  }

  requireRow(id: string): TaskRow {
    const row = this.row(id);
    if (!row) throw new UnknownTaskError(id);
    return row;
  }

  steps(taskId: string): StepRow[] {
    return stmt(this.db, 'SELECT * FROM task_steps WHERE task_id = ? ORDER BY seq, sub').all(taskId) as StepRow[];
  }

  step(taskId: string, stepId: string): StepRow | undefined {
    return stmt(this.db, 'SELECT * FROM task_steps WHERE task_id = ? AND step_id = ?').get(taskId, stepId) as StepRow | undefined;
  }

  view(id: string): TaskStatusView {
    const t = this.requireRow(id);
    return {
      task_id: t.id,
      trace_id: t.trace_id,
      kind: t.kind,
      workflow_id: t.workflow_id,
      goal: t.goal,
      intent: t.intent,
      status: t.status,
      paused_by: t.status === 'paused' ? t.paused_by : null,
      steps: this.steps(id).map(stepView),
      reply: t.reply,
      error: parse<{ kind: string; message: string }>(t.error) ?? null,
      created_at: t.created_at,
      updated_at: t.updated_at,
    };
  }

  detail(id: string): TaskDetail {
    const view = this.view(id);
    const attempts = (stmt(this.db, 'SELECT * FROM step_attempts WHERE task_id = ? ORDER BY id').all(id) as {
      step_id: string;
      attempt: number;
      status: string;
      tool_call_id: string | null;
      error: string | null;
      started_at: string;
      finished_at: string | null;
    }[]).map((a) => ({ ...a, error: parse<{ kind: string; message: string }>(a.error) ?? null }));
    const events = stmt(this.db, 'SELECT ts, type, subject, payload FROM audit_events WHERE trace_id = ? ORDER BY id').all(view.trace_id) as {
      ts: string;
      type: string;
      subject: string | null;
      payload: string;
    }[];
    const logs = events.map((e) => `${e.ts.slice(11, 23)} ${e.type}${describe(JSON.parse(e.payload) as Record<string, unknown>)}`);
    return { ...view, attempts, logs };
  }

  list(status: TaskStatus | undefined, limit: number): TaskStatusView[] {
    const ids = (status
      ? stmt(this.db, 'SELECT id FROM tasks WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(status, limit)
      : stmt(this.db, 'SELECT id FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit)) as { id: string }[];
    return ids.map((r) => this.view(r.id));
  }

  /** Changes a task's state; the trigger refuses illegal moves, reported as IllegalTransitionError. */
  setStatus(id: string, to: TaskStatus, extra: { reply?: string | null; error?: unknown; lease?: { owner: string | null; expires: string | null }; pausedBy?: string | null } = {}): void {
    const from = this.requireRow(id).status;
    const sets = ['status = @to', 'updated_at = @now'];
    const params: Record<string, unknown> = { id, to, now: new Date().toISOString() };
    if (extra.reply !== undefined) {
      sets.push('reply = @reply');
      params.reply = extra.reply;
    }
    if (extra.error !== undefined) {
      sets.push('error = @error');
      params.error = extra.error === null ? null : json(extra.error);
    }
    if (extra.pausedBy !== undefined) {
      sets.push('paused_by = @paused_by');
      params.paused_by = extra.pausedBy;
    }
    if (extra.lease !== undefined) {
      sets.push('lease_owner = @owner', 'lease_expires_at = @expires');
      params.owner = extra.lease.owner;
      params.expires = extra.lease.expires;
    }
    try {
      stmt(this.db, `UPDATE tasks SET ${sets.join(', ')} WHERE id = @id`).run(params);
    } catch (err) {
      if (/illegal task state transition/.test((err as Error).message)) throw new IllegalTransitionError('task', id, from, to);
      throw err;
    }
    if (from !== to) this.statusChanged(id);
  }

  setStep(taskId: string, stepId: string, patch: Partial<Pick<StepRow, 'status' | 'attempts' | 'next_attempt_at' | 'resume_interrupted' | 'output' | 'error' | 'started_at' | 'finished_at' | 'depends_on' | 'activated' | 'approval_id'>>): void {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    try {
      stmt(this.db, `UPDATE task_steps SET ${sets} WHERE task_id = @task_id AND step_id = @step_id`).run({ ...patch, task_id: taskId, step_id: stepId });
    } catch (err) {
      if (/illegal step state transition/.test((err as Error).message)) {
        throw new IllegalTransitionError('step', `${taskId}/${stepId}`, this.step(taskId, stepId)?.status ?? '?', patch.status ?? '?');
      }
      throw err;
    }
  }

  /** A retry of an interrupted attempt keeps its number, so the row may exist already. */
  startAttempt(taskId: string, stepId: string, attempt: number, startedAt: string): void {
    stmt(this.db, 'INSERT OR IGNORE INTO step_attempts (task_id, step_id, attempt, status, started_at) VALUES (?, ?, ?, ?, ?)').run(taskId, stepId, attempt, 'running', startedAt);
  }

  finishAttempt(taskId: string, stepId: string, attempt: number, status: 'succeeded' | 'failed' | 'interrupted' | 'waiting_approval', toolCallId: string | null, error: unknown, finishedAt: string): void {
    stmt(this.db, 'UPDATE step_attempts SET status = ?, tool_call_id = COALESCE(?, tool_call_id), error = ?, finished_at = ? WHERE task_id = ? AND step_id = ? AND attempt = ?').run(
      status,
      toolCallId,
      error === null || error === undefined ? null : json(error),
      finishedAt,
      taskId,
      stepId,
      attempt,
    );
  }

  renewLease(id: string, owner: string, expires: string): void {
    stmt(this.db, "UPDATE tasks SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'").run(expires, id, owner);
  }

  /** pending → running under this owner's lease, atomically; false if someone else got it first. */
  claim(id: string, owner: string, expires: string): boolean {
    const res = stmt(this.db, "UPDATE tasks SET status = 'running', lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'").run(
      owner,
      expires,
      new Date().toISOString(),
      id,
    );
    if (res.changes === 1) this.statusChanged(id);
    return res.changes === 1;
  }

  runnable(limit: number): string[] {
    return (stmt(this.db, "SELECT id FROM tasks WHERE status = 'pending' ORDER BY updated_at, rowid LIMIT ?").all(limit) as { id: string }[]).map((r) => r.id);
  }

  running(): TaskRow[] {
    return stmt(this.db, "SELECT * FROM tasks WHERE status = 'running'").all() as TaskRow[];
  }

  withStatus(statuses: TaskStatus[]): TaskRow[] {
    return stmt(this.db, `SELECT * FROM tasks WHERE status IN (${statuses.map(() => '?').join(', ')})`).all(...statuses) as TaskRow[];
  }
}

/** A short, human-readable tail for a log line from an audit payload. */
function describe(p: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['step_id', 'tool', 'attempt', 'status', 'reason', 'message', 'delay_ms', 'text'] as const) {
    const v = p[key];
    if (v !== undefined && v !== null && v !== '') parts.push(`${key}=${typeof v === 'string' ? v.slice(0, 120) : JSON.stringify(v)}`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

export type { StepStatus };
