// Home Assistant through the daemon against the HA simulator: settings with a sealed token, a gated signed service call whose state change returns in the same trace, and the physical-safety tier.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startHaSimulator, type HaSimulator } from '../helpers/ha-simulator';
import { startXvfb, type Display } from '../helpers/xvfb';
import { filesHolding, pair, startDaemonProcess, waitFor, type DaemonProcess } from './iot-rig';

const exec = promisify(execFile);
const TOKEN = `ha-token-${crypto.randomBytes(12).toString('hex')}`;
let x: Display;
let sim: HaSimulator;
let daemon: DaemonProcess;
let j: JarvisProcess;
const daemonHome = tempHome('jarvis-daemon-ha-');

const json = { 'content-type': 'application/json' };
const say = (text: string, wait = true) => api(j, `/v1/events${wait ? '?wait=true' : ''}`, { method: 'POST', headers: json, body: JSON.stringify({ channel: 'api', payload: { text } }) });

async function answerDialog(key: 'Return' | 'Escape'): Promise<void> {
  const env = { ...process.env, DISPLAY: x.display };
  const { stdout } = await exec('xdotool', ['search', '--sync', '--onlyvisible', '--name', 'Jarvis'], { env, timeout: 20_000 });
  const id = stdout.split('\n').find(Boolean);
  if (!id) throw new Error('no confirmation dialog appeared');
  await exec('xdotool', ['windowfocus', '--sync', id], { env, timeout: 10_000 });
  await exec('xdotool', ['key', key], { env, timeout: 10_000 });
}

function daemonAudit(type: string): Record<string, unknown>[] {
  const db = new Database(path.join(daemonHome, 'daemon.db'), { readonly: true });
  try {
    return (db.prepare('SELECT payload FROM audit_events WHERE type = ? ORDER BY id').all(type) as { payload: string }[]).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

type Status = { ha: { connected: boolean; entities: number; has_token: boolean } };
const iotStatus = async () => ((await api(j, '/v1/iot')).body as { status: Status | null }).status;

beforeAll(async () => {
  x = await startXvfb();
  sim = await startHaSimulator({
    token: TOKEN,
    areas: [{ area_id: 'kitchen', name: 'Kitchen' }, { area_id: 'hall', name: 'Hall' }],
    entities: [
      { entity_id: 'light.kitchen', state: 'off', name: 'Kitchen Light', area_id: 'kitchen' },
      { entity_id: 'light.hall', state: 'off', name: 'Hall Light', area_id: 'hall' },
      { entity_id: 'lock.front_door', state: 'locked', name: 'Front Door', area_id: 'hall' },
      { entity_id: 'switch.garden_pump', state: 'off', name: 'Garden Pump' },
    ],
  });
  const caps = JSON.parse(fs.readFileSync(path.join(REPO, 'capabilities.json'), 'utf8')) as { capabilities: Record<string, Record<string, unknown>> };
  caps.capabilities['ha.call_service'] = { ...caps.capabilities['ha.call_service'], entities: ['light.*', 'lock.front_door'] };
  caps.capabilities['ha.get_state'] = { ...caps.capabilities['ha.get_state'], entities: ['*'] };
  caps.capabilities['iot.configure'] = { ...caps.capabilities['iot.configure'], confirm_timeout_s: 30 };
  fs.writeFileSync(path.join(daemonHome, 'capabilities.json'), JSON.stringify(caps));
  daemon = await startDaemonProcess(daemonHome, { DISPLAY: x.display });
  j = await startJarvis();
  await pair(j, daemon);
  await waitFor('the daemon status', iotStatus);
});

afterAll(async () => {
  await j?.stop();
  await daemon?.stop();
  await sim?.close();
  await x?.stop();
});

describe('Home Assistant settings', () => {
  it('PUT /v1/iot/ha seals the token, the daemon asks on its screen, then connects', async () => {
    const put = api(j, '/v1/iot/ha', { method: 'PUT', headers: json, body: JSON.stringify({ url: sim.url, token: TOKEN }) });
    await answerDialog('Return');
    const res = await put;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changed: ['ha'], status: { ha: { url: sim.url, has_token: true } } });
    const status = await waitFor('HA connected', async () => {
      const s = await iotStatus();
      return s?.ha.connected && s.ha.entities === 4 ? s : null;
    });
    expect(status.ha.has_token).toBe(true);
    const accepted = daemonAudit('command.accepted').find((r) => r.cap === 'iot.configure') as { args: { ha: { token: string } }; risk: string };
    expect(accepted.risk).toBe('high');
    // Sealed on the wire, and not even the ciphertext is kept in the daemon's trail.
    expect(accepted.args.ha.token).toBe('[redacted]');
    // The daemon counts its entities before the app's copy of the directory (sent in parts) has arrived.
    const entities = await waitFor('the app to hold the directory', async () => {
      const body = (await api(j, '/v1/iot/entities?q=kitchen')).body as { entities: { entity_id: string; area: string; allowed: boolean }[] };
      return body.entities.length > 0 ? body : null;
    });
    expect(entities.entities).toEqual([expect.objectContaining({ entity_id: 'light.kitchen', area: 'Kitchen', allowed: true })]);
  });

  it('tests a connection: the stored token with the stored address, a typed token with any', async () => {
    const stored = await api(j, '/v1/iot/test', { method: 'POST', headers: json, body: JSON.stringify({ target: 'ha' }) });
    expect(stored.body).toMatchObject({ target: 'ha', ok: true, version: '2025.1.0' });
    const wrong = await api(j, '/v1/iot/test', { method: 'POST', headers: json, body: JSON.stringify({ target: 'ha', url: sim.url, secret: 'not-the-token' }) });
    expect(wrong.body).toMatchObject({ ok: false, error: expect.stringMatching(/refused the token/) });
    // Another address never gets the stored token.
    const failures = sim.authFailures;
    const elsewhere = await api(j, '/v1/iot/test', { method: 'POST', headers: json, body: JSON.stringify({ target: 'ha', url: sim.url.replace('127.0.0.1', 'localhost') }) });
    expect(elsewhere.body).toMatchObject({ ok: false, error: 'no access token to log in with' });
    expect(sim.authFailures).toBe(failures);
  });

  it('a critical mark narrows at once; removing it needs the daemon\'s dialog', async () => {
    const marked = await api(j, '/v1/iot/critical', { method: 'PUT', headers: json, body: JSON.stringify({ entities: ['light.hall'] }) });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ changed: ['critical'], status: { critical: ['light.hall'] } });
    await waitFor('the app to hear of the mark', async () => ((await api(j, '/v1/iot')).body as { status: { critical: string[] } }).status.critical.includes('light.hall'));
    const sent = await say('turn off the hall light', false);
    const approval = await waitFor('the approval', async () => {
      const list = (await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; risk: string; trace_id: string; reasons: string[] }[];
      return list.find((a) => a.trace_id === sent.body.trace_id);
    });
    expect(approval).toMatchObject({ risk: 'critical', reasons: ['light.hall is marked critical'] });
    await api(j, `/v1/approvals/${approval.id}/deny`, { method: 'POST', headers: json, body: '{}' });
    const cleared = api(j, '/v1/iot/critical', { method: 'PUT', headers: json, body: JSON.stringify({ entities: [] }) });
    await answerDialog('Return');
    expect((await cleared).body).toMatchObject({ status: { critical: [] } });
  });

  it('refuses bad settings, naming the field, before anything reaches the daemon', async () => {
    const bad = await api(j, '/v1/iot/ha', { method: 'PUT', headers: json, body: JSON.stringify({ url: 'http://user:pw@example.test', token: '' }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error?.details)).toMatch(/url/);
  });
});

