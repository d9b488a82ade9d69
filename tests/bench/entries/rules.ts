// Rules and scheduler bench: events/s matched against 1,000 rules beside 1 rule (same run), and CPU while 10,000 schedules sit idle.
import type { Core } from '../../../src-main/core';
import { openCore } from '../../../src-main/core';
import { createAgent, type Agent } from '../../../src-main/core/agent';
import { loadSettings } from '../../../src-main/core/config';
import type { MessageEvent } from '../../../src-shared/contract/events';
import { row, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const EVENTS = Number(process.env.BENCH_RULES_EVENTS ?? 2000);
const RULES = 1000;
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 10_000);
/** The idle window; the figure is 60 s, shorter only for quick runs. */
const IDLE_S = Number(process.env.BENCH_SCHEDULER_IDLE_S ?? 60);

function boot(ctx: BenchContext, prefix: string): { core: Core; agent: Agent } {
  const core = openCore(loadSettings({ env: { JARVIS_HOME: ctx.tempDir(prefix) } }), { heartbeat: false });
  return { core, agent: createAgent(core) };
}

/** Stores `count` home events (entity cycling over `entities`) and returns them, so only matching is timed. */
function storeEvents(agent: Agent, entities: number, count: number): MessageEvent[] {
  const out: MessageEvent[] = [];
  for (let i = 0; i < count; i++) {
    const ing = agent.pipeline.ingest({ channel: 'ha', payload: { entity_id: `sensor.s${i % entities}`, event_type: 'state_changed', new_state: { state: 'on' }, context_id: `c${i}` } });
    if (!ing.deduped) out.push(ing.event);
  }
  return out;
}

/** Events/s through RulesEngine.observe, each event firing exactly one rule (audit row, rule log, a notification). */
async function throughput(ctx: BenchContext, rules: number): Promise<number> {
  const { core, agent } = boot(ctx, `bench-rules-${rules}-`);
  try {
    core.audit.transaction(() => {
      for (let i = 0; i < rules; i++) {
        agent.rules.store.create(
          { name: `r${i}`, enabled: true, trigger: { channel: 'ha', match: `sensor.s${i}`, event_type: 'state_changed' }, conditions: [{ op: 'eq', path: 'payload.new_state.state', value: 'on' }], actions: [{ type: 'notify', text: `s${i} on` }], debounce_ms: 0, dedupe_ms: 0, cooldown_ms: 0, quiet_hours: null },
          'bench',
          () => undefined,
        );
      }
    });
    agent.rules.reload();
    const events = storeEvents(agent, rules, EVENTS + 100);
    for (const e of events.slice(0, 100)) agent.rules.observe(e);
    const start = process.hrtime.bigint();
    let fired = 0;
    for (const e of events.slice(100)) fired += agent.rules.observe(e).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (fired !== EVENTS) throw new Error(`expected ${EVENTS} firings, got ${fired}`);
    return EVENTS / seconds;
  } finally {
    await agent.stop();
    core.close();
  }
}

async function rulesBench(ctx: BenchContext): Promise<BenchRow[]> {
  ctx.log(`rules: ${EVENTS} events against 1 rule`);
  const one = await throughput(ctx, 1);
  ctx.log(`rules: ${EVENTS} events against ${RULES} rules`);
  const many = await throughput(ctx, RULES);
  ctx.note(`each event fires exactly one rule in both runs (one rule.triggered audit row, one rule_log row, one notification), so the difference is the matching: an index by channel and exact key.`);
  return [row(`events/s matched against ${RULES} rules`, many, 'events/s', { name: '1 rule', value: one, unit: 'events/s', what: `the same ${EVENTS} events against a single rule, same run` }, { of: 'ratio', op: '>=', target: 0.5 })];
}

/** Process CPU (user + system) as a percentage of wall time over a window in which nothing is due. */
async function idleCpu(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = process.cpuUsage(before);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  return ((used.user + used.system) / wallUs) * 100;
}

async function schedulerIdle(ctx: BenchContext): Promise<BenchRow[]> {
  const { core, agent } = boot(ctx, 'bench-sched-');
  try {
    const baselineS = Math.max(1, IDLE_S / 10);
    ctx.log(`scheduler: idle CPU with no schedules for ${baselineS} s`);
    const empty = await idleCpu(baselineS);
    ctx.log(`scheduler: creating ${SCHEDULES} schedules`);
    const crons = ['0 3 * * *', '30 4 * * 1-5', '15 2 1 * *', '0 0 1 1 *'];
    core.audit.transaction(() => {
      for (let i = 0; i < SCHEDULES; i++) {
        const timing = i % 2 === 0 ? { cron: crons[i % crons.length] ?? '0 3 * * *', timezone: 'UTC' } : { every_ms: 86_400_000 + i * 1000 };
        agent.scheduler.create({ name: `s${i}`, timing, payload: { kind: 'notify', text: `s${i}` }, missed_policy: 'skip', staleness_ms: null }, 'bench');
      }
    });
    ctx.log(`scheduler: idle CPU with ${SCHEDULES} schedules for ${IDLE_S} s`);
    const busy = await idleCpu(IDLE_S);
    ctx.note(`the scheduler arms one timer for the earliest due time; nothing polls. Baseline: the same agent with no schedules for ${baselineS} s. BENCH_SCHEDULER_IDLE_S shortens the window (default 60 s) for quick runs.`);
    return [row(`CPU while ${SCHEDULES} schedules sit idle (${IDLE_S} s)`, busy, '%', { name: 'no schedules', value: Math.max(empty, 0.001), unit: '%', what: `the same agent, no schedules, ${baselineS} s` }, { of: 'value', op: '<=', target: 1 })];
  } finally {
    await agent.stop();
    core.close();
  }
}

export const entries: BenchEntry[] = [
  { name: 'rules-match', title: `rules engine: events/s against ${RULES} rules vs 1 rule (index by trigger)`, run: rulesBench },
  { name: 'scheduler-idle', title: `scheduler: process CPU while ${SCHEDULES} schedules sit idle`, run: schedulerIdle },
];
