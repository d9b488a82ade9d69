// The rules engine: an index by channel and key, conditions, debounce / dedupe / cooldown / quiet hours, a loop guard, and gated actions.
import crypto from 'node:crypto';
import type { AuditLog } from '../audit';
import { canonicalJson } from '../audit/canonical';
import { stmt, type Db } from '../db';
import type { IngestInput, Ingested, Outcome } from '../pipeline';
import type { PlannedStep } from '../pipeline/router';
import type { Clock } from '../scheduler/clock';
import type { Gate } from '../tools/gate';
import type { ToolDefinition } from '../tools/types';
import { newId } from '../util/ids';
import { inWindow, RuleInputError } from './conditions';
import { RuleStore, type CompiledRule, type RuleRow } from './store';
import type { MessageEvent } from '../../../src-shared/contract/events';
import type { RuleAction, RuleCreate, RulePatch, RuleView } from '../../../src-shared/contract/rules';

/** A chain of rule-made events deeper than this is a loop: the rule that would extend it is stopped. */
export const MAX_TRACE_DEPTH = 5;

export interface RulesDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  ingest(input: IngestInput): Ingested;
  process(ingested: Extract<Ingested, { deduped: false }>): Promise<Outcome>;
  gate(): Gate;
  tool(name: string): ToolDefinition | undefined;
  workflowExists(id: string): boolean;
  startWorkflow(id: string, input: Record<string, unknown>, actor: string): string;
  notify(text: string, eventId: string, traceId: string): void;
  entity(id: string): { state: string } | undefined;
}

interface RuntimeState {
  lastSeen?: number;
  lastFired?: number;
  seen: Map<string, number>;
}

interface Bucket {
  exact: Map<string, CompiledRule[]>;
  wild: CompiledRule[];
}

// Fields that differ between two deliveries of the same happening; dedupe ignores them.
const VOLATILE = new Set(['received_at', 'message_id', 'context_id', 'seq', 'last_changed', 'last_updated']);

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, strip(v)]));
}

/** The key an event is indexed by: the entity on ha, the topic on mqtt, the source elsewhere. */
export function keyOf(event: MessageEvent): string {
  if (event.channel === 'ha') return String(event.payload.entity_id ?? '');
  if (event.channel === 'mqtt') return String(event.payload.topic ?? '');
  return event.source;
}

export class RulesEngine {
  readonly store: RuleStore;
  private index = new Map<string, Bucket>();
  private byId = new Map<string, CompiledRule>();
  private readonly state = new Map<string, RuntimeState>();
  private deferTimer: unknown = null;
  private running = false;

  constructor(private readonly d: RulesDeps) {
    this.store = new RuleStore(d.db, d.audit, () => d.clock.now());
  }

  start(): void {
    this.running = true;
    this.reload();
    this.armDeferrals();
  }

  stop(): void {
    this.running = false;
    if (this.deferTimer !== null) this.d.clock.clearTimer(this.deferTimer);
    this.deferTimer = null;
  }

