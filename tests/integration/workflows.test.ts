// Workflows and the engine in process on a real store: validation, references, retries with backoff, on_error, conditions, control, llm_decide.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src-main/core';
import { createAgent, type Agent } from '../../src-main/core/agent';
import { loadSettings } from '../../src-main/core/config';
import { IllegalTransitionError } from '../../src-main/core/tasks';
import { WorkflowInvalidError } from '../../src-main/core/workflows/store';
import { installEffectTools } from '../helpers/effect-tools';
import { tempHome } from '../helpers/jarvis-process';
import { ScriptedLlm } from '../helpers/scripted-llm';

let open: { core: Core; agent: Agent }[] = [];
afterEach(async () => {
  for (const { core, agent } of open) {
    await agent.stop();
    core.close();
  }
  open = [];
});

function boot(options: { llm?: ScriptedLlm; tools?: Record<string, string> } = {}) {
  const home = tempHome();
  for (const [name, code] of Object.entries(options.tools ?? {})) {
    const dir = path.join(home, 'tools', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ name, version: '1.0.0', description: name, input_schema: { type: 'object' }, output_schema: { type: 'object' }, risk: 'low', runner: { type: 'process', entry: 'index.js' } }),
    );
    fs.writeFileSync(path.join(dir, 'index.js'), code);
  }
  const core = openCore(loadSettings({ env: { JARVIS_HOME: home } }), { heartbeat: false });
  const agent = createAgent(core, options.llm ? { llm: options.llm } : {});
  open.push({ core, agent });
  return { core, agent };
}

async function runWorkflow(agent: Agent, def: unknown, input: unknown = {}) {
  const wf = agent.workflows.create(def, 'test');
  const task = agent.workflows.run(wf, agent.tasks, input, 'test');
  agent.engine.kick();
  return agent.engine.waitFor(task.task_id);
}

const types = (core: Core, traceId: string) => core.audit.byTrace(traceId).map((e) => e.type);

describe('workflow definitions', () => {
  it('reports every problem at once: unknown tool, dangling reference, cycle', () => {
    const { agent } = boot();
    let error: unknown;
    try {
      agent.workflows.create(
        {
          name: 'broken',
          steps: [
            { id: 'a', tool: 'no_such_tool', input: {} },
            { id: 'b', tool: 'echo', input: { text: { from_step: 'zz', path: 'text' } } },
            { id: 'c', tool: 'echo', input: { text: 'x' }, depends_on: ['d'] },
            { id: 'd', tool: 'echo', input: { text: 'y' }, depends_on: ['c'] },
          ],
        },
        'test',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkflowInvalidError);
    const messages = (error as WorkflowInvalidError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(messages).toMatch(/no_such_tool/);
    expect(messages).toMatch(/zz/);
    expect(messages).toMatch(/c → d → c|d → c → d/);
  });
});

describe('running workflows', () => {
  it('passes earlier outputs to later steps and replies with a summary', async () => {
    const { agent } = boot();
    const done = await runWorkflow(agent, {
      name: 'chain',
      steps: [
        { id: 's1', tool: 'echo', input: { text: { from_input: 'greeting' } } },
        { id: 's2', tool: 'echo', input: { text: { from_step: 's1', path: 'text' } } },
      ],
    }, { greeting: 'hello' });
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((s) => s.output)).toEqual([{ text: 'hello' }, { text: 'hello' }]);
    expect(done.reply).toMatch(/Workflow "chain" finished: 2 of 2/);
  });

  it('skips a step whose condition is false', async () => {
    const { agent } = boot();
    const done = await runWorkflow(agent, {
      name: 'conditional',
      steps: [
        { id: 's1', tool: 'echo', input: { text: 'no' } },
        { id: 's2', tool: 'echo', input: { text: 'ran' }, when: { from_step: 's1', path: 'text', op: 'eq', value: 'yes' } },
      ],
    });
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'skipped']);
  });

  const failing = { flaky: "exports.run = () => { throw new Error('the service is down'); };" };

  it('retries a failing tool with backoff visible in the audit, then fails with the reason', async () => {
    const { core, agent } = boot({ tools: failing });
    const done = await runWorkflow(agent, {
      name: 'retrying',
      retry_policy: { max_attempts: 3, backoff: { initial_ms: 50, multiplier: 2, max_ms: 1000, jitter: false } },
      steps: [{ id: 's1', tool: 'flaky', input: {} }],
    });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ kind: 'tool_error', message: expect.stringMatching(/the service is down/) });
    expect(done.steps[0]?.attempts).toBe(3);
    const retries = core.audit.byTrace(done.trace_id).filter((e) => e.type === 'task.step_retry_scheduled');
    expect(retries.map((e) => [e.payload.attempt, e.payload.delay_ms])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    expect(types(core, done.trace_id)).toContain('task.step_failed');
  });

  it('when attempts run out, on_error goto runs the fallback step and the workflow continues', async () => {
    const { agent } = boot({ tools: failing });
    const done = await runWorkflow(agent, {
      name: 'with-fallback',
      steps: [
        { id: 's1', tool: 'flaky', input: {}, on_error: { action: 'goto', step: 'rescue' } },
        { id: 's2', tool: 'echo', input: { text: 'after' } },
        { id: 'rescue', tool: 'echo', input: { text: 'rescued' }, fallback: true },
      ],
    });
    expect(done.status).toBe('succeeded');
    const byId = Object.fromEntries(done.steps.map((s) => [s.id, s.status]));
    expect(byId).toEqual({ s1: 'failed', s2: 'succeeded', rescue: 'succeeded' });
  });

  it('on_error alert notifies the person and carries on', async () => {
    const { core, agent } = boot({ tools: failing });
    const done = await runWorkflow(agent, { name: 'alerting', steps: [{ id: 's1', tool: 'flaky', input: {}, on_error: { action: 'alert', message: 'flaky is down' } }, { id: 's2', tool: 'echo', input: { text: 'ok' } }] });
    expect(done.status).toBe('succeeded');
    const replies = core.db.prepare('SELECT text FROM responses WHERE trace_id = ?').pluck().all(done.trace_id);
    expect(replies).toContain('flaky is down');
  });

  it('a step referencing a tool disabled since creation fails with a clear reason instead of crashing the engine', async () => {
    const home = tempHome();
    installEffectTools(home, tempHome('jarvis-effects-'));
    const core = openCore(loadSettings({ env: { JARVIS_HOME: home } }), { heartbeat: false });
    const agent = createAgent(core);
    open.push({ core, agent });
    agent.registry.setEnabled('effect_once', true, 'test');
    const wf = agent.workflows.create({ name: 'gone', steps: [{ id: 's1', tool: 'effect_once', input: { file: '/tmp/x', line: 'x' } }] }, 'test');
    agent.registry.setEnabled('effect_once', false, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'test');
    agent.engine.kick();
    const done = await agent.engine.waitFor(task.task_id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ kind: 'disabled', message: expect.stringMatching(/"effect_once" is disabled: disabled by a person/) });
    // The engine still runs other work afterwards.
    expect((await runWorkflow(agent, { name: 'after', steps: [{ id: 's1', tool: 'echo', input: { text: 'fine' } }] })).status).toBe('succeeded');
  });
});

