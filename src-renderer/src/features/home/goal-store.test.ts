// The goal box: the draft survives a reload, a goal is planned before it runs, and failures say what to do.
import { describe, expect, it } from 'vitest';
import { Refusal, scriptedServer } from '../../lib/scripted-server';
import { plan, taskView } from '../shared/fixtures';
import type { KeyValueStorage } from '../session/store';
import { createGoalStore, DRAFT_STORAGE_KEY } from './goal-store';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('goal store', () => {
  it('keeps the draft in storage as it is typed and starts from it', () => {
    const storage = memoryStorage();
    createGoalStore(storage).getState().setDraft('take a scr');
    expect(storage.data.get(DRAFT_STORAGE_KEY)).toBe('take a scr');
    expect(createGoalStore(storage).getState().draft).toBe('take a scr');
  });

  it('plans, then runs the planned task and frees the box', async () => {
    const storage = memoryStorage();
    const server = scriptedServer({ 'POST /v1/agent/plan': plan('t1'), 'POST /v1/agent/execute': taskView('t1') });
    const store = createGoalStore(storage);
    store.getState().setDraft('  take a screenshot ');
    await store.getState().makePlan(server.api);
    expect(server.requests[0]?.body).toEqual({ goal: 'take a screenshot' });
    expect(store.getState().plan.kind).toBe('ready');
    const task = await store.getState().runPlan(server.api);
    expect(task?.task_id).toBe('t1');
    expect(server.requests[1]?.body).toEqual({ task_id: 't1' });
    expect(store.getState()).toMatchObject({ draft: '', plan: { kind: 'idle' }, run: { kind: 'started' } });
    expect(storage.data.has(DRAFT_STORAGE_KEY)).toBe(false);
  });

  it('an empty goal is not sent; an unknown one shows the server’s examples and keeps the text', async () => {
    const server = scriptedServer({ 'POST /v1/agent/plan': new Refusal(422, 'unprocessable', 'No plan for "fly": nothing understood it. Try: take a screenshot.') });
    const store = createGoalStore(memoryStorage());
    await store.getState().makePlan(server.api);
    expect(server.requests).toHaveLength(0);
    expect(store.getState().plan).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^Type what Jarvis should do/) });
    store.getState().setDraft('fly');
    await store.getState().makePlan(server.api);
    expect(store.getState().plan).toMatchObject({ kind: 'failed', message: 'No plan for "fly": nothing understood it. Try: take a screenshot. Rephrase it and try again.' });
    expect(store.getState().draft).toBe('fly');
  });

  it('a plan replaced or discarded before it ran is cancelled on the server', async () => {
    const server = scriptedServer({
      'POST /v1/agent/plan': () => plan(`t${server.requests.filter((r) => r.route.endsWith('plan')).length}`),
      'POST /v1/tasks/t1/cancel': taskView('t1', { status: 'cancelled' }),
      'POST /v1/tasks/t2/cancel': taskView('t2', { status: 'cancelled' }),
    });
    const store = createGoalStore(memoryStorage());
    store.getState().setDraft('take a screenshot');
    await store.getState().makePlan(server.api);
    await store.getState().makePlan(server.api);
    await store.getState().discard(server.api);
    expect(server.requests.map((r) => r.route)).toEqual(['POST /v1/agent/plan', 'POST /v1/tasks/t1/cancel', 'POST /v1/agent/plan', 'POST /v1/tasks/t2/cancel']);
    expect(store.getState().plan.kind).toBe('idle');
  });

  it('a run that cannot start says why and keeps the plan', async () => {
    const server = scriptedServer({ 'POST /v1/agent/plan': plan('t1'), 'POST /v1/agent/execute': new Refusal(409, 'conflict', 'Task t1 is cancelled; it cannot be started.') });
    const store = createGoalStore(memoryStorage());
    store.getState().setDraft('take a screenshot');
    await store.getState().makePlan(server.api);
    expect(await store.getState().runPlan(server.api)).toBeNull();
    expect(store.getState().run).toMatchObject({ kind: 'failed', message: expect.stringMatching(/cannot be started\. It changed meanwhile/) });
    expect(store.getState().plan.kind).toBe('ready');
  });
});