describe('"turn on the kitchen light"', () => {
  it('is gated, signed, carried out, and its state_changed comes back in the same trace', async () => {
    const res = await say('turn on the kitchen light');
    expect(res.body).toMatchObject({ status: 'done', reply: 'Done: Kitchen Light is on (was off).' });
    expect(sim.states.get('light.kitchen')?.state).toBe('on');
    const trace = String(res.body.trace_id);
    const call = sim.calls.at(-1);
    expect(call).toMatchObject({ domain: 'light', service: 'turn_on', entity_ids: ['light.kitchen'] });
    const rows = await waitFor('the state change in the trace', async () => {
      const events = (await api(j, `/v1/audit?trace_id=${trace}&limit=100`)).body.events as { type: string; actor: string; payload: Record<string, unknown> }[];
      return events.some((e) => e.type === 'event.ingested' && e.payload.channel === 'ha') ? events : null;
    });
    const attempted = rows.find((r) => r.type === 'tool_call.attempted' && r.payload.tool === 'daemon.ha.call_service');
    expect(attempted?.payload).toMatchObject({ gate: { cell: 'A2×low', decision: 'allow' } });
    expect(rows.find((r) => r.type === 'tool_call.succeeded' && r.payload.tool === 'daemon.ha.call_service')).toBeDefined();
    expect(rows.find((r) => r.type === 'event.ingested' && r.payload.channel === 'ha')).toMatchObject({ actor: 'ha', payload: { source: 'ha:light.kitchen' } });
    const signed = daemonAudit('command.accepted').find((r) => r.cap === 'ha.call_service' && r.trace === trace);
    expect(signed).toMatchObject({ args: { domain: 'light', service: 'turn_on', entity_id: 'light.kitchen' } });
    const events = (await api(j, '/v1/events?channel=ha&limit=20')).body.events as { trace_id: string; payload: { context_id: string; new_state: { state: string } } }[];
    const changed = events.find((e) => e.payload.context_id === call?.context_id);
    expect(changed).toMatchObject({ trace_id: trace, payload: { new_state: { state: 'on' } } });
  });

  it('a change made at the wall switch arrives as an event with its own trace', async () => {
    sim.setState('light.hall', 'on');
    const events = await waitFor('the hall light event', async () => {
      const rows = (await api(j, '/v1/events?channel=ha&limit=20')).body.events as { source: string; trace_id: string; payload: { new_state: { state: string } } }[];
      return rows.find((e) => e.source === 'ha:light.hall');
    });
    expect(events.payload.new_state.state).toBe('on');
  });

  it('an entity outside the allow-list is refused by the daemon with the reason', async () => {
    const res = await say('turn on the garden pump');
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(String(res.body.reply)).toMatch(/switch\.garden_pump is not in the allow-list/);
    expect(sim.states.get('switch.garden_pump')?.state).toBe('off');
  });
});

