// A rule on a Home Assistant event end to end: HA simulator → daemon → the app's bridge → rules engine → a child event in the same trace.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startHaSimulator, type HaSimulator } from '../helpers/ha-simulator';
import { startXvfb, type Display } from '../helpers/xvfb';
import { pair, startDaemonProcess, waitFor, type DaemonProcess } from './iot-rig';

const exec = promisify(execFile);
const TOKEN = `ha-token-${crypto.randomBytes(12).toString('hex')}`;
const json = { 'content-type': 'application/json' };
let x: Display;
let sim: HaSimulator;
let daemon: DaemonProcess;
let j: JarvisProcess;

/** Presses a key in the daemon's native confirmation dialog. */
async function answerDialog(key: 'Return' | 'Escape'): Promise<void> {
  const env = { ...process.env, DISPLAY: x.display };
  const { stdout } = await exec('xdotool', ['search', '--sync', '--onlyvisible', '--name', 'Jarvis'], { env, timeout: 20_000 });
  const id = stdout.split('\n').find(Boolean);
  if (!id) throw new Error('no confirmation dialog appeared');
  await exec('xdotool', ['windowfocus', '--sync', id], { env, timeout: 10_000 });
  await exec('xdotool', ['key', key], { env, timeout: 10_000 });
}

beforeAll(async () => {
  x = await startXvfb();
  sim = await startHaSimulator({ token: TOKEN, areas: [{ area_id: 'hall', name: 'Hall' }], entities: [{ entity_id: 'binary_sensor.front_door', state: 'off', name: 'Front Door' }, { entity_id: 'light.hall', state: 'off', name: 'Hall Light', area_id: 'hall' }] });
  // The daemon reports only entities its whitelist lets it read.
  const daemonHome = tempHome('jarvis-daemon-rules-');
  const caps = JSON.parse(fs.readFileSync(path.join(REPO, 'capabilities.json'), 'utf8')) as { capabilities: Record<string, Record<string, unknown>> };
  caps.capabilities['ha.get_state'] = { ...caps.capabilities['ha.get_state'], entities: ['*'] };
  caps.capabilities['iot.configure'] = { ...caps.capabilities['iot.configure'], confirm_timeout_s: 30 };
  fs.writeFileSync(path.join(daemonHome, 'capabilities.json'), JSON.stringify(caps));
  daemon = await startDaemonProcess(daemonHome, { DISPLAY: x.display });
  j = await startJarvis();
  await pair(j, daemon);
  await waitFor('the daemon status', async () => ((await api(j, '/v1/iot')).body as { status: unknown }).status);
  const put = api(j, '/v1/iot/ha', { method: 'PUT', headers: json, body: JSON.stringify({ url: sim.url, token: TOKEN }) });
  await answerDialog('Return');
  expect((await put).status).toBe(200);
  await waitFor('HA connected', async () => ((await api(j, '/v1/iot')).body as { status: { ha: { connected: boolean } } | null }).status?.ha.connected);
});

afterAll(async () => {
  await j?.stop();
  await daemon?.stop();
  await sim?.close();
  await x?.stop();
});

type Event = { id: string; channel: string; source: string; trace_id: string; parent_event_id: string | null; payload: Record<string, unknown> };

describe('rules on home events', () => {
  it('the front door opening fires the rule: a child event with parent_event_id, both in one trace', async () => {
    const made = await api(j, '/v1/rules', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'door opens', trigger: { channel: 'ha', match: 'binary_sensor.front_door' }, conditions: [{ op: 'eq', path: 'payload.new_state.state', value: 'on' }], actions: [{ type: 'emit', data: { light: 'light.hall' } }], debounce_ms: 10_000 }),
    });
    expect(made.status).toBe(201);
    sim.setState('binary_sensor.front_door', 'on');
    const child = await waitFor('the rule event', async () => ((await api(j, '/v1/events?channel=rule&limit=10')).body.events as Event[])[0]);
    const parent = ((await api(j, '/v1/events?channel=ha&limit=20')).body.events as Event[]).find((e) => e.id === child.parent_event_id);
    expect(parent?.source).toBe('ha:binary_sensor.front_door');
    expect(child.trace_id).toBe(parent?.trace_id);
    expect(child.payload).toMatchObject({ rule_id: made.body.id, data: { light: 'light.hall' } });
    const triggered = (await api(j, '/v1/audit?type=rule.triggered')).body.events as { trace_id: string }[];
    expect(triggered.map((t) => t.trace_id)).toEqual([child.trace_id]);
    const rule = (await api(j, `/v1/rules/${String(made.body.id)}`)).body as { recent: { outcome: string; event_id: string }[] };
    expect(rule.recent).toEqual([expect.objectContaining({ outcome: 'triggered', event_id: parent?.id })]);
  });
});
