// Every task status change reaches the live stream's progress listeners after it commits, however it came about.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../index';
import { createAgent, type Agent } from '../agent';
import { loadSettings } from '../config';
import type { TaskProgress } from '../../../src-shared/contract/agent';

let open: { core: Core; agent: Agent }[] = [];
afterEach(async () => {
  for (const { core, agent } of open) {
    await agent.stop();
    core.close();
  }
  open = [];
});

function boot() {
  const core = openCore(loadSettings({ env: { JARVIS_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-progress-')) } }), { heartbeat: false });
  const agent = createAgent(core);
  open.push({ core, agent });
  const heard: TaskProgress[] = [];
  agent.onProgress((p) => heard.push(p));
  return { core, agent, heard };
}

const taskMessages = (heard: TaskProgress[], id: string) => heard.filter((p) => p.task_id === id && p.step_id === null);

describe('task progress', () => {
  it('reports the final state, which the step loop alone never did', async () => {
    const { agent, heard } = boot();
    const sent = agent.submit({ channel: 'api', payload: { text: 'echo hi' } });
    if (sent.deduped) throw new Error('unexpected dedupe');
    const outcome = await sent.done;
    const id = outcome.task_id ?? '';
    await Promise.resolve();
    const statuses = taskMessages(heard, id).map((p) => p.status);
    expect(statuses.at(-1)).toBe('succeeded');
    expect(statuses).toContain('running');
    expect(heard.some((p) => p.task_id === id && p.step_id === 's1' && p.step_status === 'succeeded')).toBe(true);
  });

  it('reports the kill switch pausing a queued task and the release sending it on', async () => {
    const { agent, heard } = boot();
    const wf = agent.workflows.create({ name: 'two', steps: [{ id: 'a', tool: 'echo', input: { text: 'a' } }, { id: 'b', tool: 'echo', input: { text: 'b' } }] }, 'test');
    agent.safety.setKillSwitch(true, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'test');
    // Queued while the switch is on: the engine claims nothing, and the person releases it.
    agent.engine.haltAll();
    await Promise.resolve();
    expect(taskMessages(heard, task.task_id).map((p) => p.status)).toEqual(['paused']);
    agent.safety.setKillSwitch(false, 'test');
    const done = await agent.engine.waitFor(task.task_id);
    await Promise.resolve();
    expect(done.status).toBe('succeeded');
    const statuses = taskMessages(heard, task.task_id).map((p) => p.status);
    expect(statuses.slice(0, 2)).toEqual(['paused', 'pending']);
    expect(statuses.at(-1)).toBe('succeeded');
  });

  it('reports the state as stored: a change rolled back with its transaction says where the task really is', async () => {
    const { core, agent, heard } = boot();
    const wf = agent.workflows.create({ name: 'one', steps: [{ id: 'a', tool: 'echo', input: { text: 'a' } }] }, 'test');
    agent.safety.setKillSwitch(true, 'test');
    const task = agent.workflows.run(wf, agent.tasks, {}, 'test');
    expect(() =>
      core.audit.transaction(() => {
        agent.tasks.setStatus(task.task_id, 'paused', { pausedBy: 'kill_switch' });
        throw new Error('abandon');
      }),
    ).toThrow('abandon');
    await Promise.resolve();
    expect(taskMessages(heard, task.task_id).map((p) => p.status)).toEqual(['pending']);
  });
});
