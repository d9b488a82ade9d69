// Safety over HTTP against the real server: roles from `jarvis token create`, approvals end to end, controls, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, runCli, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

let j: JarvisProcess;
let member: string;
let viewer: string;
beforeAll(async () => {
  j = await startJarvis();
  const token = (role: string) => {
    const res = runCli(['token', 'create', '--role', role], { JARVIS_HOME: j.home });
    expect(res.code).toBe(0);
    return res.stdout.trim().split('\n').at(-1) ?? '';
  };
  member = token('member');
  viewer = token('viewer');
});
afterAll(async () => {
  await j.stop();
});

const json = (body: unknown, token?: string) => ({
  method: 'POST',
  auth: token === undefined,
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});
const as = (token: string, init: RequestInit = {}) => ({ ...init, auth: false, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });

describe('roles', () => {
  it('a viewer reads but cannot submit; a member submits but cannot change autonomy; each refusal is audited', async () => {
    expect((await api(j, '/v1/audit?limit=1', as(viewer))).status).toBe(200);
    const viewerPost = await api(j, '/v1/events', json({ channel: 'api', payload: { text: 'echo hi' } }, viewer));
    expect(viewerPost.status).toBe(403);
    expect(viewerPost.body.error?.message).toMatch(/needs the member role; this token is a viewer/);
    expect((await api(j, '/v1/events?wait=true', json({ channel: 'api', payload: { text: 'echo hi' } }, member))).body).toMatchObject({ status: 'done' });
    const memberAutonomy = await api(j, '/v1/controls/autonomy', json({ level: 'A4' }, member));
    expect(memberAutonomy.status).toBe(403);
    expect((await api(j, '/v1/controls/kill-switch', json({ on: true }, member))).status).toBe(403);
    const rejected = await api(j, '/v1/audit?type=api.request_rejected&limit=100');
    expect((rejected.body.events as { payload: { reason: string } }[]).filter((e) => e.payload.reason === 'insufficient_role').length).toBeGreaterThanOrEqual(3);
  });

  it('the token command validates its arguments and never writes the token to the audit trail', async () => {
    const bad = runCli(['token', 'create', '--role', 'admin'], { JARVIS_HOME: j.home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of viewer, member, owner \(got "admin"\)/);
    const trail = JSON.stringify((await api(j, '/v1/audit?limit=1000')).body);
    expect(trail).not.toContain(member);
    expect(trail).toContain('api.token_created');
  });
});

describe('approvals over the API', () => {
  it('A1: a call waits, GET /v1/approvals shows it with its preview, approve runs it; deciding twice is 409', async () => {
    expect((await api(j, '/v1/controls/autonomy', json({ level: 'A1', reason: 'test' }))).status).toBe(200);
    const sent = await api(j, '/v1/events?wait=true', json({ channel: 'api', payload: { text: 'set a timer for 3 minutes' } }));
    expect(sent.body).toMatchObject({ status: 'waiting' });
    const list = await api(j, '/v1/approvals?status=pending');
    const approval = (list.body.approvals as { id: string; tool: string; preview: unknown; trace_id: string }[]).find((a) => a.trace_id === sent.body.trace_id);
    expect(approval).toMatchObject({ tool: 'timer.set', preview: { tool: 'timer.set', input: { amount: 3, unit: 'minute' } } });
    const ok = await api(j, `/v1/approvals/${approval?.id}/approve`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved' });
    const again = await api(j, `/v1/approvals/${approval?.id}/deny`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error?.details).toMatchObject({ status: expect.stringMatching(/approved|consumed/) });
    const task = await api(j, `/v1/tasks/${sent.body.task_id as string}`);
    await expect.poll(async () => (await api(j, `/v1/tasks/${sent.body.task_id as string}`)).body.status, { timeout: 10_000 }).toBe('succeeded');
    expect(task.status).toBe(200);
    const exported = await fetch(`${j.url}/v1/audit/export?task_id=${sent.body.task_id as string}`, { headers: { authorization: `Bearer ${j.token}` } });
    const kinds = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; event?: { type: string } });
    expect(kinds.map((k) => k.event?.type ?? k.kind)).toEqual(expect.arrayContaining(['gate.required', 'gate.approved', 'tool_call.succeeded', 'response.sent', 'verification']));
  });

  it('an unknown approval is 404', async () => {
    expect((await api(j, '/v1/approvals/nope/approve', { method: 'POST' })).status).toBe(404);
  });

  it('an unknown autonomy level is 400 listing the allowed ones; the kill switch needs an owner and reports its state', async () => {
    const bad = await api(j, '/v1/controls/autonomy', json({ level: 'A9' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/A0, A1, A2, A3, A4/);
    const on = await api(j, '/v1/controls/kill-switch', json({ on: true }));
    expect(on.body).toMatchObject({ kill_switch: { on: true } });
    const off = await api(j, '/v1/controls/kill-switch', json({ on: false }));
    expect(off.body).toMatchObject({ kill_switch: { on: false } });
    expect((await api(j, '/v1/controls/autonomy', json({ level: 'A2' }))).status).toBe(200);
  });
});
