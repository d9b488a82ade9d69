// The stream fanned out: progress refreshes a task once per burst, approvals and control changes land in their stores, and a reconnect re-reads everything.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptedServer } from '../lib/scripted-server';
import { createApprovalsStore } from '../features/approvals/store';
import { createControlsStore } from '../features/shared/controls-store';
import { approval, auditEvent, controls, taskView } from '../features/shared/fixtures';
import { createDetailStore } from '../features/tasks/detail-store';
import { createTasksStore } from '../features/tasks/store';
import { createLiveSync, REFRESH_DEBOUNCE_MS } from './live-sync';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup() {
  const stores = { tasks: createTasksStore(), details: createDetailStore(), approvals: createApprovalsStore(), controls: createControlsStore() };
  const server = scriptedServer({
    'GET /v1/agent/status/t': taskView('t', { status: 'succeeded' }),
    'GET /v1/controls': controls({ kill_switch: { on: true, since: null, by: 'p' } }),
    'GET /v1/tasks': { tasks: [] },
    'GET /v1/approvals': { approvals: [approval('a')] },
  });
  return { stores, server, sync: createLiveSync(stores, server.api) };
}

const progress = (status: 'running' | 'succeeded') => ({ type: 'task' as const, task: { task_id: 't', trace_id: 'x', status, step_id: null, step_status: null, message: '' } });

describe('live sync', () => {
  it('refreshes a task once for a burst of progress messages', async () => {
    const { stores, server, sync } = setup();
    stores.tasks.getState().upsert(taskView('t', { status: 'pending' }));
    sync.onMessages([progress('running'), progress('running'), progress('succeeded')]);
    expect(stores.tasks.getState().byId.t?.status).toBe('succeeded');
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS);
    expect(server.requests.filter((r) => r.route === 'GET /v1/agent/status/t')).toHaveLength(1);
    sync.close();
  });

  it('puts approvals in their store and re-reads the controls after a control change row', async () => {
    const { stores, server, sync } = setup();
    sync.onMessages([{ type: 'approval', approval: approval('b') }, { type: 'audit', event: auditEvent(1, 'x', 'safety.kill_switch_on') }]);
    expect(stores.approvals.getState().byId.b?.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS);
    expect(server.requests.map((r) => r.route)).toContain('GET /v1/controls');
    await vi.waitFor(() => expect(stores.controls.getState().controls?.kill_switch.on).toBe(true));
    sync.close();
  });

  it('on (re)connect reads controls, tasks and approvals again', async () => {
    const { stores, server, sync } = setup();
    sync.onOpen();
    await vi.waitFor(() => expect(stores.approvals.getState().byId.a).toBeDefined());
    expect(server.requests.map((r) => r.route.split('?')[0])).toEqual(expect.arrayContaining(['GET /v1/controls', 'GET /v1/tasks', 'GET /v1/approvals']));
    sync.close();
  });
});
