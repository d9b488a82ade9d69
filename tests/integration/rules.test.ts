// The rules engine on a real store and pipeline: home events through the bridge's sink, debounce, dedupe, quiet hours, the loop guard and the policy.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src-main/core';
import { createAgent, type Agent } from '../../src-main/core/agent';
import { loadSettings } from '../../src-main/core/config';
import { inboundSink } from '../../src-main/core/integrations/daemon/bridge';
import { ManualClock } from '../../src-main/core/scheduler';
import type { RuleCreate } from '../../src-shared/contract/rules';
import { tempHome } from '../helpers/jarvis-process';

const booted: { core: Core; agent: Agent }[] = [];
afterEach(async () => {
  for (const { core, agent } of booted.splice(0)) {
    await agent.stop();
    core.close();
  }
});

// 2026-03-02 is a Monday; 23:30 UTC sits inside a 22:00–07:00 quiet window.
const NIGHT = Date.parse('2026-03-02T23:30:00Z');
const DAY = Date.parse('2026-03-02T12:00:00Z');

function boot(at = DAY) {
  const core = openCore(loadSettings({ env: { JARVIS_HOME: tempHome() } }), { heartbeat: false });
  const clock = new ManualClock(at);
  const agent = createAgent(core, { clock });
  booted.push({ core, agent });
  let seq = 0;
  const sink = inboundSink({ db: core.db, audit: core.audit, pipeline: agent.pipeline, onIngested: (e) => agent.rules.observe(e) });
  const state = (s: string) => ({ state: s, attributes: {}, last_changed: new Date(clock.now()).toISOString(), last_updated: new Date(clock.now()).toISOString() });
  /** One door event as the daemon delivers it: each has its own context (HA's), so the pipeline's dedupe lets it through. */
  const door = (to = 'on', entity = 'binary_sensor.front_door') => {
    seq++;
    sink([{ seq, kind: 'ha', entity_id: entity, event_type: 'state_changed', old_state: state('off'), new_state: state(to), context_id: `ctx-${seq}`, trace: null, dedupe_key: `ha:${entity}:ctx-${seq}`, received_at: new Date(clock.now()).toISOString() }]);
  };
  const rows = (type: string) => core.db.prepare('SELECT trace_id, subject, payload FROM audit_events WHERE type = ? ORDER BY id').all(type) as { trace_id: string; subject: string; payload: string }[];
  const payloads = (type: string) => rows(type).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  return { core, agent, clock, door, rows, payloads };
}

