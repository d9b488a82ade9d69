// The agent's services wired together on top of an open core: tools, durable tasks, timers, router, pipeline, responder.
import path from 'node:path';
import type { Core } from './core';
import { stmt } from './db';
import type { LlmPort } from './llm/port';
import { LlmService, memoryLookup } from './llm/service';
import { INTENTS, Pipeline, renderTemplate, Responder, Router, type Ingested, type Outcome } from './pipeline';
import type { IntentDecl } from './pipeline/intents';
import { McpManager, type ConnectionTimings } from './mcp';
import { TaskEngine, TaskStore, type TaskFinished } from './tasks';
import { TimerService, scheduledTimers } from './timers';
import { Scheduler, schedulerTools, systemClock, type Clock, type Fired } from './scheduler';
import { heartbeatWatcher, Watchers } from './watchers';
import { RulesEngine, rulesTools } from './rules';
import { capabilityRisk, DaemonClient, daemonWillConfirm, loadAppIdentity, readCapabilities } from './integrations/daemon';
import { MemoryService, embedderFromSettings } from './memory';
import { Safety } from './safety';
import { resourcePath } from './util/resources';
import { builtinTools, Executor, ToolRegistry, type Gate, type ToolDefinition } from './tools';
import { roleOfActor } from './tools/builtins/safety-tools';
import { WorkflowStore } from './workflows/store';
import type { Channel, PostEvent } from '../../src-shared/contract/events';
import type { TaskProgress } from '../../src-shared/contract/agent';

export interface Agent {
  registry: ToolRegistry;
  executor: Executor;
  tasks: TaskStore;
  engine: TaskEngine;
  workflows: WorkflowStore;
  timers: TimerService;
  router: Router;
  responder: Responder;
  pipeline: Pipeline;
  safety: Safety;
  daemon: DaemonClient;
  memory: MemoryService;
  /** The language model: settings, the live provider, recorded contexts. */
  llm: LlmService;
  /** MCP servers: consent, trust policy, health; their tools live in the registry as mcp.<server>.<tool>. */
  mcp: McpManager;
  /** Cron, interval and one-shot schedules; firings become `schedule` events. */
  scheduler: Scheduler;
  /** Periodic watchers (the heartbeat) a person can enable or disable. */
  watchers: Watchers;
  /** Stored rules: trigger, conditions, actions; home events and routed events are matched against them. */
  rules: RulesEngine;
  /** Ingests an event and runs it to its reply in the background; `done` settles with the outcome. */
  submit(input: { channel: PostEvent['channel'] | 'schedule' | 'rule' | 'mqtt' | 'ha' | 'mcp'; payload: unknown; dedupeKey?: string | undefined; threadId?: string | undefined; parentEventId?: string | undefined; actor?: string | undefined }):
    | { deduped: true; event_id: string; trace_id: string; original_trace_id: string; done: Promise<null> }
    | { deduped: false; event_id: string; trace_id: string; done: Promise<Outcome> };
  /** Task progress for the live stream. */
  onProgress(listener: (p: TaskProgress) => void): () => void;
  /** Where the policy engine plugs in: planning and execution both ask the new gate. */
  setGate(gate: Gate): void;
  stop(): Promise<void>;
}

