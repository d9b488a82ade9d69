// The event pipeline: normalize → dedupe → route → plan → execute → respond, every stage audited under one trace.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { Gate } from '../tools/gate';
import type { Executor } from '../tools/executor';
import type { ToolRegistry } from '../tools/registry';
import type { TaskRecord, TaskStore } from '../tasks';
import { newId } from '../util/ids';
import type { PlanStep, StepState } from '../../api/contract/agent';
import { MAX_EVENT_PAYLOAD_BYTES, type Channel, type MessageEvent } from '../../api/contract/events';
import { renderTemplate } from './intents';
import { InvalidEventError, normalize } from './normalize';
import type { Responder } from './responder';
import type { PlannedStep, Route, Router } from './router';

export interface IngestInput {
  channel: Channel;
  payload: unknown;
  dedupeKey?: string | undefined;
  threadId?: string | undefined;
  /** A child event keeps its parent's trace. */
  parentEventId?: string | undefined;
  actor?: string;
}

export type Ingested =
  | { deduped: false; event: MessageEvent; auditId: number; userInitiated: boolean }
  | { deduped: true; traceId: string; original: { id: string; trace_id: string } };

export interface Outcome {
  event_id: string;
  trace_id: string;
  task_id: string | null;
  status: 'done' | 'failed' | 'unhandled' | 'filtered' | 'cancelled';
  reply: string | null;
}

export interface PipelineDeps {
  db: Db;
  audit: AuditLog;
  router: Router;
  registry: ToolRegistry;
  executor: Executor;
  gate: () => Gate;
  tasks: TaskStore;
  responder: Responder;
  dedupeWindowMs: number;
}