describe('"unlock the front door": the physical-safety tier', () => {
  it('needs an approval in the app and the daemon\'s dialog, even at A4 and with a grant in place', async () => {
    expect((await api(j, '/v1/controls/autonomy', { method: 'POST', headers: json, body: JSON.stringify({ level: 'A4' }) })).status).toBe(200);
    const db = new Database(path.join(j.home, 'jarvis.db'));
    const insert = db.prepare('INSERT INTO grants (id, scope, description, risk_ceiling, approval_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)');
    const later = new Date(Date.now() + 3600_000).toISOString();
    insert.run(crypto.randomUUID(), JSON.stringify({ tool: 'daemon.ha.call_service', match: { domain: { equals: 'lock' } } }), 'locks', 'high', 'owner', new Date().toISOString(), later);
    insert.run(crypto.randomUUID(), JSON.stringify({ tool: 'daemon.ha.call_service', match: {}, entity: 'lock.front_door' }), 'the door', 'critical', 'owner', new Date().toISOString(), later);
    db.close();

    const sent = await say('unlock the front door', false);
    expect(sent.status).toBe(202);
    const approval = await waitFor('the approval', async () => {
      const list = (await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; tool: string; risk: string; trace_id: string; preview: { summary: string } }[];
      return list.find((a) => a.trace_id === sent.body.trace_id);
    });
    expect(approval).toMatchObject({ tool: 'daemon.ha.call_service', risk: 'critical' });
    expect(approval.preview.summary).toBe('would unlock lock.front_door (now locked)');
    expect(sim.states.get('lock.front_door')?.state).toBe('locked');

    const approved = api(j, `/v1/approvals/${approval.id}/approve`, { method: 'POST', headers: json, body: '{}' });
    expect((await approved).status).toBe(200);
    await answerDialog('Return');
    await waitFor('the door to unlock', () => sim.states.get('lock.front_door')?.state === 'unlocked');
    const confirmation = daemonAudit('command.confirmation').at(-1);
    expect(confirmation).toMatchObject({ cap: 'ha.call_service', answer: 'yes' });
  });

  it('an app approval alone is not enough: the daemon\'s Deny keeps the door as it is', async () => {
    const sent = await say('lock the front door', false);
    const approval = await waitFor('the approval', async () => {
      const list = (await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; trace_id: string; preview: { summary: string } }[];
      return list.find((a) => a.trace_id === sent.body.trace_id);
    });
    expect(approval.preview.summary).toBe('would lock lock.front_door (now unlocked)');
    await api(j, `/v1/approvals/${approval.id}/approve`, { method: 'POST', headers: json, body: '{}' });
    await answerDialog('Escape');
    const refused = await waitFor('the refusal', () => daemonAudit('command.refused').find((r) => r.code === 'denied_by_person'));
    expect(refused).toMatchObject({ cap: 'ha.call_service' });
    expect(sim.states.get('lock.front_door')?.state).toBe('unlocked');
  });
});

describe('Home Assistant going away', () => {
  it('never takes the daemon down; it reconnects and says so', async () => {
    const before = daemonAudit('iot.connected').filter((r) => r.adapter === 'ha').length;
    sim.dropConnections();
    await waitFor('the disconnect in the daemon\'s trail', () => daemonAudit('iot.disconnected').some((r) => r.adapter === 'ha'));
    await waitFor('HA connected again', () => daemonAudit('iot.connected').filter((r) => r.adapter === 'ha').length > before);
    await waitFor('the app to see it connected', async () => (await iotStatus())?.ha.connected);
    expect(daemon.child.exitCode).toBeNull();
  });
});

describe('secrets', () => {
  it('the HA token is in no file, log or audit row but the 0600 secrets file', async () => {
    const secretsFile = path.join(daemonHome, 'secrets.json');
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(daemonHome, 'capabilities.json'), 'utf8')).not.toContain(TOKEN);
    expect(filesHolding([TOKEN], [j.home, daemonHome], [secretsFile])).toEqual([]);
    expect(daemon.output()).not.toContain(TOKEN);
    expect(j.output()).not.toContain(TOKEN);
    expect(JSON.stringify((await api(j, '/v1/audit?limit=2000')).body)).not.toContain(TOKEN);
    expect(JSON.stringify((await api(j, '/v1/iot')).body)).not.toContain(TOKEN);
  });
});
