// Tasks in the page: list order, progress applied at once, refreshes that overtake each other, followed traces and control errors.
import { describe, expect, it } from 'vitest';
import { Refusal, scriptedServer } from '../../lib/scripted-server';
import { auditEvent, stepState, taskView } from '../shared/fixtures';
import { describeEvent } from './log-format';
import { createTasksStore, mergeTrace, progressOf } from './store';

describe('tasks store', () => {
  it('loads the recent list newest first', async () => {
    const server = scriptedServer({
      'GET /v1/tasks': { tasks: [taskView('a', { created_at: '2025-01-01T00:00:01.000Z' }), taskView('b', { created_at: '2025-01-01T00:00:02.000Z' })] },
    });
    const store = createTasksStore();
    await store.getState().load(server.api);
    expect(store.getState().order).toEqual(['b', 'a']);
    expect(server.requests[0]?.route).toBe('GET /v1/tasks?limit=50');
  });

  it('says why the list could not be loaded', async () => {
    const store = createTasksStore();
    await store.getState().load(scriptedServer({ 'GET /v1/tasks': new Refusal(503, 'store_unavailable', 'The database is locked.') }).api);
    expect(store.getState().listError).toMatch(/^The database is locked\. Jarvis’s database is busy/);
  });

  it('applies a task message to the task and a step message to the step only', () => {
    const store = createTasksStore();
    store.getState().upsert(taskView('t', { status: 'running', steps: [stepState('s1', 'pending')] }));
    store.getState().applyProgress({ task_id: 't', trace_id: 'x', status: 'running', step_id: 's1', step_status: 'succeeded', message: 'step s1 succeeded' });
    expect(store.getState().byId.t?.steps[0]?.status).toBe('succeeded');
    store.getState().applyProgress({ task_id: 't', trace_id: 'x', status: 'paused', step_id: null, step_status: null, message: 'task paused' });
    expect(store.getState().byId.t?.status).toBe('paused');
    // Unknown tasks wait for their refresh rather than being invented from a message.
    store.getState().applyProgress({ task_id: 'other', trace_id: 'x', status: 'running', step_id: null, step_status: null, message: '' });
    expect(store.getState().byId.other).toBeUndefined();
  });

  it('keeps only the newest refresh when answers arrive out of order', async () => {
    const releases: ((v: unknown) => void)[] = [];
    const server = scriptedServer({ 'GET /v1/agent/status/t': () => new Promise((resolve) => releases.push(resolve)) });
    const store = createTasksStore();
    const first = store.getState().refresh(server.api, 't');
    const second = store.getState().refresh(server.api, 't');
    releases[1]?.(taskView('t', { status: 'succeeded' }));
    await second;
    releases[0]?.(taskView('t', { status: 'running' }));
    await first;
    expect(store.getState().byId.t?.status).toBe('succeeded');
  });

  it('follows a trace: loads its rows once, then adds live rows of that trace only, without duplicates', async () => {
    const server = scriptedServer({ 'GET /v1/audit': { events: [auditEvent(1, 'tr'), auditEvent(2, 'tr')], next_after: 2 } });
    const store = createTasksStore();
    await store.getState().follow(server.api, 'tr');
    await store.getState().follow(server.api, 'tr');
    expect(server.requests).toHaveLength(1);
    store.getState().receiveAudit([auditEvent(2, 'tr'), auditEvent(3, 'tr'), auditEvent(4, 'elsewhere')]);
    expect(store.getState().traces.tr?.events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(store.getState().traces.elsewhere).toBeUndefined();
  });

  it('after a reconnect asks each followed trace only for what it missed', async () => {
    const server = scriptedServer({ 'GET /v1/audit': { events: [auditEvent(5, 'tr')], next_after: 5 } });
    const store = createTasksStore();
    await store.getState().follow(server.api, 'tr');
    server.answer('GET /v1/audit', { events: [auditEvent(6, 'tr')], next_after: 6 });
    await store.getState().catchUpTraces(server.api);
    expect(server.requests.at(-1)?.route).toBe('GET /v1/audit?trace_id=tr&limit=1000&after=5');
    expect(store.getState().traces.tr?.events.map((e) => e.id)).toEqual([5, 6]);
  });

  it('a refused control shows the server’s reason and re-reads the task', async () => {
    const server = scriptedServer({
      'POST /v1/tasks/t/pause': new Refusal(409, 'conflict', 'Task t is succeeded; it cannot be paused.'),
      'GET /v1/agent/status/t': taskView('t', { status: 'succeeded' }),
    });
    const store = createTasksStore();
    store.getState().upsert(taskView('t', { status: 'running' }));
    await store.getState().control(server.api, 't', 'pause');
    expect(store.getState().actionErrors.t).toMatch(/cannot be paused\. It changed meanwhile/);
    expect(store.getState().acting.t).toBeUndefined();
    await expect.poll(() => store.getState().byId.t?.status).toBe('succeeded');
  });

  it('counts settled steps for the progress bar', () => {
    const t = taskView('t', { steps: [stepState('a', 'succeeded'), stepState('b', 'skipped'), stepState('c', 'running')] });
    expect(progressOf(t)).toEqual({ done: 2, total: 3 });
  });

  it('mergeTrace keeps the newest rows in order', () => {
    const merged = mergeTrace([auditEvent(3, 't'), auditEvent(1, 't')], [auditEvent(2, 't'), auditEvent(4, 't')], 3);
    expect(merged.map((e) => e.id)).toEqual([2, 3, 4]);
  });
});

describe('log lines', () => {
  it('reads audit rows as sentences and falls back to the type with its telling fields', () => {
    expect(describeEvent(auditEvent(1, 't', 'gate.required', { tool: 'daemon.file_move', cell: 'A1×high' }))).toBe('daemon.file_move needs your approval (A1×high).');
    expect(describeEvent(auditEvent(2, 't', 'tool_call.succeeded', { tool: 'echo', duration_ms: 12 }))).toBe('echo succeeded in 12 ms.');
    expect(describeEvent(auditEvent(3, 't', 'tool_call.attempted', { tool: 'echo', gate: { cell: 'A2×low' } }))).toBe('echo started (allowed by A2×low).');
    expect(describeEvent(auditEvent(4, 't', 'something.new', { status: 'odd', ignored: { deep: 1 } }))).toBe('something.new status=odd');
  });
});