export interface AgentOptions {
  /** Replaces the policy gate (tests of the executor alone). */
  gate?: Gate;
  /** The clock approvals, grants and rate limits read (tests inject one). */
  now?: () => number;
  /** The language model the LLM lane and llm_decide steps ask; none means those answer "not configured". */
  llm?: LlmPort;
  leaseMs?: number;
  /** MCP connection timings (ping, backoff); tests shorten them. */
  mcpTimings?: Partial<ConnectionTimings>;
  /** The clock schedules, watchers and rules read (tests inject a manual one); default: real time. */
  clock?: Clock;
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

/** The reply a finished task sends: its intent's template, the model's answer, or a summary. */
function composeReply(done: TaskFinished, workflowName: string | null, intents: readonly IntentDecl[]): string {
  const { task, status, steps, error } = done;
  if (status === 'cancelled') return `Task ${task.id} was cancelled.`;
  const ran = steps.filter((s) => s.status === 'succeeded' && s.output !== null);
  const last = ran.at(-1);
  const output: unknown = last?.output ? JSON.parse(last.output) : undefined;
  if (task.kind === 'llm') {
    const answer = (output as { reply?: string } | undefined)?.reply;
    return status === 'succeeded' && answer ? answer : `I could not finish that: ${error?.message ?? 'the model did not complete'}`;
  }
  const intent = task.intent ? intents.find((i) => i.id === task.intent) : undefined;
  if (intent) return renderTemplate(status === 'succeeded' ? intent.reply.success : intent.reply.failure, { slots: JSON.parse(task.run_input), output, error });
  const name = workflowName ? `Workflow "${workflowName}"` : 'The task';
  return status === 'succeeded' ? `${name} finished: ${ran.length} of ${steps.length} step(s) ran.` : `${name} failed: ${error?.message ?? 'a step failed'}`;
}

export function createAgent(core: Core, options: AgentOptions = {}): Agent {
  const { db, audit, settings } = core;
  const tasks = new TaskStore(db);
  const responder = new Responder(db, audit);
  const progressListeners = new Set<(p: TaskProgress) => void>();
  const notify = (text: string, traceId: string) => void responder.send({ eventId: null, traceId, channel: 'ui', text });
  const timers = new TimerService(db, audit, (t) => notify(`Timer done: ${t.label}.`, t.trace_id));
  const clock = options.clock ?? systemClock();
  // Late-bound like the engine below: firings need the pipeline, which needs the registry that holds the schedule tools.
  const scheduler: Scheduler = new Scheduler({ db, audit, clock, ingest: (input): Ingested => pipeline.ingest(input), dispatch: (fired) => dispatchFiring(fired) });
  const capabilities = readCapabilities(resourcePath('capabilities.json'));
  const daemon = new DaemonClient(db, audit, loadAppIdentity(settings.home));
  const safety = new Safety({
    db,
    audit,
    notify,
    burstPerMinute: settings.anomalyBurstPerMinute,
    daemonConfirms: (cap, risk) => daemonWillConfirm(capabilities, cap, risk),
    onKillSwitch: (on) => {
      // The daemon refuses every token minted before the switch, even one already on its way.
      if (on && daemon.link()) daemon.kill().catch((err: Error) => audit.append({ type: 'daemon.kill_not_delivered', actor: 'system', subject: 'daemon', payload: { message: err.message } }));
    },
    ...(options.now ? { now: options.now } : {}),
  });
  let gate: Gate = options.gate ?? safety.gate;
  // Late-bound: the task tools need the engine, which needs the registry those tools are part of.
  const late: { engine?: TaskEngine } = {};
  const registry = new ToolRegistry(
    db,
    audit,
    [
      ...builtinTools({
      httpAllowlist: settings.httpAllowlist,
      timers: scheduledTimers(scheduler, () => clock.now()),
      tasks: {
        status: (id) => (id ? [tasks.view(id)] : tasks.list(undefined, 5)).map((t) => ({ task_id: t.task_id, goal: t.goal, status: t.status })),
        cancel: (id) => {
          if (!late.engine) throw new Error('the task engine is not running');
          const previous = tasks.requireRow(id).status;
          const after = late.engine.cancel(id, 'fastpath');
          return { task_id: id, status: after.status, previous };
        },
      },
      daemon: { paired: () => daemon.link() !== undefined, command: (cap, args, meta) => daemon.command(cap, args, meta), entity: (id) => daemon.inbound?.entity(id) },
      capabilityRisk: (cap) => capabilityRisk(capabilities, cap),
      safety: {
        setAutonomy: (level, actor) => {
          const previous = safety.controls.autonomy();
          safety.controls.setAutonomy(level, actor);
          return { level, previous };
        },
        listApprovals: () => safety.approvals.list('pending', 50),
        decide: (id, approve, actor) => {
          const who = { actor, role: roleOfActor(actor) };
          const a = approve ? safety.approve(id, who) : safety.deny(id, who);
          return { id: a.id, status: a.status, tool: a.tool };
        },
      },
    }),
      ...schedulerTools(scheduler),
      ...rulesTools(() => rules),
    ],
    userToolsDir(settings.home),
  );
  const executor = new Executor(db, audit, registry, gate, { timeoutMs: settings.toolTimeoutMs, scope: scopeCheck });
  const llm = new LlmService({
    db,
    audit,
    home: settings.home,
    config: settings,
    autonomy: () => safety.controls.autonomy(),
    override: options.llm,
    // `memory` is created further down; lookups only happen once tasks run.
    memories: memoryLookup((q) => memory.store.query(q)),
  });
  // Live: the MCP manager adds and removes the intents of the tools its servers offer.
  const intents: IntentDecl[] = [...INTENTS];
  const router = new Router({
    mutedSources: settings.mutedSources,
    ignorePatterns: settings.ignorePatterns,
    intents,
    rules: { match: (event) => rules.stage(event) },
    llm: { unavailable: () => (llm.port() ? null : llm.problem()), plan: async (event) => ({ steps: [{ kind: 'llm_decide' as const, goal: event.text ?? event.source }], detail: `llm_plan via ${llm.port()?.name ?? 'none'}` }) },
  });
  const workflows = new WorkflowStore(db, audit, registry);
  const engine = new TaskEngine({
    db,
    audit,
    tasks,
    registry,
    executor,
    llm: () => llm.port(),
    notify,
    progress: (p) => progressListeners.forEach((l) => l(p)),
    halted: () => safety.controls.killSwitch().on,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    finish(done) {
      const workflowName = done.task.workflow_id ? (workflows.get(done.task.workflow_id)?.name ?? null) : null;
      const reply = composeReply(done, workflowName, intents);
      responder.send({ eventId: done.task.event_id, traceId: done.task.trace_id, channel: done.task.channel as Channel, text: reply }, () => {
        const current = tasks.requireRow(done.task.id).status;
        if (current === done.status) stmt(db, 'UPDATE tasks SET reply = ? WHERE id = ?').run(reply, done.task.id);
        else tasks.setStatus(done.task.id, done.status, { reply, error: done.error, lease: { owner: null, expires: null } });
        if (done.task.event_id) stmt(db, 'UPDATE events SET status = ? WHERE id = ?').run(done.status === 'succeeded' ? 'done' : done.status, done.task.event_id);
      });
    },
  });
  late.engine = engine;
  safety.attach(engine);
  const sweeper = setInterval(() => {
    try {
      safety.expireDue();
    } catch (err) {
      console.error('expiring approvals failed:', (err as Error).message);
    }
  }, 5000);
  sweeper.unref();
  const pipeline = new Pipeline({ db, audit, router, registry, gate: () => gate, tasks, engine, responder, dedupeWindowMs: settings.dedupeWindowMs });
  const memory = new MemoryService({ db, audit, embedder: embedderFromSettings(settings) });
  const mcp = new McpManager({ db, audit, registry, intents, notify, ...(options.mcpTimings ? { timings: options.mcpTimings } : {}) });
  // What a schedule's firing does once its event is committed: route the goal, notify, or start the workflow.
  function dispatchFiring({ payload, ingested }: Fired): void {
    const { event } = ingested;
    if (payload.kind === 'goal') void pipeline.process(ingested, 'schedule').catch((err: unknown) => console.error(`schedule event ${event.id} failed:`, err));
    else if (payload.kind === 'notify') responder.send({ eventId: event.id, traceId: event.trace_id, channel: 'schedule', text: payload.text });
    else {
      const wf = workflows.get(payload.workflow_id);
      if (!wf) throw new Error(`the workflow "${payload.workflow_id}" no longer exists`);
      workflows.run(wf, tasks, payload.input ?? {}, `schedule:${String(event.payload.schedule_id)}`);
      engine.kick();
    }
  }
  const rules: RulesEngine = new RulesEngine({
    db,
    audit,
    clock,
    ingest: (input) => pipeline.ingest(input),
    process: (ingested) => pipeline.process(ingested, `rule:${String(ingested.event.payload.rule_id)}`),
    gate: () => gate,
    tool: (name) => registry.get(name),
    workflowExists: (id) => workflows.get(id) !== undefined,
    startWorkflow: (id, input, actor) => {
      const wf = workflows.get(id);
      if (!wf) throw new Error(`the workflow "${id}" no longer exists`);
      const task = workflows.run(wf, tasks, input, actor);
      engine.kick();
      return task.task_id;
    },
    notify: (text, eventId, traceId) => void responder.send({ eventId, traceId, channel: 'rule', text }),
    entity: (id) => daemon.inbound?.entity(id),
  });
  const watchers = new Watchers(db, audit, clock);
  watchers.add(heartbeatWatcher(db, settings.heartbeatIntervalMs));
  timers.start();
  scheduler.start();
  watchers.start();
  rules.start();
  engine.start();
  mcp.start();
  memory.start();

  return {
    registry,
    executor,
    tasks,
    engine,
    workflows,
    timers,
    router,
    responder,
    pipeline,
    safety,
    daemon,
    memory,
    llm,
    mcp,
    scheduler,
    watchers,
    rules,
    submit(input) {
      const ingested = pipeline.ingest(input);
      if (ingested.deduped) return { deduped: true, event_id: ingested.original.id, trace_id: ingested.traceId, original_trace_id: ingested.original.trace_id, done: Promise.resolve(null) };
      const done = pipeline.process(ingested, input.actor).catch((err: unknown) => {
        console.error(`event ${ingested.event.id} failed in the pipeline:`, err);
        return { event_id: ingested.event.id, trace_id: ingested.event.trace_id, task_id: null, status: 'failed' as const, reply: null };
      });
      return { deduped: false, event_id: ingested.event.id, trace_id: ingested.event.trace_id, done };
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    setGate(next) {
      gate = next;
      executor.setGate(next);
    },
    async stop() {
      clearInterval(sweeper);
      daemon.close();
      timers.stop();
      scheduler.stop();
      watchers.stop();
      rules.stop();
      await memory.stop();
      await engine.stop();
      // After the engine: a step still waiting on an MCP server finishes instead of failing for a closed connection.
      await mcp.stop();
    },
  };
}
