// The policy engine on a real store: approvals, grants with an injected clock, the kill switch, unattended runs, rules, anomalies.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src-main/core';
import { createAgent, type Agent } from '../../src-main/core/agent';
import { loadSettings } from '../../src-main/core/config';
import { effects, installEffectTools } from '../helpers/effect-tools';
import { tempHome } from '../helpers/jarvis-process';

let server: http.Server;
let otherServer: http.Server;
let hostA: string;
let hostB: string;

beforeAll(async () => {
  const listen = async (s: http.Server) => {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  server = http.createServer((_q, r) => r.end('a'));
  otherServer = http.createServer((_q, r) => r.end('b'));
  hostA = await listen(server);
  hostB = await listen(otherServer);
});
afterAll(() => {
  server.close();
  otherServer.close();
});

let booted: { core: Core; agent: Agent }[] = [];
afterEach(async () => {
  for (const b of booted) {
    await b.agent.stop();
    b.core.close();
  }
  booted = [];
});

function boot(opts: { home?: string; clock?: { t: number } } = {}) {
  const home = opts.home ?? tempHome();
  const core = openCore(loadSettings({ env: { JARVIS_HOME: home, JARVIS_HTTP_ALLOWLIST: `${hostA},${hostB}` } }), { heartbeat: false });
  const clock = opts.clock;
  const agent = createAgent(core, clock ? { now: () => clock.t } : {});
  booted.push({ core, agent });
  return { core, agent, home };
}

const owner = { actor: 'person:owner', role: 'owner' as const };
const types = (core: Core, trace: string) => core.audit.byTrace(trace).map((e) => e.type);

async function ask(agent: Agent, text: string, channel: 'api' | 'schedule' = 'api') {
  const sent = agent.submit(channel === 'api' ? { channel, payload: { text }, actor: 'person:owner' } : { channel, payload: { schedule_id: 'daily', goal: text } });
  if (sent.deduped) throw new Error('deduped');
  const outcome = await sent.done;
  if (!outcome) throw new Error('no outcome');
  return outcome;
}

describe('approvals', () => {
  function withMediumTool() {
    const home = tempHome();
    const dir = path.join(home, 'tools', 'notify_team');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ name: 'notify_team', version: '1.0.0', description: 'tells the team', input_schema: { type: 'object' }, output_schema: { type: 'object' }, risk: 'medium', runner: { type: 'process', entry: 'index.js' } }),
    );
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.run = (input) => ({ sent: input.text });');
    return boot({ home });
  }

  async function runOne(agent: Agent) {
    const wf = agent.workflows.create({ name: `notify-${Math.random().toString(36).slice(2, 8)}`, steps: [{ id: 's1', tool: 'notify_team', input: { text: 'hi' } }] }, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'person:owner');
    agent.engine.kick();
    return agent.engine.waitFor(task.task_id);
  }

  it('at A1 a medium-risk call waits for approval without running; approving runs it in the same trace', async () => {
    const { core, agent } = withMediumTool();
    agent.safety.controls.setAutonomy('A1', 'test');
    const waiting = await runOne(agent);
    expect(waiting.status).toBe('waiting_approval');
    expect(core.db.prepare("SELECT COUNT(*) FROM tool_calls WHERE tool = 'notify_team'").pluck().get()).toBe(0);
    expect(types(core, waiting.trace_id)).toContain('gate.required');
    const [approval] = agent.safety.approvals.list('pending', 10);
    expect(approval).toMatchObject({ tool: 'notify_team', risk: 'medium', requested_by: 'person', input: { text: 'hi' }, task_id: waiting.task_id, cell: 'A1×medium' });
    expect(Date.parse(approval?.expires_at ?? '') - Date.parse(approval?.created_at ?? '')).toBe(10 * 60_000);

    agent.safety.approve(approval?.id ?? '', owner);
    const done = await agent.engine.waitFor(waiting.task_id);
    expect(done.status).toBe('succeeded');
    const trail = types(core, waiting.trace_id);
    expect(trail).toEqual(expect.arrayContaining(['gate.required', 'gate.approved', 'tool_call.succeeded', 'response.sent']));
    expect(trail.indexOf('gate.approved')).toBeLessThan(trail.indexOf('tool_call.succeeded'));
    expect(agent.safety.approvals.get(approval?.id ?? '')?.status).toBe('consumed');
  });

  it('denying runs nothing and records gate.rejected; deciding again is refused with the state', async () => {
    const { core, agent } = withMediumTool();
    agent.safety.controls.setAutonomy('A1', 'test');
    const waiting = await runOne(agent);
    const [approval] = agent.safety.approvals.list('pending', 10);
    agent.safety.deny(approval?.id ?? '', owner);
    const done = await agent.engine.waitFor(waiting.task_id);
    expect(done.status).toBe('failed');
    expect(done.reply).toMatch(/denied by person:owner/);
    expect(types(core, waiting.trace_id)).toContain('gate.rejected');
    expect(core.db.prepare("SELECT COUNT(*) FROM tool_calls WHERE tool = 'notify_team'").pluck().get()).toBe(0);
    expect(() => agent.safety.approve(approval?.id ?? '', owner)).toThrow(/is denied; it can no longer be decided/);
  });

  it('an approval nobody decides expires after 10 minutes (injected clock) and its task fails', async () => {
    const clock = { t: Date.now() };
    const home = tempHome();
    const { agent, core } = boot({ home, clock });
    agent.safety.controls.setAutonomy('A1', 'test');
    const outcome = await ask(agent, `fetch http://${hostA}/x`);
    expect(outcome.status).toBe('waiting');
    clock.t += 10 * 60_000 + 1;
    expect(agent.safety.expireDue()).toBe(1);
    const done = await agent.engine.waitFor(outcome.task_id ?? '');
    expect(done.status).toBe('failed');
    expect(types(core, outcome.trace_id)).toContain('approval.expired');
  });

  it('a critical action: only an owner approves it, and never with a grant', async () => {
    const home = tempHome();
    const dir = path.join(home, 'tools', 'unlock_door');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'unlock_door', version: '1.0.0', description: 'unlocks', input_schema: { type: 'object' }, output_schema: { type: 'object' }, risk: 'critical', runner: { type: 'process', entry: 'index.js' } }));
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.run = () => ({ unlocked: true });');
    const { agent } = boot({ home });
    agent.safety.controls.setAutonomy('A4', 'test');
    const wf = agent.workflows.create({ name: 'door', steps: [{ id: 's1', tool: 'unlock_door', input: {} }] }, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'person:owner');
    agent.engine.kick();
    expect((await agent.engine.waitFor(task.task_id)).status).toBe('waiting_approval');
    const [approval] = agent.safety.approvals.list('pending', 10);
    expect(approval).toMatchObject({ risk: 'critical', cell: 'A4×critical' });
    expect(() => agent.safety.approve(approval?.id ?? '', { actor: 'person:member', role: 'member' })).toThrow(/only an owner approves critical actions/);
    expect(() => agent.safety.approve(approval?.id ?? '', owner, { kind: 'same_arguments', minutes: 5 })).toThrow(/never cover critical/);
    agent.safety.approve(approval?.id ?? '', owner);
    expect((await agent.engine.waitFor(task.task_id)).status).toBe('succeeded');
  });

  it('a member cannot approve a high-risk action', async () => {
    const { agent } = boot();
    agent.safety.controls.setAutonomy('A1', 'test');
    await ask(agent, 'move ~/Downloads/a.pdf to /tmp/elsewhere.pdf');
    const [approval] = agent.safety.approvals.list('pending', 10);
    expect(approval?.risk).toBe('high');
    expect(approval?.reasons.join(' ')).toMatch(/out of Downloads/);
    expect(approval?.preview).toMatchObject({ from: '~/Downloads/a.pdf', to: '/tmp/elsewhere.pdf', overwrite: false });
    expect(() => agent.safety.approve(approval?.id ?? '', { actor: 'person:member', role: 'member' })).toThrow(/member cannot approve a high-risk action/);
  });
});