describe('task control and the state machine', () => {
  it('cancel, pause and resume answer with the state; illegal moves are refused by the database', async () => {
    const { core, agent } = boot();
    const ingested = agent.pipeline.ingest({ channel: 'api', payload: { text: 'echo hi' } });
    if (ingested.deduped) throw new Error('deduped');
    const { task } = await agent.pipeline.route(ingested, { start: false });
    if (!task) throw new Error('no task');
    expect(() => agent.engine.resume(task.task_id, 'test')).toThrow(/is planned; it cannot be resumed/);
    expect(agent.engine.cancel(task.task_id, 'test').status).toBe('cancelled');
    expect(() => agent.engine.cancel(task.task_id, 'test')).toThrow(/is cancelled; it cannot be cancelled/);
    expect(() => agent.tasks.setStatus(task.task_id, 'running')).toThrow(IllegalTransitionError);
    expect(() => core.db.prepare("UPDATE tasks SET status = 'succeeded' WHERE id = ?").run(task.task_id)).toThrow(/illegal task state transition/);
    expect(agent.tasks.view(task.task_id).status).toBe('cancelled');
  });
});

describe('the LLM lane', () => {
  it('an unrecognised input routed to llm_plan creates a task whose llm_decide step calls a tool through the executor', async () => {
    const llm = new ScriptedLlm([
      { action: 'call', tool: 'echo', input: { text: 'looked it up' } },
      { action: 'complete', reply: 'Here is what I found: looked it up' },
    ]);
    const { core, agent } = boot({ llm });
    const sent = agent.submit({ channel: 'api', payload: { text: 'what is the weather like on mars' } });
    if (sent.deduped) throw new Error('deduped');
    const outcome = await sent.done;
    expect(outcome).toMatchObject({ status: 'done', reply: 'Here is what I found: looked it up' });
    const trail = types(core, sent.trace_id);
    expect(trail.slice(0, 2)).toEqual(['event.ingested', 'routing.decided']);
    expect(trail).toEqual(expect.arrayContaining(['llm.step_decided', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent']));
    expect(trail.indexOf('llm.step_decided')).toBeLessThan(trail.indexOf('tool_call.attempted'));
    expect(llm.requests[1]?.outputs).toEqual({ 's1.1': { text: 'looked it up' } });
    const task = agent.tasks.view(outcome?.task_id ?? '');
    expect(task.kind).toBe('llm');
    expect(task.steps.map((s) => s.id)).toEqual(['s1.1', 's1']);
  });

  it('a tool the model invents fails the turn with the reason audited', async () => {
    const { core, agent } = boot({ llm: new ScriptedLlm([{ action: 'call', tool: 'launch_rockets', input: {} }]) });
    const sent = agent.submit({ channel: 'api', payload: { text: 'do something odd' } });
    if (sent.deduped) throw new Error('deduped');
    const outcome = await sent.done;
    expect(outcome?.status).toBe('failed');
    const failed = core.audit.byTrace(sent.trace_id).find((e) => e.type === 'task.step_failed');
    expect(failed?.payload).toMatchObject({ reason: 'unknown_tool', message: expect.stringMatching(/not offered: "launch_rockets"/) });
  });
});
