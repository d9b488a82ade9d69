// The rules API and fastpath through the real `jarvis serve`: refusals name the field and are audited; the policy holds at creation.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';

let j: JarvisProcess;
beforeAll(async () => {
  const home = tempHome();
  // A tool whose manifest says critical: a rule may never carry it.
  const dir = path.join(home, 'tools', 'unlock_door');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'unlock_door', version: '1.0.0', description: 'unlocks', input_schema: { type: 'object' }, output_schema: { type: 'object' }, risk: 'critical', runner: { type: 'process', entry: 'index.js' } }));
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.run = () => ({ unlocked: true });');
  j = await startJarvis({ home });
});
afterAll(async () => {
  await j.stop('SIGKILL');
});

const send = (method: string, p: string, body: unknown) => api(j, p, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const base = { name: 'door', trigger: { channel: 'ha', match: 'binary_sensor.front_door' }, actions: [{ type: 'notify', text: 'door!' }] };
const say = async (text: string) => ((await send('POST', '/v1/events?wait=true', { channel: 'api', payload: { text } })).body as { reply?: string }).reply;

describe('rules API', () => {
  it('refuses an invalid condition, an unknown tool, an approval and a critical action, naming the field, and audits each', async () => {
    const regex = await send('POST', '/v1/rules', { ...base, conditions: [{ op: 'regex', path: 'payload.entity_id', pattern: '([a-' }] });
    expect(regex.status).toBe(400);
    expect(regex.body.error?.details).toEqual([expect.objectContaining({ field: 'conditions.0.pattern' })]);
    const path_ = await send('POST', '/v1/rules', { ...base, conditions: [{ op: 'eq', path: 'payload..x', value: 1 }] });
    expect(path_.status).toBe(400);
    const unknown = await send('POST', '/v1/rules', { ...base, actions: [{ type: 'tool', tool: 'nope', input: {} }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.details).toEqual([expect.objectContaining({ field: 'actions.0.tool' })]);
    const approval = await send('POST', '/v1/rules', { ...base, actions: [{ type: 'tool', tool: 'unlock_door', input: {}, approval_id: 'a1' }] });
    expect(approval.status).toBe(400);
    expect(JSON.stringify(approval.body.error?.details)).toContain('actions.0');
    const critical = await send('POST', '/v1/rules', { ...base, actions: [{ type: 'tool', tool: 'unlock_door', input: {} }] });
    expect(critical.status).toBe(403);
    expect(critical.body.error?.details).toEqual([expect.objectContaining({ field: 'actions.0.tool' })]);
    const rejected = (await api(j, '/v1/audit?type=rule.rejected')).body.events as { payload: { status: number } }[];
    expect(rejected.map((r) => r.payload.status)).toEqual([400, 400, 400, 400, 403]);
    expect((await api(j, '/v1/rules')).body.rules).toEqual([]);
  });

  it('creates, reads, disables and enables a rule over HTTP and by words', async () => {
    const made = await send('POST', '/v1/rules', { ...base, debounce_ms: 10_000, quiet_hours: { start: '22:00', end: '07:00', timezone: 'Europe/Paris', policy: 'defer' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ enabled: true, debounce_ms: 10_000, quiet_hours: { policy: 'defer', days: [] }, recent: [] });
    const id = made.body.id as string;
    expect((await send('PATCH', `/v1/rules/${id}`, { enabled: false })).body).toMatchObject({ enabled: false });
    expect((await send('PATCH', '/v1/rules/nope', { enabled: false })).status).toBe(404);
    expect(await say('list rules')).toMatch(/off door/);
    expect(await say(`enable rule ${id.slice(0, 8)}`)).toBe('Rule "door" is enabled.');
    expect(await say('disable rule door')).toBe('Rule "door" is disabled.');
    // Making a rule by words is a medium-risk call: at the default autonomy a person approves it first.
    const asked = await send('POST', '/v1/events?wait=true', { channel: 'api', payload: { text: 'when binary_sensor.back_door turns on, turn on the porch light' } });
    expect(asked.body).toMatchObject({ status: 'waiting' });
    const approvals = (await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; tool: string }[];
    const pending = approvals.find((a) => a.tool === 'rule.create');
    expect((await send('POST', `/v1/approvals/${pending?.id ?? ''}/approve`, {})).status).toBe(200);
    let rules: { name: string; trigger: unknown; actions: unknown }[] = [];
    while (rules.length < 2) {
      rules = (await api(j, '/v1/rules')).body.rules as typeof rules;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rules[1]).toMatchObject({ trigger: { channel: 'ha', match: 'binary_sensor.back_door' }, actions: [{ type: 'emit', goal: 'turn on the porch light' }] });
    const types = ((await api(j, '/v1/audit?limit=200')).body.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['rule.created', 'rule.disabled', 'rule.enabled']));
  });
});
