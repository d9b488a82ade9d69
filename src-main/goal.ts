// `jarvis goal "…"`: plan a goal, print the plan, run it and print the reply — through the running Jarvis, or in this process.
import fs from 'node:fs';
import { openCore } from './core';
import { createAgent } from './core/agent';
import type { Settings } from './core/config';
import type { Plan, TaskStatusView } from '../src-shared/contract';
import { tokenFile } from './api/credentials';

export interface GoalResult {
  plan: Plan;
  task: TaskStatusView;
}

type Print = (line: string) => void;

function printPlan(plan: Plan, print: Print): void {
  print(`Plan (task ${plan.task_id.slice(0, 8)}, intent ${plan.intent ?? 'none'}, trace ${plan.trace_id}):`);
  for (const s of plan.steps) print(`  ${s.id}  ${s.action}  ${JSON.stringify(s.input)}  risk ${s.risk}${s.requires_approval ? '  needs approval' : ''}`);
}

class Unhandled extends Error {}

async function viaApi(settings: Settings, goal: string, print: Print): Promise<GoalResult | null> {
  const base = `http://127.0.0.1:${settings.port}`;
  const alive = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!alive || !fs.existsSync(tokenFile(settings.home))) return null;
  const headers = { authorization: `Bearer ${fs.readFileSync(tokenFile(settings.home), 'utf8').trim()}`, 'content-type': 'application/json' };
  const planned = await fetch(`${base}/v1/agent/plan`, { method: 'POST', headers, body: JSON.stringify({ goal }) });
  const planBody = (await planned.json()) as Plan & { error?: { message: string } };
  if (!planned.ok) throw planned.status === 422 ? new Unhandled(planBody.error?.message) : new Error(planBody.error?.message ?? `HTTP ${planned.status}`);
  printPlan(planBody, print);
  const ran = await fetch(`${base}/v1/agent/execute`, { method: 'POST', headers, body: JSON.stringify({ task_id: planBody.task_id, wait: true }) });
  const task = (await ran.json()) as TaskStatusView & { error?: { message: string } };
  if (!ran.ok) throw new Error(task.error?.message ?? `HTTP ${ran.status}`);
  return { plan: planBody, task };
}

async function inProcess(settings: Settings, goal: string, print: Print): Promise<GoalResult> {
  const core = openCore(settings, { heartbeat: false });
  const agent = createAgent(core);
  try {
    const ingested = agent.pipeline.ingest({ channel: 'api', payload: { text: goal }, actor: 'cli' });
    if (ingested.deduped) throw new Error('unexpected duplicate');
    const { task } = await agent.pipeline.route(ingested, { start: false, actor: 'cli' });
    if (!task) throw new Unhandled(`No plan for "${goal}": nothing understood it. Try: ${agent.router.examples().join('; ')}.`);
    const plan: Plan = { task_id: task.task_id, trace_id: task.trace_id, intent: task.intent, steps: task.steps.map(({ id, action, input, requires_approval, risk }) => ({ id, action, input, requires_approval, risk })) };
    printPlan(plan, print);
    agent.engine.enqueue(task.task_id);
    return { plan, task: await agent.engine.waitFor(task.task_id) };
  } finally {
    await agent.stop();
    core.close();
  }
}

/** Returns the process exit code: 0 succeeded, 1 failed, 3 nothing understood the goal. */
export async function runGoal(settings: Settings, goal: string, print: Print = console.log, note: Print = console.error): Promise<number> {
  try {
    let result = await viaApi(settings, goal, print);
    if (!result) {
      note(`(Jarvis is not running on 127.0.0.1:${settings.port}; running the goal in this process.)`);
      result = await inProcess(settings, goal, print);
    }
    print(`${result.task.status === 'succeeded' ? 'Reply' : `Task ${result.task.status}`}: ${result.task.reply ?? ''}`);
    return result.task.status === 'succeeded' ? 0 : 1;
  } catch (err) {
    if (err instanceof Unhandled) {
      note(err.message);
      return 3;
    }
    throw err;
  }
}