describe('autonomy levels', () => {
  it('at A2 a low-risk fast-lane action runs at once and its reply is sent', async () => {
    const { core, agent } = boot();
    expect(agent.safety.controls.autonomy()).toBe('A2');
    const outcome = await ask(agent, 'set a timer for 2 minutes');
    expect(outcome).toMatchObject({ status: 'done', reply: expect.stringMatching(/Timer set for 2 minute/) });
    const attempted = core.audit.byTrace(outcome.trace_id).find((e) => e.type === 'tool_call.attempted');
    expect(attempted?.payload).toMatchObject({ gate: { decision: 'allow', cell: 'A2×low' } });
    expect(types(core, outcome.trace_id).at(-1)).toBe('response.sent');
  });

  it('at A0 nothing runs, and the change of level is on the record with its history', async () => {
    const { core, agent } = boot();
    agent.safety.controls.setAutonomy('A0', 'person:owner', 'going on holiday');
    const outcome = await ask(agent, 'echo hi');
    expect(outcome.status).toBe('failed');
    expect(types(core, outcome.trace_id)).toContain('gate.denied');
    expect(agent.safety.controls.view().autonomy_history[0]).toMatchObject({ level: 'A0', reason: 'going on holiday' });
  });

  it('"set autonomy to A3" through the fastpath needs an owner', async () => {
    const { agent } = boot();
    expect((await ask(agent, 'set autonomy to A3')).reply).toBe('Autonomy is now A3 (was A2).');
    const sent = agent.submit({ channel: 'api', payload: { text: 'set autonomy to A4' }, actor: 'person:member' });
    if (sent.deduped) throw new Error('deduped');
    expect((await sent.done)?.reply).toMatch(/only an owner may change the autonomy level/);
    expect(agent.safety.controls.autonomy()).toBe('A3');
  });
});

