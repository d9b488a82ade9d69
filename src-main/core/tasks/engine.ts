// The durable task engine: claims runnable tasks under a lease, runs their steps in order with checkpoints, and answers control requests.
import crypto from 'node:crypto';
import os from 'node:os';
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import type { LlmPort } from '../llm/port';
import type { Executor } from '../tools/executor';
import type { ToolRegistry } from '../tools/registry';
import { FINAL_TASK_STATUSES, type TaskProgress, type TaskStatus, type TaskStatusView } from '../../../src-shared/contract/agent';
import { IllegalTransitionError, type StepRow, type TaskRow } from './model';
import { recoverTasks } from './recovery';
import { TaskStateError, type TaskStore } from './repo';
import { runStep, skipIfConditionFalse } from './step-runner';

export interface TaskFinished {
  task: TaskRow;
  status: 'succeeded' | 'failed' | 'cancelled';
  steps: StepRow[];
  error: { kind: string; message: string } | null;
}

export interface EngineDeps {
  db: Db;
  audit: AuditLog;
  tasks: TaskStore;
  registry: ToolRegistry;
  executor: Executor;
  llm: () => LlmPort | null;
  /** Makes the final state change and sends the reply, in one transaction. */
  finish(done: TaskFinished): void;
  notify(text: string, traceId: string): void;
  progress?(p: TaskProgress): void;
  /** True while the kill switch is on: nothing is claimed and no step is dispatched. */
  halted?(): boolean;
  leaseMs?: number;
  concurrency?: number;
  now?: () => number;
}

/** States in which a task waits for something outside the engine; waitFor() resolves on these too. */
const RESTING: readonly TaskStatus[] = [...FINAL_TASK_STATUSES, 'waiting_approval', 'paused', 'planned'];

const satisfied = (s: StepRow) => s.status === 'succeeded' || s.status === 'skipped' || (s.status === 'failed' && (JSON.parse(s.error ?? '{}') as { handled?: boolean }).handled === true);

