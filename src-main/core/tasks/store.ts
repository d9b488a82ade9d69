// Tasks planned from events: one row each, steps as JSON, with the few state changes the pipeline makes.
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { PlanStep, StepState, TaskStatus, TaskStatusView } from '../../api/contract/agent';

interface Row {
  id: string;
  trace_id: string;
  event_id: string | null;
  goal: string;
  intent: string | null;
  status: TaskStatus;
  steps: string;
  reply: string | null;
  created_at: string;
  updated_at: string;
}

export type TaskRecord = TaskStatusView & { event_id: string | null };

const toRecord = (r: Row): TaskRecord => ({
  task_id: r.id,
  trace_id: r.trace_id,
  event_id: r.event_id,
  goal: r.goal,
  intent: r.intent,
  status: r.status,
  steps: JSON.parse(r.steps) as StepState[],
  reply: r.reply,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

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

export class UnknownTaskError extends Error {
  constructor(readonly taskId: string) {
    super(`No task with id "${taskId}".`);
  }
}

export const FINISHED: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export class TaskStore {
  constructor(private readonly db: Db) {}

  /** Call inside the caller's transaction so the task and its audit row commit together. */
  create(input: { traceId: string; eventId: string | null; goal: string; intent: string | null; steps: PlanStep[] }): TaskRecord {
    const now = new Date().toISOString();
    const steps: StepState[] = input.steps.map((s) => ({ ...s, status: 'pending' }));
    const row: Row = { id: newId(), trace_id: input.traceId, event_id: input.eventId, goal: input.goal, intent: input.intent, status: 'planned', steps: JSON.stringify(steps), reply: null, created_at: now, updated_at: now };
    stmt(this.db, 'INSERT INTO tasks (id, trace_id, event_id, goal, intent, status, steps, reply, created_at, updated_at) VALUES (@id, @trace_id, @event_id, @goal, @intent, @status, @steps, @reply, @created_at, @updated_at)')
      .run(row);
    return toRecord(row);
  }

  get(id: string): TaskRecord | undefined {
    const row = stmt(this.db, 'SELECT * FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  require(id: string): TaskRecord {
    const task = this.get(id);
    if (!task) throw new UnknownTaskError(id);
    return task;
  }

  recent(limit: number): TaskRecord[] {
    return (stmt(this.db, 'SELECT * FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(toRecord);
  }

  update(id: string, patch: { status?: TaskStatus; steps?: StepState[]; reply?: string | null }): void {
    const sets: string[] = ['updated_at = @updated_at'];
    const params: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    if (patch.status !== undefined) {
      sets.push('status = @status');
      params.status = patch.status;
    }
    if (patch.steps !== undefined) {
      sets.push('steps = @steps');
      params.steps = JSON.stringify(patch.steps);
    }
    if (patch.reply !== undefined) {
      sets.push('reply = @reply');
      params.reply = patch.reply;
    }
    stmt(this.db, `UPDATE tasks SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  /** planned → running, atomically; anything else is a TaskStateError with the current state. */
  claim(id: string): TaskRecord {
    const claimed = stmt(this.db, "UPDATE tasks SET status = 'running', updated_at = ? WHERE id = ? AND status = 'planned'").run(new Date().toISOString(), id);
    const task = this.require(id);
    if (claimed.changes === 0) throw new TaskStateError(id, task.status, 'started');
    return task;
  }

  /** planned/running → cancelled; returns the previous state. */
  cancel(id: string): { previous: TaskStatus } {
    const task = this.require(id);
    if (FINISHED.includes(task.status)) throw new TaskStateError(id, task.status, 'cancelled');
    this.update(id, { status: 'cancelled' });
    return { previous: task.status };
  }
}