describe('grants', () => {
  it('a grant for GET to one host lets a matching call run, another host still asks, and it lapses after 5 minutes', async () => {
    const clock = { t: Date.now() };
    const { core, agent } = boot({ clock });
    agent.safety.controls.setAutonomy('A1', 'test');
    const first = await ask(agent, `fetch http://${hostA}/one`);
    expect(first.status).toBe('waiting');
    const [approval] = agent.safety.approvals.list('pending', 10);
    agent.safety.approve(approval?.id ?? '', owner, { kind: 'same_host', minutes: 5 });
    expect((await agent.engine.waitFor(first.task_id ?? '')).status).toBe('succeeded');
    const [grant] = agent.safety.grants.list();
    expect(grant?.description).toMatch(new RegExp(`host = ${hostA.replace('.', '\\.')}`));

    const second = await ask(agent, `fetch http://${hostA}/two`);
    expect(second.status).toBe('done');
    const cell = core.audit.byTrace(second.trace_id).find((e) => e.type === 'tool_call.attempted')?.payload.gate;
    expect(cell).toMatchObject({ cell: `grant:${grant?.id}` });

    expect((await ask(agent, `fetch http://${hostB}/other`)).status).toBe('waiting');

    clock.t += 5 * 60_000;
    expect((await ask(agent, `fetch http://${hostA}/three`)).status).toBe('waiting');
  });

  it('a revoked grant no longer covers anything', async () => {
    const { agent } = boot();
    agent.safety.controls.setAutonomy('A1', 'test');
    const first = await ask(agent, `fetch http://${hostA}/one`);
    const [approval] = agent.safety.approvals.list('pending', 10);
    agent.safety.approve(approval?.id ?? '', owner, { kind: 'same_host', minutes: 30 });
    await agent.engine.waitFor(first.task_id ?? '');
    const [grant] = agent.safety.grants.list();
    expect(agent.safety.revokeGrant(grant?.id ?? '', 'person:owner')).toBe(true);
    expect((await ask(agent, `fetch http://${hostA}/again`)).status).toBe('waiting');
  });
});

