// The agent's services wired together on top of an open core: tools, tasks, timers, router, pipeline, responder.
import path from 'node:path';
import type { Core } from './core';
import { Pipeline, Responder, Router, type Outcome } from './pipeline';
import { TaskStore } from './tasks';
import { TimerService } from './timers';
import { builtinTools, Executor, provisionalGate, ToolRegistry, type Gate, type ToolDefinition } from './tools';
import type { PostEvent } from '../api/contract/events';

export interface Agent {
  registry: ToolRegistry;
  executor: Executor;
  tasks: TaskStore;
  timers: TimerService;
  router: Router;
  responder: Responder;
  pipeline: Pipeline;
  /** Ingests an event and runs it to its reply in the background; `done` settles with the outcome. */
  submit(input: { channel: PostEvent['channel'] | 'schedule' | 'rule' | 'mqtt' | 'ha' | 'mcp'; payload: unknown; dedupeKey?: string | undefined; threadId?: string | undefined; parentEventId?: string | undefined }):
    | { deduped: true; event_id: string; trace_id: string; original_trace_id: string; done: Promise<null> }
    | { deduped: false; event_id: string; trace_id: string; done: Promise<Outcome> };
  /** Where the policy engine plugs in: planning and execution both ask the new gate. */
  setGate(gate: Gate): void;
  stop(): void;
}

export const userToolsDir = (home: string) => path.join(home, 'tools');

/** Host-list scoping for tools whose network permission names hosts: checked before anything runs. */
function scopeCheck(tool: ToolDefinition, input: unknown): string | null {
  const net = tool.permissions.network;
  if (typeof net !== 'object') return null;
  const url = (input as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return null;
  const host = URL.canParse(url) ? new URL(url).host.toLowerCase() : '';
  return net.hosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === host.replace(/:\d+$/, '')) ? null : `"${tool.name}" may only reach ${net.hosts.join(', ')}; not ${host || url}.`;
}

export function createAgent(core: Core, options: { gate?: Gate } = {}): Agent {
  const { db, audit, settings } = core;
  const tasks = new TaskStore(db);
  const responder = new Responder(db, audit);
  const timers = new TimerService(db, audit, (t) => {
    responder.send({ eventId: null, traceId: t.trace_id, channel: 'ui', text: `Timer done: ${t.label}.` });
  });
  let gate: Gate = options.gate ?? provisionalGate;
  // Late-bound: the task tools need the pipeline, which needs the registry those tools are part of.
  const late: { pipeline?: Pipeline } = {};
  const registry = new ToolRegistry(
    db,
    audit,
    builtinTools({
      httpAllowlist: settings.httpAllowlist,
      timers,
      tasks: {
        status: (id) => (id ? [tasks.require(id)] : tasks.recent(5)).map((t) => ({ task_id: t.task_id, goal: t.goal, status: t.status })),
        cancel: (id) => {
          if (!late.pipeline) throw new Error('the pipeline is not running');
          return late.pipeline.cancel(id);
        },
      },
    }),
    userToolsDir(settings.home),
  );
  const executor = new Executor(db, audit, registry, gate, { timeoutMs: settings.toolTimeoutMs, scope: scopeCheck });
  const router = new Router({ mutedSources: settings.mutedSources, ignorePatterns: settings.ignorePatterns });
  const p = new Pipeline({ db, audit, router, registry, executor, gate: () => gate, tasks, responder, dedupeWindowMs: settings.dedupeWindowMs });
  late.pipeline = p;
  timers.start();

  return {
    registry,
    executor,
    tasks,
    timers,
    router,
    responder,
    pipeline: p,
    submit(input) {
      const ingested = p.ingest(input);
      if (ingested.deduped) return { deduped: true, event_id: ingested.original.id, trace_id: ingested.traceId, original_trace_id: ingested.original.trace_id, done: Promise.resolve(null) };
      const done = p.process(ingested).catch((err: unknown) => {
        console.error(`event ${ingested.event.id} failed in the pipeline:`, err);
        return { event_id: ingested.event.id, trace_id: ingested.event.trace_id, task_id: null, status: 'failed' as const, reply: null };
      });
      return { deduped: false, event_id: ingested.event.id, trace_id: ingested.event.trace_id, done };
    },
    setGate(next) {
      gate = next;
      executor.setGate(next);
    },
    stop() {
      timers.stop();
    },
  };
}