export class Pipeline {
  /** Running tasks' abort switches, so a cancel stops the step in flight. */
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly d: PipelineDeps) {}

  /** Normalizes and stores an event (or records it as a duplicate) in one transaction. Throws InvalidEventError. */
  ingest(input: IngestInput): Ingested {
    const bytes = Buffer.byteLength(JSON.stringify(input.payload ?? null));
    if (bytes > MAX_EVENT_PAYLOAD_BYTES) throw new InvalidEventError('payload', `payload: ${bytes} bytes is over the limit of ${MAX_EVENT_PAYLOAD_BYTES} bytes`);
    const n = normalize(input.channel, input.payload);
    const now = new Date();
    return this.d.audit.transaction((): Ingested => {
      if (input.dedupeKey !== undefined) {
        const since = new Date(now.getTime() - this.d.dedupeWindowMs).toISOString();
        const original = stmt(this.d.db, 'SELECT id, trace_id FROM events WHERE channel = ? AND dedupe_key = ? AND received_at >= ? ORDER BY received_at DESC LIMIT 1')
          .get(input.channel, input.dedupeKey, since) as { id: string; trace_id: string } | undefined;
        if (original) {
          const traceId = newId();
          this.d.audit.append({ type: 'event.deduped', actor: input.actor ?? input.channel, subject: original.id, traceId, payload: { channel: input.channel, dedupe_key: input.dedupeKey, original_event_id: original.id, original_trace_id: original.trace_id } });
          return { deduped: true, traceId, original };
        }
      }
      const parent = input.parentEventId ? (stmt(this.d.db, 'SELECT trace_id FROM events WHERE id = ?').get(input.parentEventId) as { trace_id: string } | undefined) : undefined;
      if (input.parentEventId && !parent) throw new InvalidEventError('parent_event_id', `parent_event_id: no event "${input.parentEventId}"`);
      const event: MessageEvent = {
        id: newId(),
        channel: input.channel,
        source: n.source,
        thread_id: input.threadId ?? null,
        text: n.text,
        payload: n.payload,
        received_at: now.toISOString(),
        trace_id: parent?.trace_id ?? newId(),
        parent_event_id: input.parentEventId ?? null,
        dedupe_key: input.dedupeKey ?? null,
      };
      stmt(this.d.db, 'INSERT INTO events (id, channel, source, thread_id, text, payload, received_at, trace_id, parent_event_id, dedupe_key, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(event.id, event.channel, event.source, event.thread_id, event.text, JSON.stringify(event.payload), event.received_at, event.trace_id, event.parent_event_id, event.dedupe_key, 'received');
      const audited = this.d.audit.append({
        type: 'event.ingested',
        actor: input.actor ?? input.channel,
        subject: event.id,
        traceId: event.trace_id,
        payload: { event_id: event.id, channel: event.channel, source: event.source, text: event.text, thread_id: event.thread_id, dedupe_key: event.dedupe_key, parent_event_id: event.parent_event_id },
      });
      return { deduped: false, event, auditId: audited.id, userInitiated: n.userInitiated };
    });
  }

  /** Routes an ingested event and, when it maps to steps, plans a task for it (not yet run). */
  async route(ingested: Extract<Ingested, { deduped: false }>): Promise<{ route: Route; task: TaskRecord | null; auditId: number }> {
    const { event } = ingested;
    const route = await this.d.router.route(event);
    return this.d.audit.transaction(() => {
      const status = route.decision.lane === 'filtered' ? 'filtered' : route.steps ? 'routed' : 'unhandled';
      stmt(this.d.db, 'UPDATE events SET status = ? WHERE id = ?').run(status, event.id);
      const task = route.steps ? this.d.tasks.create({ traceId: event.trace_id, eventId: event.id, goal: event.text ?? event.source, intent: route.decision.intent, steps: this.planSteps(route.steps, event.channel) }) : null;
      const type = route.decision.lane === 'filtered' ? 'routing.filtered' : route.steps ? 'routing.decided' : 'routing.unhandled';
      const audited = this.d.audit.append({
        type,
        actor: 'router',
        subject: event.id,
        traceId: event.trace_id,
        parentId: ingested.auditId,
        payload: { ...route.decision, task_id: task?.task_id ?? null, steps: task?.steps.map((s) => ({ id: s.id, action: s.action, risk: s.risk, requires_approval: s.requires_approval })) ?? [] },
      });
      return { route, task, auditId: audited.id };
    });
  }

  private planSteps(steps: PlannedStep[], channel: Channel): PlanStep[] {
    return steps.map((s, i) => {
      const tool = this.d.registry.get(s.tool);
      const risk = tool?.risk ?? 'critical';
      const verdict = tool ? this.d.gate().evaluate({ tool, input: s.input, actor: channel, traceId: '', taskId: null }).decision : 'deny';
      return { id: `s${i + 1}`, action: s.tool, input: s.input, risk, requires_approval: verdict === 'require_approval' };
    });
  }

  eventById(id: string): MessageEvent | null {
    const row = stmt(this.d.db, 'SELECT id, channel, source, thread_id, text, payload, received_at, trace_id, parent_event_id, dedupe_key FROM events WHERE id = ?').get(id) as
      | (Omit<MessageEvent, 'payload'> & { payload: string })
      | undefined;
    return row ? { ...row, payload: JSON.parse(row.payload) as Record<string, unknown> } : null;
  }

  /** Runs a planned task's steps in order, then replies. Throws TaskStateError unless the task is planned. */
  async execute(taskId: string, context: { event: MessageEvent | null; route: Route | null; parentAuditId: number | null; actor: string }): Promise<TaskRecord> {
    const task = this.d.tasks.claim(taskId);
    // A task planned earlier (POST /v1/agent/plan) is replied to with its intent's templates: routing is deterministic.
    const route = context.route ?? (context.event ? await this.d.router.route(context.event) : null);
    const controller = new AbortController();
    this.running.set(taskId, controller);
    const steps: StepState[] = task.steps.map((s) => ({ ...s }));
    let lastOutput: unknown;
    let failure: { kind: string; message: string } | null = null;
    let parentId = context.parentAuditId;
    try {
      for (const step of steps) {
        // cancel() marks the task cancelled in the store and aborts this controller.
        if (controller.signal.aborted) break;
        step.status = 'running';
        this.d.tasks.update(taskId, { steps });
        const result = await this.d.executor.execute({
          tool: step.action,
          input: step.input,
          traceId: task.trace_id,
          taskId,
          idempotencyKey: `${taskId}:${step.id}`,
          actor: context.actor,
          parentAuditId: parentId,
          signal: controller.signal,
        });
        if (result.status === 'succeeded') {
          step.status = 'succeeded';
          step.output = result.output;
          lastOutput = result.output;
        } else {
          step.status = result.status === 'rejected' ? 'rejected' : 'failed';
          failure = result.error ?? { kind: 'tool_error', message: 'failed' };
          step.error = { kind: failure.kind, message: failure.message };
          break;
        }
        parentId = null;
      }
    } finally {
      this.running.delete(taskId);
    }
    for (const step of steps) if (step.status === 'pending' || step.status === 'running') step.status = 'skipped';
    const cancelled = controller.signal.aborted;
    const status = cancelled ? 'cancelled' : failure ? 'failed' : 'succeeded';
    const reply = this.composeReply(route, task, status, lastOutput, failure);
    const finish = () => {
      this.d.tasks.update(taskId, { status, steps, reply });
      if (context.event) stmt(this.d.db, 'UPDATE events SET status = ? WHERE id = ?').run(status === 'succeeded' ? 'done' : status, context.event.id);
    };
    const channel: Channel = context.event?.channel ?? 'api';
    this.d.responder.send({ eventId: context.event?.id ?? task.event_id, traceId: task.trace_id, channel, text: reply }, finish);
    return { ...task, status, steps, reply, updated_at: new Date().toISOString() };
  }

  private composeReply(route: Route | null, task: TaskRecord, status: 'succeeded' | 'failed' | 'cancelled', output: unknown, failure: { kind: string; message: string } | null): string {
    if (status === 'cancelled') return `Task ${task.task_id} was cancelled.`;
    const intent = route?.intent;
    const context = { slots: route?.decision.slots ?? {}, output, error: failure };
    if (intent) return renderTemplate(failure ? intent.reply.failure : intent.reply.success, context);
    return failure ? `The task failed: ${failure.message}` : `Done: ${task.steps.length} step(s) completed.`;
  }

  /** The whole path for one incoming event. */
  async process(ingested: Extract<Ingested, { deduped: false }>, actor?: string): Promise<Outcome> {
    const { event } = ingested;
    const base = { event_id: event.id, trace_id: event.trace_id };
    const { route, task, auditId } = await this.route(ingested);
    if (route.decision.lane === 'filtered') return { ...base, task_id: null, status: 'filtered', reply: null };
    if (!task) {
      const hint = `I don't know how to do that yet. Try: ${this.d.router.examples().map((e) => `"${e}"`).join(', ')}.`;
      if (ingested.userInitiated) this.d.responder.send({ eventId: event.id, traceId: event.trace_id, channel: event.channel, text: hint, parentAuditId: auditId });
      return { ...base, task_id: null, status: 'unhandled', reply: ingested.userInitiated ? hint : null };
    }
    const done = await this.execute(task.task_id, { event, route, parentAuditId: auditId, actor: actor ?? event.channel });
    return { ...base, task_id: done.task_id, status: done.status === 'succeeded' ? 'done' : done.status === 'cancelled' ? 'cancelled' : 'failed', reply: done.reply };
  }

  /** Stops a task: planned ones never start; a running one is aborted mid-step. */
  cancel(taskId: string): { task_id: string; status: 'cancelled'; previous: string } {
    const { previous } = this.d.tasks.cancel(taskId);
    this.running.get(taskId)?.abort();
    return { task_id: taskId, status: 'cancelled', previous };
  }
}