describe('kill switch', () => {
  it('pauses a running 3-step task after its current step; off, it finishes', async () => {
    const home = tempHome();
    const out = tempHome('jarvis-effects-');
    installEffectTools(home, out);
    const { agent } = boot({ home });
    agent.registry.setEnabled('effect_once', true, 'test');
    const file = path.join(out, 'effects.txt');
    const hold = path.join(out, 'hold');
    const wf = agent.workflows.create({ name: 'three', steps: ['s1', 's2', 's3'].map((id) => ({ id, tool: 'effect_once', input: { file, line: id, ...(id === 's2' ? { hold_file: hold } : {}) } })) }, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'person:owner');
    agent.engine.kick();
    while (!effects(file).includes('s2')) await new Promise((r) => setTimeout(r, 20));
    agent.safety.setKillSwitch(true, 'person:owner');
    fs.writeFileSync(hold, '');
    const paused = await agent.engine.waitFor(task.task_id);
    expect(paused.status).toBe('paused');
    expect(paused.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'pending']);
    expect(effects(file)).toEqual(['s1', 's2']);
    agent.safety.setKillSwitch(false, 'person:owner');
    expect((await agent.engine.waitFor(task.task_id)).status).toBe('succeeded');
    expect(effects(file)).toEqual(['s1', 's2', 's3']);
  });

  it('stays on across a restart, refuses new work, and freezes approvals', async () => {
    const home = tempHome();
    const first = boot({ home });
    first.agent.safety.controls.setAutonomy('A1', 'test');
    await ask(first.agent, `fetch http://${hostA}/x`);
    first.agent.safety.setKillSwitch(true, 'person:owner');
    await first.agent.stop();
    first.core.close();
    booted = booted.filter((b) => b !== first);
    const { agent } = boot({ home });
    expect(agent.safety.controls.killSwitch().on).toBe(true);
    const [approval] = agent.safety.approvals.list('pending', 10);
    expect(() => agent.safety.approve(approval?.id ?? '', owner)).toThrow(/approvals are frozen/);
    const outcome = agent.submit({ channel: 'api', payload: { text: 'echo blocked' }, actor: 'person:owner' });
    if (outcome.deduped) throw new Error('deduped');
    await new Promise((r) => setTimeout(r, 100));
    const task = agent.tasks.list(undefined, 1)[0];
    expect(task?.status).toBe('pending');
  });
});

describe('unattended runs and rules', () => {
  it('a scheduled run that needs approval leaves a queued approval and a waiting task, not a failure', async () => {
    const { agent } = boot();
    agent.safety.controls.setAutonomy('A1', 'test');
    const outcome = await ask(agent, `fetch http://${hostA}/briefing`, 'schedule');
    expect(outcome.status).toBe('waiting');
    expect(agent.tasks.view(outcome.task_id ?? '').status).toBe('waiting_approval');
    expect(agent.safety.approvals.list('pending', 10)[0]).toMatchObject({ requested_by: 'schedule', tool: 'http_request' });
  });

  it('deny lists and rate limits block with safety.blocked naming the rule', async () => {
    const { core, agent } = boot();
    agent.safety.controls.setPolicy({ deny_tools: ['timer.set'], rate_limits: { echo: 2 } }, 'person:owner');
    const denied = await ask(agent, 'set a timer for 1 minute');
    expect(denied.status).toBe('failed');
    expect(core.audit.byTrace(denied.trace_id).find((e) => e.type === 'safety.blocked')?.payload).toMatchObject({ rule: expect.stringMatching(/deny_tools/) });
    expect((await ask(agent, 'echo 1')).status).toBe('done');
    expect((await ask(agent, 'echo 2')).status).toBe('done');
    const third = await ask(agent, 'echo 3');
    expect(third.status).toBe('failed');
    expect(core.audit.byTrace(third.trace_id).find((e) => e.type === 'safety.blocked')?.payload).toMatchObject({ rule: expect.stringMatching(/rate_limits/) });
  });

  it('repeated denials from one source pause it and raise an alert', async () => {
    const { core, agent } = boot();
    agent.safety.controls.setAutonomy('A0', 'test');
    for (let i = 0; i < 5; i++) await ask(agent, `echo ${i}`, 'schedule');
    expect(agent.safety.controls.pausedSources()).toContain('schedule');
    expect(core.audit.list({ type: 'safety.anomaly', limit: 10 })[0]?.payload).toMatchObject({ kind: 'repeated_denials', source: 'schedule' });
  });
});
