// The scheduler on a real store with a manual clock: interval firings, cron preview, pause, and catch-up per policy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../index';
import { createAgent, type Agent } from '../agent';
import { loadSettings } from '../config';
import { ManualClock } from './clock';
import { phraseToTiming } from './phrases';

const booted: { core: Core; agent: Agent }[] = [];
async function shutdown() {
  for (const { core, agent } of booted.splice(0)) {
    await agent.stop();
    core.close();
  }
}
afterEach(shutdown);

/** A real agent on a real store whose scheduler reads the manual clock; firings are read back from the audit trail. */
function rig(clock: ManualClock, home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-sched-'))) {
  const core = openCore(loadSettings({ env: { JARVIS_HOME: home } }), { heartbeat: false });
  const agent = createAgent(core, { clock });
  booted.push({ core, agent });
  const types = (t: string) => (core.db.prepare('SELECT payload FROM audit_events WHERE type = ? ORDER BY id').all(t) as { payload: string }[]).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  const fired = { get length() { return types('schedule.fired').length; } };
  return { core, s: agent.scheduler, fired, types, home };
}

const T0 = Date.parse('2026-03-02T06:00:00Z');

describe('scheduler', () => {
  it('fires a 30-second interval schedule every 30 s, one timer at a time', () => {
    const clock = new ManualClock(T0);
    const { s, fired, types } = rig(clock);
    const v = s.create({ name: 'tick', timing: { every_ms: 30_000 }, payload: { kind: 'notify', text: 'hi' }, missed_policy: 'skip', staleness_ms: null }, 'test');
    expect(v.next_runs).toEqual([1, 2, 3, 4, 5].map((k) => new Date(T0 + k * 30_000).toISOString()));
    clock.advance(29_999);
    expect(fired).toHaveLength(0);
    clock.advance(1);
    expect(fired).toHaveLength(1);
    clock.advance(60_000);
    expect(fired).toHaveLength(3);
    expect(types('schedule.fired').map((p) => p.scheduled_for)).toEqual([1, 2, 3].map((k) => new Date(T0 + k * 30_000).toISOString()));
    expect(types('schedule.missed')).toHaveLength(0);
    s.update(v.id, { status: 'paused' }, 'test');
    clock.advance(120_000);
    expect(fired).toHaveLength(3);
  });

  it('refuses an invalid cron naming the field, and previews five weekday runs', () => {
    const clock = new ManualClock(T0);
    const { s } = rig(clock);
    expect(() => s.create({ name: 'x', timing: { cron: '61 * * * *' }, payload: { kind: 'notify', text: 'x' }, missed_policy: 'skip', staleness_ms: null }, 't')).toThrow(/timing\.cron/);
    expect(() => s.create({ name: 'x', timing: { cron: '0 8 * * *', timezone: 'Mars/Base' }, payload: { kind: 'notify', text: 'x' }, missed_policy: 'skip', staleness_ms: null }, 't')).toThrow(/timing\.timezone/);
    const v = s.preview({ name: 'brief', timing: phraseToTiming('weekday', '8am', 'Europe/Paris'), payload: { kind: 'goal', goal: 'brief me' }, missed_policy: 'run_once', staleness_ms: 3_600_000 });
    // 2026-03-02 is a Monday; 8:00 in Paris is 7:00 UTC in winter.
    expect(v.next_runs).toEqual(['2026-03-02T07:00:00.000Z', '2026-03-03T07:00:00.000Z', '2026-03-04T07:00:00.000Z', '2026-03-05T07:00:00.000Z', '2026-03-06T07:00:00.000Z']);
  });

  it('a workflow payload starts the workflow; a vanished workflow is audited and the schedule goes on', async () => {
    const clock = new ManualClock(T0);
    const { s, core, types } = rig(clock);
    const agent = booted.at(-1)?.agent;
    const wf = agent?.workflows.create({ name: 'hello', steps: [{ id: 's1', tool: 'echo', input: { text: 'hi' } }] }, 'test');
    s.create({ name: 'wf', timing: { every_ms: 60_000 }, payload: { kind: 'workflow', workflow_id: wf?.id ?? '' }, missed_policy: 'skip', staleness_ms: null }, 'test');
    s.create({ name: 'gone', timing: { every_ms: 60_000 }, payload: { kind: 'workflow', workflow_id: 'missing' }, missed_policy: 'skip', staleness_ms: null }, 'test');
    clock.advance(60_000);
    const started = types('workflow.run_started');
    expect(started).toEqual([expect.objectContaining({ workflow_id: wf?.id })]);
    expect(types('schedule.action_failed')).toEqual([expect.objectContaining({ message: expect.stringContaining('missing') })]);
    clock.advance(60_000);
    expect(types('schedule.fired')).toHaveLength(4);
    expect((core.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE kind = 'workflow'").get() as { n: number }).n).toBe(2);
  });

  it.each([
    ['skip', 0],
    ['run_once', 1],
    ['run_all', 4],
  ] as const)('catches up with %s after a long stop', async (policy, runs) => {
    const clock = new ManualClock(T0);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-sched-'));
    const first = rig(clock, home);
    first.s.create({ name: 'p', timing: { every_ms: 30_000 }, payload: { kind: 'notify', text: 'x' }, missed_policy: policy, staleness_ms: null }, 't');
    await shutdown();
    const later = new ManualClock(T0 + 125_000);
    const second = rig(later, home);
    expect(second.fired).toHaveLength(runs);
    expect(second.types('schedule.missed')[0]).toMatchObject({ missed: 4, policy, will_run: runs });
    expect(second.types('schedule.caught_up')[0]).toMatchObject({ ran: runs, next_run_at: new Date(T0 + 150_000).toISOString() });
  });
});