  /** Rebuilds the trigger index from the store: each rule sits under its channel, by exact key or in the wildcard list. */
  reload(): void {
    const index = new Map<string, Bucket>();
    const byId = new Map<string, CompiledRule>();
    for (const row of this.store.rows()) {
      let rule: CompiledRule;
      try {
        rule = this.store.compile(row);
      } catch (err) {
        console.error(`rule ${row.id} cannot be compiled and is skipped:`, (err as Error).message);
        continue;
      }
      byId.set(rule.id, rule);
      const bucket: Bucket = index.get(rule.trigger.channel) ?? { exact: new Map<string, CompiledRule[]>(), wild: [] };
      index.set(rule.trigger.channel, bucket);
      const m = rule.trigger.match;
      if (m !== undefined && !m.includes('*') && !(rule.trigger.channel === 'mqtt' && /[+#]/.test(m))) bucket.exact.set(m, [...(bucket.exact.get(m) ?? []), rule]);
      else bucket.wild.push(rule);
    }
    this.index = index;
    this.byId = byId;
  }

  list(): RuleView[] {
    return this.store.rows().map((r) => this.store.view(r));
  }

  get(id: string): RuleView | undefined {
    const r = this.store.row(id);
    return r ? this.store.view(r) : undefined;
  }

  create(input: RuleCreate, actor: string): RuleView {
    const row = this.store.create(input, actor, (a, f) => this.checkAction(a, f, ''));
    this.reload();
    return this.store.view(row);
  }

  update(id: string, patch: RulePatch, actor: string): RuleView {
    const row = this.store.update(id, patch, actor, (a, f) => this.checkAction(a, f, ''));
    this.reload();
    this.state.delete(id);
    return this.store.view(row);
  }

  delete(id: string, actor: string): boolean {
    const gone = this.store.delete(id, actor);
    this.reload();
    return gone;
  }

  find(ref: string): RuleRow | undefined {
    return this.store.find(ref);
  }

  /**
   * The policy on a rule's action, at creation and again at each firing: the tool exists, its input is valid,
   * the gate does not deny it, and it is not critical (a rule can never carry an approval for one).
   */
  checkAction(action: RuleAction, field: string, traceId: string): void {
    if (action.type === 'workflow') {
      if (!this.d.workflowExists(action.workflow_id)) throw new RuleInputError(`${field}.workflow_id`, `no workflow "${action.workflow_id}"`);
      return;
    }
    if (action.type !== 'tool') return;
    const tool = this.d.tool(action.tool);
    if (!tool) throw new RuleInputError(`${field}.tool`, `no tool "${action.tool}"`);
    const parsed = tool.input.safeParse(action.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RuleInputError([`${field}.input`, ...(issue?.path ?? []).map(String)].join('.'), issue?.message ?? 'invalid');
    }
    const verdict = this.d.gate().evaluate({ tool, input: action.input, actor: 'rule', traceId, taskId: null }, 'plan');
    if ((verdict.risk ?? tool.risk) === 'critical') throw new RuleInputError(`${field}.tool`, `"${action.tool}" is a critical action here; a rule cannot carry one (ask for it directly instead)`, 403);
    if (verdict.decision === 'deny') throw new RuleInputError(`${field}.tool`, `the policy refuses "${action.tool}" for rules: ${verdict.reason}`, 403);
  }

  /** The router's rule stage: a rule's tool-action event becomes that tool's step; every routed event is also observed. */
  stage(event: MessageEvent): { rule: string; steps: PlannedStep[] } | null {
    const claimed = this.toolStep(event);
    setImmediate(() => {
      try {
        this.observe(event);
      } catch (err) {
        // Outside any request: a store error here is reported, never thrown into the event loop.
        console.error(`event ${event.id} could not be matched against the rules:`, (err as Error).message);
      }
    });
    return claimed;
  }

  private toolStep(event: MessageEvent): { rule: string; steps: PlannedStep[] } | null {
    if (event.channel !== 'rule') return null;
    const rule = this.byId.get(String(event.payload.rule_id));
    const action = rule?.actions[Number(event.payload.action)];
    if (!rule || action?.type !== 'tool') return null;
    return { rule: `${rule.name} (${rule.id})`, steps: [{ tool: action.tool, input: action.input }] };
  }

  /** Evaluates every rule whose trigger fits the event; returns the ids of the rules that fired. */
  observe(event: MessageEvent): string[] {
    if (!this.running) return [];
    const bucket = this.index.get(event.channel);
    if (!bucket) return [];
    const key = keyOf(event);
    const candidates = [...(bucket.exact.get(key) ?? []), ...bucket.wild];
    const fired: string[] = [];
    for (const rule of candidates) {
      try {
        if (this.evaluate(rule, event, key)) fired.push(rule.id);
      } catch (err) {
        // A rule that breaks is recorded; the rest still get the event.
        this.record(rule, event, 'action_failed', (err as Error).message, 'rule.action_failed');
      }
    }
    return fired;
  }

  private evaluate(rule: CompiledRule, event: MessageEvent, key: string): boolean {
    const t = rule.trigger;
    if (t.event_type !== undefined && event.payload.event_type !== t.event_type) return false;
    if (rule.match && !rule.match(key)) return false;
    const now = this.d.clock.now();
    if (!rule.predicate({ event, now, entity: (id) => this.d.entity(id) })) return false;
    if (!rule.enabled) return this.suppress(rule, event, 'disabled');
    const depth = this.depth(event);
    if (depth >= MAX_TRACE_DEPTH) {
      this.record(rule, event, 'loop_stopped', `trace depth ${depth} reached the limit of ${MAX_TRACE_DEPTH}`, 'rule.loop_stopped', { depth });
      return false;
    }
    const st = this.state.get(rule.id) ?? { seen: new Map<string, number>() };
    this.state.set(rule.id, st);
    if (rule.dedupeMs > 0) {
      const hash = crypto.createHash('sha256').update(`${event.channel}\n${event.source}\n${canonicalJson(strip(event.payload))}`).digest('base64url');
      const before = st.seen.get(hash);
      for (const [h, at] of st.seen) if (now - at >= rule.dedupeMs) st.seen.delete(h);
      st.seen.set(hash, now);
      if (before !== undefined && now - before < rule.dedupeMs) return this.suppress(rule, event, 'dedupe');
    }
    const lastSeen = st.lastSeen;
    st.lastSeen = now;
    if (rule.debounceMs > 0 && lastSeen !== undefined && now - lastSeen < rule.debounceMs) return this.suppress(rule, event, 'debounce');
    if (rule.cooldownMs > 0 && st.lastFired !== undefined && now - st.lastFired < rule.cooldownMs) return this.suppress(rule, event, 'cooldown');
    const q = rule.quietHours;
    if (q) {
      const w = inWindow(now, q.start, q.end, q.timezone, q.days);
      if (w.inside && q.policy === 'suppress') return this.suppress(rule, event, 'quiet_hours');
      if (w.inside) {
        const due = now + w.minutesLeft * 60_000;
        this.d.audit.transaction(() => {
          stmt(this.d.db, "INSERT INTO rule_deferrals (id, rule_id, event_id, due_at, status) VALUES (?, ?, ?, ?, 'pending')").run(newId(), rule.id, event.id, new Date(due).toISOString());
          this.record(rule, event, 'deferred', 'quiet_hours', 'rule.deferred', { until: new Date(due).toISOString() });
        });
        this.armDeferrals();
        return false;
      }
    }
    st.lastFired = now;
    this.record(rule, event, 'triggered', null, 'rule.triggered', { depth });
    this.runActions(rule, event);
    return true;
  }

  private suppress(rule: CompiledRule, event: MessageEvent, reason: 'debounce' | 'dedupe' | 'quiet_hours' | 'disabled' | 'cooldown'): false {
    this.record(rule, event, 'suppressed', reason, 'rule.suppressed');
    return false;
  }

  private record(rule: CompiledRule, event: MessageEvent, outcome: Parameters<RuleStore['log']>[1], reason: string | null, type: string, extra: Record<string, unknown> = {}): void {
    this.d.audit.transaction(() => {
      this.store.log(rule.id, outcome, reason, event.id, event.trace_id);
      this.d.audit.append({ type, actor: `rule:${rule.id}`, subject: rule.id, traceId: event.trace_id, payload: { rule_id: rule.id, name: rule.name, event_id: event.id, reason, ...extra } });
    });
  }

  /** How many rule-made events lead up to this one (its ancestors on the rule channel). */
  private depth(event: MessageEvent): number {
    let depth = event.channel === 'rule' ? 1 : 0;
    let parent = event.parent_event_id;
    while (parent !== null && depth <= MAX_TRACE_DEPTH) {
      const row = stmt(this.d.db, 'SELECT channel, parent_event_id FROM events WHERE id = ?').get(parent) as { channel: string; parent_event_id: string | null } | undefined;
      if (!row) break;
      if (row.channel === 'rule') depth++;
      parent = row.parent_event_id;
    }
    return depth;
  }

  /** Each action in turn, each re-checked against the policy; a failure is audited and the next action still runs. */
  private runActions(rule: CompiledRule, event: MessageEvent): void {
    rule.actions.forEach((action, i) => {
      try {
        this.checkAction(action, `actions.${i}`, event.trace_id);
      } catch (err) {
        this.record(rule, event, 'action_refused', (err as Error).message, 'rule.action_refused', { action: i });
        return;
      }
      try {
        this.runAction(rule, event, action, i);
      } catch (err) {
        this.record(rule, event, 'action_failed', (err as Error).message, 'rule.action_failed', { action: i });
      }
    });
  }

  private runAction(rule: CompiledRule, event: MessageEvent, action: RuleAction, i: number): void {
    switch (action.type) {
      case 'notify':
        this.d.notify(action.text, event.id, event.trace_id);
        return;
      case 'workflow':
        this.d.startWorkflow(action.workflow_id, action.input ?? {}, `rule:${rule.id}`);
        return;
      case 'emit':
      case 'tool': {
        // A child event in the parent's trace; the router's rule stage turns a tool action into its step.
        const payload: Record<string, unknown> = { rule_id: rule.id, action: i, type: action.type, trigger_event_id: event.id };
        if (action.type === 'emit') {
          if (action.goal !== undefined) payload.goal = action.goal;
          if (action.data !== undefined) payload.data = action.data;
        } else payload.tool = action.tool;
        const child = this.d.ingest({ channel: 'rule', payload, parentEventId: event.id, actor: `rule:${rule.id}` });
        if (!child.deduped) void this.d.process(child).catch((err: unknown) => console.error(`rule event ${child.event.id} failed:`, err));
        return;
      }
      default: {
        const never: never = action;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }

  /** Deferred firings: one timer for the earliest; at its time the rule's actions run for the original event. */
  private armDeferrals(): void {
    if (!this.running) return;
    if (this.deferTimer !== null) this.d.clock.clearTimer(this.deferTimer);
    this.deferTimer = null;
    const head = stmt(this.d.db, "SELECT MIN(due_at) AS at FROM rule_deferrals WHERE status = 'pending'").get() as { at: string | null };
    if (head.at === null) return;
    this.deferTimer = this.d.clock.setTimer(() => this.runDeferredSafely(), Date.parse(head.at) - this.d.clock.now());
  }

  private runDeferredSafely(): void {
    this.deferTimer = null;
    try {
      this.runDeferred();
    } catch (err) {
      console.error('deferred rule firings could not run yet:', (err as Error).message);
      this.deferTimer = this.d.clock.setTimer(() => this.runDeferredSafely(), 5000);
    }
  }

  private runDeferred(): void {
    const now = new Date(this.d.clock.now()).toISOString();
    const due = stmt(this.d.db, "SELECT id, rule_id, event_id FROM rule_deferrals WHERE status = 'pending' AND due_at <= ? ORDER BY due_at").all(now) as { id: string; rule_id: string; event_id: string }[];
    for (const d of due) {
      const rule = this.byId.get(d.rule_id);
      const row = stmt(this.d.db, 'SELECT id, channel, source, thread_id, text, payload, received_at, trace_id, parent_event_id, dedupe_key FROM events WHERE id = ?').get(d.event_id) as (Omit<MessageEvent, 'payload'> & { payload: string }) | undefined;
      if (!rule || !row || !rule.enabled) {
        stmt(this.d.db, "UPDATE rule_deferrals SET status = 'done' WHERE id = ?").run(d.id);
        continue;
      }
      const event = { ...row, payload: JSON.parse(row.payload) as Record<string, unknown> } as MessageEvent;
      const st = this.state.get(rule.id) ?? { seen: new Map<string, number>() };
      st.lastFired = this.d.clock.now();
      this.state.set(rule.id, st);
      this.d.audit.transaction(() => {
        stmt(this.d.db, "UPDATE rule_deferrals SET status = 'done' WHERE id = ?").run(d.id);
        this.record(rule, event, 'triggered', 'deferred_by_quiet_hours', 'rule.triggered', { deferred: true });
      });
      this.runActions(rule, event);
    }
    this.armDeferrals();
  }
}
