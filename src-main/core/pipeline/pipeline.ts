// The event pipeline: normalize → dedupe → route → plan → execute → respond, every stage audited under one trace.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { Gate } from '../tools/gate';
import type { ToolRegistry } from '../tools/registry';
import type { StepSpec, TaskEngine, TaskStore } from '../tasks';
import type { RetryPolicy } from '../tasks/model';
import { newId } from '../util/ids';
import type { TaskStatusView } from '../../../src-shared/contract/agent';
import { MAX_EVENT_PAYLOAD_BYTES, type Channel, type MessageEvent } from '../../../src-shared/contract/events';
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
  actor?: string | undefined;
}

export type Ingested =
  | { deduped: false; event: MessageEvent; auditId: number; userInitiated: boolean }
  | { deduped: true; traceId: string; original: { id: string; trace_id: string } };

export interface Outcome {
  event_id: string;
  trace_id: string;
  task_id: string | null;
  status: 'done' | 'failed' | 'unhandled' | 'filtered' | 'cancelled' | 'waiting' | 'paused';
  reply: string | null;
}

/**
 * A model turn that timed out, could not reach the provider or answered garbage is asked again after a
 * backoff; a wrong key, a refused request or an unknown tool is not, since asking again would not help.
 */
const LLM_TURN_RETRY: RetryPolicy = Object.freeze({
  max_attempts: 3,
  backoff: { initial_ms: 1000, multiplier: 2, max_ms: 30_000, jitter: true },
  retry_on: ['timeout', 'llm_unavailable', 'rate_limited', 'bad_response'],
});

const OUTCOME: Record<TaskStatusView['status'], Outcome['status']> = {
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  waiting_approval: 'waiting',
  paused: 'paused',
  planned: 'waiting',
  pending: 'waiting',
  running: 'waiting',
};

export interface PipelineDeps {
  db: Db;
  audit: AuditLog;
  router: Router;
  registry: ToolRegistry;
  gate: () => Gate;
  tasks: TaskStore;
  engine: TaskEngine;
  responder: Responder;
  dedupeWindowMs: number;
}

export class Pipeline {
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

  /** Routes an ingested event and, when it maps to steps, creates its task: queued to run, or only planned. */
  async route(ingested: Extract<Ingested, { deduped: false }>, options: { start: boolean; actor?: string } = { start: true }): Promise<{ route: Route; task: TaskStatusView | null; auditId: number }> {
    const { event } = ingested;
    const route = await this.d.router.route(event);
    const result = this.d.audit.transaction(() => {
      const status = route.decision.lane === 'filtered' ? 'filtered' : route.steps ? 'routed' : 'unhandled';
      stmt(this.d.db, 'UPDATE events SET status = ? WHERE id = ?').run(status, event.id);
      const task = route.steps
        ? this.d.tasks.create({
            traceId: event.trace_id,
            eventId: event.id,
            goal: event.text ?? event.source,
            intent: route.decision.intent,
            kind: route.decision.lane === 'llm' ? 'llm' : 'intent',
            runInput: route.decision.slots,
            channel: event.channel,
            actor: options.actor ?? event.channel,
            status: options.start ? 'pending' : 'planned',
            steps: this.planSteps(route.steps, event.channel),
          })
        : null;
      // The thread travels with the task, so the model's context can find the conversation it belongs to.
      if (task && event.thread_id) stmt(this.d.db, 'UPDATE tasks SET thread_id = ? WHERE id = ?').run(event.thread_id, task.task_id);
      const type = route.decision.lane === 'filtered' ? 'routing.filtered' : route.steps ? 'routing.decided' : 'routing.unhandled';
      const audited = this.d.audit.append({
        type,
        actor: 'router',
        subject: event.id,
        traceId: event.trace_id,
        parentId: ingested.auditId,
        payload: { ...route.decision, task_id: task?.task_id ?? null, thread_id: event.thread_id, steps: task?.steps.map((s) => ({ id: s.id, action: s.action, risk: s.risk, requires_approval: s.requires_approval })) ?? [] },
      });
      return { route, task, auditId: audited.id };
    });
    if (result.task && options.start) this.d.engine.kick();
    return result;
  }

  private planSteps(steps: PlannedStep[], channel: Channel): StepSpec[] {
    return steps.map((s, i): StepSpec => {
      const id = `s${i + 1}`;
      if ('kind' in s) return { id, kind: 'llm_decide', goal: s.goal, risk: 'none', retry_policy: LLM_TURN_RETRY };
      const tool = this.d.registry.get(s.tool);
      // A prediction only: the gate decides again, with side effects, when the step runs.
      const predicted = tool ? this.d.gate().evaluate({ tool, input: s.input, actor: channel, traceId: '', taskId: null }, 'plan') : null;
      const risk = predicted?.risk ?? tool?.risk ?? 'critical';
      return { id, kind: 'tool', tool: s.tool, input: s.input, risk, requires_approval: predicted?.decision === 'require_approval', depends_on: i > 0 ? [`s${i}`] : [] };
    });
  }

  /** The whole path for one incoming event: route, run its task to rest, and report the outcome. */
  async process(ingested: Extract<Ingested, { deduped: false }>, actor?: string): Promise<Outcome> {
    const { event } = ingested;
    const base = { event_id: event.id, trace_id: event.trace_id };
    const { route, task, auditId } = await this.route(ingested, { start: true, ...(actor ? { actor } : {}) });
    if (route.decision.lane === 'filtered') return { ...base, task_id: null, status: 'filtered', reply: null };
    if (!task) {
      const llm = route.decision.stages.find((s) => s.stage === 'llm' && s.outcome === 'unavailable');
      const setup = llm?.detail ? ` ${llm.detail.charAt(0).toUpperCase()}${llm.detail.slice(1)}${/[.!]$/.test(llm.detail) ? '' : '.'}` : '';
      const hint = `I don't know how to do that yet. Try: ${this.d.router.examples().map((e) => `"${e}"`).join(', ')}.${setup}`;
      if (ingested.userInitiated) this.d.responder.send({ eventId: event.id, traceId: event.trace_id, channel: event.channel, text: hint, parentAuditId: auditId });
      return { ...base, task_id: null, status: 'unhandled', reply: ingested.userInitiated ? hint : null };
    }
    const done = await this.d.engine.waitFor(task.task_id);
    return { ...base, task_id: done.task_id, status: OUTCOME[done.status], reply: done.reply };
  }
}