const rule = (over: Partial<RuleCreate> = {}): RuleCreate => ({
  name: 'door opens',
  enabled: true,
  trigger: { channel: 'ha', match: 'binary_sensor.front_door' },
  conditions: [{ op: 'eq', path: 'payload.new_state.state', value: 'on' }],
  actions: [{ type: 'emit', data: { light: 'hall' } }],
  debounce_ms: 0,
  dedupe_ms: 0,
  cooldown_ms: 0,
  quiet_hours: null,
  ...over,
});

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('rules engine', () => {
  it('a rule on an ha event emits a child event with parent_event_id, in the same trace', async () => {
    const { agent, core, door, rows } = boot();
    const r = agent.rules.create(rule(), 'test');
    door('off');
    expect(rows('rule.triggered')).toHaveLength(0);
    door('on');
    const [triggered] = rows('rule.triggered');
    expect(triggered?.subject).toBe(r.id);
    const child = core.db.prepare("SELECT id, trace_id, parent_event_id, payload FROM events WHERE channel = 'rule'").get() as { trace_id: string; parent_event_id: string; payload: string };
    const parent = core.db.prepare('SELECT id, trace_id FROM events WHERE id = ?').get(child.parent_event_id) as { id: string; trace_id: string };
    expect(parent.trace_id).toBe(child.trace_id);
    expect(triggered?.trace_id).toBe(child.trace_id);
    expect(JSON.parse(child.payload)).toMatchObject({ rule_id: r.id, data: { light: 'hall' } });
    await settle();
    expect(agent.rules.get(r.id)?.recent[0]).toMatchObject({ outcome: 'triggered', event_id: parent.id });
  });

  it('a tool action runs as a step of the child event, through the executor and the gate', async () => {
    const { agent, core, door, rows } = boot();
    agent.rules.create(rule({ actions: [{ type: 'tool', tool: 'echo', input: { text: 'hall light' } }] }), 'test');
    door('on');
    const child = core.db.prepare("SELECT id, trace_id FROM events WHERE channel = 'rule'").get() as { id: string; trace_id: string };
    let task: { id: string } | undefined;
    while (!task) {
      task = core.db.prepare('SELECT id FROM tasks WHERE event_id = ?').get(child.id) as { id: string } | undefined;
      await settle();
    }
    const done = await agent.engine.waitFor(task.id);
    expect(done.status).toBe('succeeded');
    const attempted = rows('tool_call.attempted').filter((r) => r.trace_id === child.trace_id);
    expect(attempted).toHaveLength(1);
    expect(rows('routing.decided').find((r) => r.trace_id === child.trace_id)?.payload).toContain('"lane":"rule"');
  });

  it('the same event 5 times in 1 s with a 10 s debounce: 1 triggered, 4 suppressed', () => {
    const { agent, clock, door, payloads } = boot();
    agent.rules.create(rule({ debounce_ms: 10_000 }), 'test');
    for (let i = 0; i < 5; i++) {
      door('on');
      clock.advance(200);
    }
    expect(payloads('rule.triggered')).toHaveLength(1);
    expect(payloads('rule.suppressed').map((p) => p.reason)).toEqual(['debounce', 'debounce', 'debounce', 'debounce']);
  });

  it('dedupe drops an identical event within its window; a disabled rule records why it did not fire', () => {
    const { agent, clock, door, payloads } = boot();
    const r = agent.rules.create(rule({ dedupe_ms: 60_000 }), 'test');
    door('on');
    clock.advance(1000);
    door('on');
    expect(payloads('rule.suppressed').map((p) => p.reason)).toEqual(['dedupe']);
    clock.advance(60_000);
    door('on');
    expect(payloads('rule.triggered')).toHaveLength(2);
    agent.rules.update(r.id, { enabled: false }, 'test');
    door('on');
    expect(payloads('rule.suppressed').map((p) => p.reason)).toEqual(['dedupe', 'disabled']);
  });

  it('quiet hours suppress, or defer to the end of the window', () => {
    const quiet = boot(NIGHT);
    quiet.agent.rules.create(rule({ quiet_hours: { start: '22:00', end: '07:00', timezone: 'UTC', days: [], policy: 'suppress' } }), 'test');
    quiet.door('on');
    expect(quiet.payloads('rule.suppressed').map((p) => p.reason)).toEqual(['quiet_hours']);
    expect(quiet.payloads('rule.triggered')).toHaveLength(0);

    const later = boot(NIGHT);
    later.agent.rules.create(rule({ quiet_hours: { start: '22:00', end: '07:00', timezone: 'UTC', days: [], policy: 'defer' } }), 'test');
    later.door('on');
    expect(later.payloads('rule.deferred')).toEqual([expect.objectContaining({ reason: 'quiet_hours', until: '2026-03-03T07:00:00.000Z' })]);
    later.clock.advance(7.5 * 3_600_000 - 60_000);
    expect(later.payloads('rule.triggered')).toHaveLength(0);
    later.clock.advance(60_000);
    expect(later.payloads('rule.triggered')).toEqual([expect.objectContaining({ deferred: true })]);
  });

  it('the loop guard stops a rule whose actions re-trigger it', async () => {
    const { agent, door, payloads } = boot();
    agent.rules.create(rule({ name: 'echo chamber', trigger: { channel: 'rule' }, conditions: [], actions: [{ type: 'emit', goal: 'again' }] }), 'test');
    agent.rules.create(rule({ name: 'starter' }), 'test');
    // The starter's child event wakes the echo rule, whose own children wake it again until the depth limit.
    door('on');
    for (let i = 0; i < 200 && payloads('rule.loop_stopped').length === 0; i++) await settle();
    const stopped = payloads('rule.loop_stopped');
    expect(stopped).toEqual([expect.objectContaining({ name: 'echo chamber', depth: 5 })]);
    expect(payloads('rule.triggered').map((p) => p.name)).toEqual(['starter', 'echo chamber', 'echo chamber', 'echo chamber', 'echo chamber']);
  });

  it('actions meet the gate at creation and at each firing; a refused action is audited and the next one runs', () => {
    const { agent, core, door, payloads } = boot();
    expect(() => agent.rules.create(rule({ actions: [{ type: 'tool', tool: 'no.such_tool', input: {} }] }), 'test')).toThrow(/actions\.0\.tool: no tool/);
    expect(() => agent.rules.create(rule({ actions: [{ type: 'tool', tool: 'echo', input: { nope: 1 } }] }), 'test')).toThrow(/actions\.0\.input/);
    expect(() => agent.rules.create(rule({ conditions: [{ op: 'regex', path: 'payload.entity_id', pattern: '(' }] }), 'test')).toThrow(/conditions\.0\.pattern/);
    agent.rules.create(rule({ actions: [{ type: 'tool', tool: 'echo', input: { text: 'hi' } }, { type: 'notify', text: 'door!' }] }), 'test');
    agent.safety.controls.setKillSwitch(true, 'test');
    door('on');
    expect(payloads('rule.action_refused')).toEqual([expect.objectContaining({ action: 0 })]);
    const replies = core.db.prepare("SELECT text FROM responses WHERE channel = 'rule'").all() as { text: string }[];
    expect(replies.map((r) => r.text)).toEqual(['door!']);
  });
});
