// The event pipeline end to end through the real server: the audited stages of a trace, dedupe, unhandled events, bad input, and the planner API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

let j: JarvisProcess;
beforeAll(async () => {
  j = await startJarvis();
});
afterAll(async () => {
  await j.stop();
});

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const post = (body: unknown, wait = true) => api(j, `/v1/events${wait ? '?wait=true' : ''}`, json(body));
async function traceTypes(traceId: string): Promise<string[]> {
  const res = await api(j, `/v1/audit?trace_id=${traceId}&limit=1000`);
  return (res.body.events as { type: string }[]).map((e) => e.type);
}
async function traceEvents(traceId: string) {
  const res = await api(j, `/v1/audit?trace_id=${traceId}&limit=1000`);
  return res.body.events as { type: string; payload: Record<string, unknown> }[];
}
const FIVE = ['event.ingested', 'routing.decided', 'tool_call.attempted', 'tool_call.succeeded', 'response.sent'];

describe('a raw event through the pipeline', () => {
  it('"echo hello" leaves exactly the five stages in order, and replies', async () => {
    const res = await post({ channel: 'api', payload: { text: 'echo hello' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ deduped: false, status: 'done', reply: 'hello' });
    expect(await traceTypes(res.body.trace_id as string)).toEqual(FIVE);
  });

  it('"set a timer for 5 minutes" leaves the same five and stores a pending timer', async () => {
    const res = await post({ channel: 'ui', payload: { text: 'set a timer for 5 minutes' } });
    expect(res.body).toMatchObject({ status: 'done' });
    expect(res.body.reply).toMatch(/Timer set for 5 minute/);
    expect(await traceTypes(res.body.trace_id as string)).toEqual(FIVE);
    const attempted = (await traceEvents(res.body.trace_id as string)).find((e) => e.type === 'tool_call.attempted');
    expect(attempted?.payload).toMatchObject({ tool: 'timer.set', input: { amount: 5, unit: 'minute' }, gate: { decision: 'allow' } });
  });

  it('the same event again (same dedupe key) is recorded as deduped and goes no further', async () => {
    const first = await post({ channel: 'api', payload: { text: 'echo once' }, dedupe_key: 'k-1' });
    const again = await post({ channel: 'api', payload: { text: 'echo once' }, dedupe_key: 'k-1' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ deduped: true, event_id: first.body.event_id });
    expect(await traceTypes(again.body.trace_id as string)).toEqual(['event.deduped']);
    expect(await traceTypes(first.body.trace_id as string)).toEqual(FIVE);
    const echoes = await api(j, '/v1/audit?type=tool_call.succeeded&limit=1000');
    const onceRuns = (echoes.body.events as { payload: { output?: { text?: string } } }[]).filter((e) => e.payload.output?.text === 'once');
    expect(onceRuns).toHaveLength(1);
  });

  it('an event nothing understands → routing.unhandled, no tool call, and a reply with examples', async () => {
    const res = await post({ channel: 'api', payload: { text: 'paint the fence purple' } });
    expect(res.body).toMatchObject({ status: 'unhandled' });
    expect(res.body.reply).toMatch(/don't know how to do that yet/);
    const types = await traceTypes(res.body.trace_id as string);
    expect(types).toEqual(['event.ingested', 'routing.unhandled', 'response.sent']);
    expect(types.some((t) => t.startsWith('tool_call.'))).toBe(false);
  });

  it('a desktop intent plans the daemon capability, which reports it is not paired', async () => {
    // Opening an app is medium risk: at the default A2 it would wait for approval, at A3 it runs.
    expect((await api(j, '/v1/controls/autonomy', json({ level: 'A3' }))).status).toBe(200);
    const res = await post({ channel: 'api', payload: { text: 'open calculator' } });
    expect((await api(j, '/v1/controls/autonomy', json({ level: 'A2' }))).status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(res.body.reply).toMatch(/could not open calculator: .*not paired/);
    const failed = (await traceEvents(res.body.trace_id as string)).find((e) => e.type === 'tool_call.failed');
    expect(failed?.payload).toMatchObject({ tool: 'daemon.open_app', reason: 'not_available' });
  });

  it('without wait, the event is accepted with 202 and its reply arrives on the event list', async () => {
    const res = await post({ channel: 'api', payload: { text: 'echo later' } }, false);
    expect(res.status).toBe(202);
    await expect.poll(async () => (await traceTypes(res.body.trace_id as string)).at(-1), { timeout: 10_000 }).toBe('response.sent');
    const list = await api(j, '/v1/events?limit=5');
    const mine = (list.body.events as { id: string; reply: string | null; status: string }[]).find((e) => e.id === res.body.event_id);
    expect(mine).toMatchObject({ reply: 'later', status: 'done' });
  });
});

describe('bad events get a 400 naming the field', () => {
  it('missing channel', async () => {
    const res = await api(j, '/v1/events', json({ payload: { text: 'echo x' } }));
    expect(res.status).toBe(400);
    expect(res.body.error?.details).toEqual([expect.objectContaining({ field: 'channel' })]);
  });

  it('a channel clients may not post to', async () => {
    const res = await api(j, '/v1/events', json({ channel: 'mqtt', payload: { topic: 'a', payload: 1 } }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/channel must be one of api, ui, hotkey/);
  });

  it('wrong types', async () => {
    const res = await api(j, '/v1/events', json({ channel: 'api', payload: { text: 42 } }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/payload\.text/);
  });

  it('a payload over 256 KiB', async () => {
    const res = await api(j, '/v1/events', json({ channel: 'api', payload: { text: 'echo x', blob: 'x'.repeat(300 * 1024) } }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/payload: \d+ bytes is over the limit of 262144 bytes/);
  });
});

describe('planner API', () => {
  it('plans, executes and reports a task; executing it again is a 409 with its state', async () => {
    const planned = await api(j, '/v1/agent/plan', json({ goal: 'echo planned', context: { from: 'test' } }));
    expect(planned.status).toBe(200);
    expect(planned.body).toMatchObject({ intent: 'echo', steps: [{ id: 's1', action: 'echo', input: { text: 'planned' }, requires_approval: false, risk: 'none' }] });
    const taskId = planned.body.task_id as string;
    expect((await api(j, `/v1/agent/status/${taskId}`)).body).toMatchObject({ status: 'planned' });
    const run = await api(j, '/v1/agent/execute', json({ task_id: taskId, wait: true }));
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', reply: 'planned', steps: [{ status: 'succeeded', output: { text: 'planned' } }] });
    const again = await api(j, '/v1/agent/execute', json({ task_id: taskId }));
    expect(again.status).toBe(409);
    expect(again.body.error?.details).toEqual({ status: 'succeeded' });
    expect(await traceTypes(planned.body.trace_id as string)).toEqual(FIVE);
  });

  it('an unknown task id is a 404 naming it', async () => {
    const res = await api(j, '/v1/agent/status/no-such-task');
    expect(res.status).toBe(404);
    expect(res.body.error?.message).toMatch(/no-such-task/);
    expect((await api(j, '/v1/agent/execute', json({ task_id: 'no-such-task' }))).status).toBe(404);
  });

  it('a goal nothing understands is a 422 with examples', async () => {
    const res = await api(j, '/v1/agent/plan', json({ goal: 'paint the fence' }));
    expect(res.status).toBe(422);
    expect(res.body.error?.message).toMatch(/Try: echo hello/);
  });

  it('task.status and task.cancel work through the fastpath', async () => {
    const planned = await api(j, '/v1/agent/plan', json({ goal: 'echo to be cancelled' }));
    const taskId = planned.body.task_id as string;
    const cancel = await post({ channel: 'api', payload: { text: `cancel task ${taskId}` } });
    expect(cancel.body.reply).toBe(`Task ${taskId} is cancelled.`);
    const status = await post({ channel: 'api', payload: { text: `status of task ${taskId}` } });
    expect(status.body.reply).toMatch(/cancelled: echo to be cancelled/);
    expect((await api(j, '/v1/agent/execute', json({ task_id: taskId }))).status).toBe(409);
  });
});

describe('tools', () => {
  it('GET /v1/tools lists the built-ins with their schemas and permissions', async () => {
    const res = await api(j, '/v1/tools');
    const names = (res.body.tools as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'noop', 'http_request', 'timer.set', 'task.status', 'task.cancel', 'daemon.open_app', 'daemon.screenshot', 'daemon.file_move']));
    const http = (res.body.tools as { name: string; permissions: unknown; input_schema: { properties?: object } }[]).find((t) => t.name === 'http_request');
    expect(http?.permissions).toMatchObject({ network: true, filesystem: false });
    expect(http?.input_schema.properties).toHaveProperty('url');
  });

  it('enabling an unknown tool is a 404, a tool that needs no review a 409', async () => {
    expect((await api(j, '/v1/tools/nope/enable', { method: 'POST' })).status).toBe(404);
    expect((await api(j, '/v1/tools/echo/enable', { method: 'POST' })).status).toBe(409);
  });
});