export class TaskEngine {
  readonly owner = `${os.hostname()}|${process.pid}|${crypto.randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, AbortController>();
  private readonly waiters = new Map<string, Set<(v: TaskStatusView) => void>>();
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private scheduled = false;
  private stopping = false;
  /** Tasks whose status changed since the last progress report, reported together once the change has committed. */
  private readonly changed = new Set<string>();

  constructor(private readonly d: EngineDeps) {
    this.leaseMs = d.leaseMs ?? 30_000;
    this.concurrency = d.concurrency ?? 4;
    this.now = d.now ?? Date.now;
    // Every status change reaches the live stream, including those made outside the step loop (the kill
    // switch, a person's decision, the final state), so a page never shows a task stuck in an old state.
    d.tasks.onStatusChange((id) => this.statusChanged(id));
  }

  private statusChanged(id: string): void {
    if (!this.d.progress) return;
    if (this.changed.size === 0) queueMicrotask(() => this.reportChanged());
    this.changed.add(id);
  }

  /** Runs after the synchronous transaction that made the change, and reports the state as stored, not as intended. */
  private reportChanged(): void {
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) {
      try {
        const task = this.d.tasks.row(id);
        if (task) this.emit(task, null, null, `task ${task.status}`);
      } catch (err) {
        // Progress is a courtesy to the page; a closed or busy store must not take the process down with it.
        console.error(`could not report the progress of task ${id}:`, (err as Error).message);
      }
    }
  }

  /** Reconciles tasks a previous process left running, then starts whatever is runnable. */
  start(): void {
    recoverTasks(this.d, this.owner, this.now());
    this.kick();
  }

  kick(): void {
    if (this.scheduled || this.stopping) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  private tick(): void {
    if (this.stopping || this.d.halted?.()) return;
    const free = this.concurrency - this.active.size;
    if (free <= 0) return;
    for (const id of this.d.tasks.runnable(free + this.active.size)) {
      if (this.active.has(id) || this.active.size >= this.concurrency) continue;
      if (!this.d.tasks.claim(id, this.owner, this.leaseExpiry())) continue;
      const controller = new AbortController();
      this.active.set(id, controller);
      void this.runTask(id, controller).finally(() => {
        this.active.delete(id);
        this.settle(id);
        this.kick();
      });
    }
  }

  private leaseExpiry(): string {
    return new Date(this.now() + this.leaseMs).toISOString();
  }

  private async runTask(id: string, controller: AbortController): Promise<void> {
    const renew = setInterval(() => {
      try {
        this.d.tasks.renewLease(id, this.owner, this.leaseExpiry());
      } catch (err) {
        console.error(`could not renew the lease of task ${id}:`, (err as Error).message);
      }
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      for (;;) {
        const task = this.d.tasks.requireRow(id);
        if (task.status === 'cancelled') {
          // Cancelled mid-step: the step has checkpointed as cancelled; now the person hears of it.
          this.d.finish({ task, status: 'cancelled', steps: this.d.tasks.steps(id), error: null });
          return;
        }
        if (task.status !== 'running') return;
        if (this.d.halted?.()) {
          this.d.tasks.setStatus(id, 'paused', { lease: { owner: null, expires: null }, pausedBy: 'kill_switch' });
          return;
        }
        if (this.stopping) {
          // Hand the task back; the next start (or another process) picks it up where it stands.
          this.d.tasks.setStatus(id, 'pending', { lease: { owner: null, expires: null } });
          return;
        }
        const steps = this.d.tasks.steps(id);
        const blocked = steps.find((s) => s.status === 'ambiguous' || s.status === 'waiting_approval');
        if (blocked) {
          this.d.tasks.setStatus(id, 'waiting_approval', { lease: { owner: null, expires: null } });
          return;
        }
        const unhandled = steps.find((s) => s.status === 'failed' && !satisfied(s));
        const next = unhandled ? undefined : this.nextStep(steps);
        if (!next) {
          const cancelled = steps.some((s) => s.status === 'cancelled');
          const failure = unhandled ? (JSON.parse(unhandled.error ?? '{}') as { kind: string; message: string }) : null;
          const pendingLeft = steps.some((s) => s.status === 'pending' && (!s.fallback || s.activated));
          const status = cancelled ? 'cancelled' : failure || pendingLeft ? 'failed' : 'succeeded';
          this.d.finish({ task, status, steps, error: failure ?? (pendingLeft ? { kind: 'blocked', message: 'Some steps could not run: a step they depend on did not succeed.' } : null) });
          return;
        }
        const due = next.next_attempt_at ? Date.parse(next.next_attempt_at) - this.now() : 0;
        if (due > 0) {
          await sleep(due, controller.signal);
          continue;
        }
        if (skipIfConditionFalse(this.ctx(controller), task, next, steps)) continue;
        this.emit(task, next.step_id, 'running', `step ${next.step_id} started`);
        await runStep(this.ctx(controller), task, next, steps);
        if (this.d.progress) {
          const after = this.d.tasks.step(id, next.step_id);
          if (after) this.emit(task, next.step_id, after.status, `step ${next.step_id} ${after.status}`);
        }
      }
    } catch (err) {
      console.error(`task ${id} stopped on an error:`, err);
      const task = this.d.tasks.row(id);
      if (task?.status === 'running') {
        try {
          this.d.finish({ task, status: 'failed', steps: this.d.tasks.steps(id), error: { kind: 'engine_error', message: (err as Error).message } });
        } catch (finishErr) {
          console.error(`task ${id} could not be marked failed:`, (finishErr as Error).message);
        }
      }
    } finally {
      clearInterval(renew);
    }
  }

  /** The first pending step, in declared order, whose dependencies are all settled and which is not a dormant fallback. */
  private nextStep(steps: StepRow[]): StepRow | undefined {
    const byId = new Map(steps.map((s) => [s.step_id, s]));
    return steps.find((s) => {
      if (s.status !== 'pending' || (s.fallback && !s.activated)) return false;
      return (JSON.parse(s.depends_on) as string[]).every((dep) => {
        const d = byId.get(dep);
        return d !== undefined && satisfied(d);
      });
    });
  }

  private ctx(controller: AbortController) {
    return { audit: this.d.audit, tasks: this.d.tasks, executor: this.d.executor, registry: this.d.registry, llm: this.d.llm(), notify: this.d.notify, now: this.now, signal: controller.signal };
  }

  private emit(task: TaskRow, stepId: string | null, stepStatus: StepRow['status'] | null, message: string): void {
    if (!this.d.progress) return;
    this.d.progress({ task_id: task.id, trace_id: task.trace_id, status: task.status, step_id: stepId, step_status: stepStatus, message });
  }

  /** Resolves when the task next rests: finished, waiting for a person, paused (or still planned). */
  waitFor(id: string): Promise<TaskStatusView> {
    const view = this.d.tasks.view(id);
    if (RESTING.includes(view.status) && !this.active.has(id)) return Promise.resolve(view);
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(resolve);
    });
  }

  private settle(id: string): void {
    if (!this.waiters.has(id)) return;
    const view = this.d.tasks.view(id);
    if (!RESTING.includes(view.status)) return;
    const set = this.waiters.get(id);
    this.waiters.delete(id);
    for (const resolve of set ?? []) resolve(view);
  }

  private transition(id: string, to: TaskStatus, action: string, audit: { type: string; actor: string; payload?: Record<string, unknown> }): TaskStatusView {
    const task = this.d.tasks.requireRow(id);
    if (task.status === to) throw new TaskStateError(id, task.status, action);
    try {
      this.d.audit.transaction(() => {
        this.d.tasks.setStatus(id, to, to === 'pending' || to === 'paused' || to === 'cancelled' ? { lease: { owner: null, expires: null } } : {});
        if (to === 'cancelled') for (const s of this.d.tasks.steps(id)) if (s.status === 'pending' || s.status === 'ambiguous' || s.status === 'waiting_approval') this.d.tasks.setStep(id, s.step_id, { status: 'cancelled' });
        this.d.audit.append({ type: audit.type, actor: audit.actor, subject: id, traceId: task.trace_id, payload: { task_id: id, previous: task.status, ...audit.payload } });
      });
    } catch (err) {
      if (err instanceof IllegalTransitionError) throw new TaskStateError(id, task.status, action);
      throw err;
    }
    return this.d.tasks.view(id);
  }

  /** planned → pending: queue a planned task to run. */
  enqueue(id: string): TaskStatusView {
    const task = this.d.tasks.requireRow(id);
    if (task.status !== 'planned') throw new TaskStateError(id, task.status, 'started');
    try {
      this.d.tasks.setStatus(id, 'pending');
    } catch (err) {
      // Someone else started or cancelled it between the read and the write.
      if (err instanceof IllegalTransitionError) throw new TaskStateError(id, this.d.tasks.requireRow(id).status, 'started');
      throw err;
    }
    this.kick();
    return this.d.tasks.view(id);
  }

  cancel(id: string, actor: string): TaskStatusView {
    const view = this.transition(id, 'cancelled', 'cancelled', { type: 'task.cancelled', actor });
    this.active.get(id)?.abort();
    if (!this.active.has(id)) {
      const task = this.d.tasks.requireRow(id);
      this.d.finish({ task, status: 'cancelled', steps: this.d.tasks.steps(id), error: null });
      this.settle(id);
    }
    return view;
  }

  /** A running task finishes its current step, then stops. */
  pause(id: string, actor: string): TaskStatusView {
    const view = this.transition(id, 'paused', 'paused', { type: 'task.paused', actor });
    this.settle(id);
    return view;
  }

  resume(id: string, actor: string): TaskStatusView {
    const current = this.d.tasks.requireRow(id).status;
    // Only a paused task resumes; a planned one is started with enqueue, a waiting one by a person's decision.
    if (current !== 'paused') throw new TaskStateError(id, current, 'resumed');
    const view = this.transition(id, 'pending', 'resumed', { type: 'task.resumed', actor });
    this.kick();
    return view;
  }

  /** A person's answer for an ambiguous step: run it again, count it as done, or fail it. */
  decide(id: string, stepId: string, decision: 'retry' | 'done' | 'fail', actor: string): TaskStatusView {
    const task = this.d.tasks.requireRow(id);
    const step = this.d.tasks.step(id, stepId);
    if (!step) throw new TaskStateError(id, task.status, `decided: it has no step "${stepId}"`);
    if (step.status !== 'ambiguous') throw new TaskStateError(id, task.status, `decided: step ${stepId} is ${step.status}, not ambiguous`);
    const at = new Date(this.now()).toISOString();
    this.d.audit.transaction(() => {
      if (decision === 'retry') this.d.tasks.setStep(id, stepId, { status: 'pending', resume_interrupted: 1 });
      else if (decision === 'done') this.d.tasks.setStep(id, stepId, { status: 'succeeded', output: 'null', finished_at: at });
      else this.d.tasks.setStep(id, stepId, { status: 'failed', finished_at: at });
      this.d.audit.append({ type: 'task.ambiguity_resolved', actor, subject: id, traceId: task.trace_id, payload: { task_id: id, step_id: stepId, decision } });
      if (task.status === 'waiting_approval' && !this.d.tasks.steps(id).some((s) => s.status === 'ambiguous' || s.status === 'waiting_approval')) this.d.tasks.setStatus(id, 'pending');
    });
    this.kick();
    return this.d.tasks.view(id);
  }

  /** A person decided the approval a step waits for: run it (with that approval) or fail it. Call inside the decision's transaction. */
  approvalDecided(taskId: string, stepId: string, approvalId: string, approved: boolean, reason: string | null): void {
    const step = this.d.tasks.step(taskId, stepId);
    if (!step || step.status !== 'waiting_approval' || step.approval_id !== approvalId) return;
    if (approved) this.d.tasks.setStep(taskId, stepId, { status: 'pending' });
    else this.d.tasks.setStep(taskId, stepId, { status: 'failed', error: JSON.stringify({ kind: 'rejected', message: `Not run: ${reason ?? 'not approved'}.` }), finished_at: new Date(this.now()).toISOString() });
    const task = this.d.tasks.requireRow(taskId);
    const stillBlocked = this.d.tasks.steps(taskId).some((s) => s.status === 'ambiguous' || s.status === 'waiting_approval');
    if (task.status === 'waiting_approval' && !stillBlocked) this.d.tasks.setStatus(taskId, 'pending');
  }

  /** The kill switch: every queued or running task pauses (running ones after their current step). */
  haltAll(): void {
    for (const t of this.d.tasks.withStatus(['pending', 'running'])) {
      this.d.tasks.setStatus(t.id, 'paused', { lease: { owner: null, expires: null }, pausedBy: 'kill_switch' });
    }
  }

  /** The kill switch is off: tasks it paused go back to the queue. */
  releaseHalted(): void {
    for (const t of this.d.tasks.withStatus(['paused'])) {
      if (t.paused_by === 'kill_switch') this.d.tasks.setStatus(t.id, 'pending', { pausedBy: null });
    }
    this.kick();
  }

  /** The anomaly guard paused a source: its queued and running tasks pause too. */
  haltSource(actor: string): void {
    for (const t of this.d.tasks.withStatus(['pending', 'running'])) {
      if (t.actor === actor) this.d.tasks.setStatus(t.id, 'paused', { lease: { owner: null, expires: null }, pausedBy: 'anomaly' });
    }
  }

  /** Stops taking steps; running tasks finish their current step and go back to pending. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    while (this.active.size > 0 && Date.now() < deadline) await sleep(20);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
