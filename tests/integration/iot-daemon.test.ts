// The daemon's own guard on home commands, against the HA simulator: it reads the risk itself, refuses outside the allow-list before any dialog, and signs every inbound frame.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPairingCode, startDaemon, type RunningDaemon } from '../../src-daemon';
import { DaemonMessage, signCompact, SUBSCRIBE_TYP, MAX_TOKEN_LIFETIME_S } from '../../src-daemon/protocol';
import { openCore, type Core } from '../../src-main/core';
import { loadSettings } from '../../src-main/core/config';
import { DaemonClient, DaemonError, loadAppIdentity } from '../../src-main/core/integrations/daemon';
import { startHaSimulator, type HaSimulator } from '../helpers/ha-simulator';
import { tempHome } from '../helpers/jarvis-process';
import { waitFor } from './iot-rig';

const TOKEN = `t-${crypto.randomBytes(8).toString('hex')}`;
let sim: HaSimulator;
let daemon: RunningDaemon;
let core: Core;
let client: DaemonClient;
const home = tempHome('jarvis-daemon-iot-');
const meta = { risk: 'none' as const, approval: 'test', trace: 'trace-test' };

beforeAll(async () => {
  sim = await startHaSimulator({
    token: TOKEN,
    entities: [
      { entity_id: 'light.porch', state: 'off', name: 'Porch Light' },
      { entity_id: 'lock.back_door', state: 'locked', name: 'Back Door' },
      { entity_id: 'switch.heater', state: 'off', name: 'Heater' },
    ],
  });
  // A careless whitelist: no dialog for anything. The physical-safety tier must ask all the same.
  fs.writeFileSync(path.join(home, 'capabilities.json'), JSON.stringify({ version: 1, capabilities: { 'ha.call_service': { risk: 'none', confirm: 'never', entities: ['light.*', 'lock.*', 'switch.heater'], critical: ['switch.heater'] }, 'ha.resolve': { risk: 'none', confirm: 'never' } } }));
  fs.writeFileSync(path.join(home, 'iot.json'), JSON.stringify({ version: 1, ha: { url: sim.url } }));
  fs.writeFileSync(path.join(home, 'secrets.json'), JSON.stringify({ ha_token: TOKEN }), { mode: 0o600 });
  // No display: a dialog cannot be shown, so any command that needs one is refused as no_display.
  daemon = await startDaemon({ home, port: 0, env: { PATH: process.env.PATH ?? '/usr/bin' } });
  core = openCore(loadSettings({ env: { JARVIS_HOME: tempHome('jarvis-app-iot-') } }), { heartbeat: false });
  client = new DaemonClient(core.db, core.audit, loadAppIdentity(core.settings.home), 'test');
  await client.pair(daemon.url, createPairingCode(home).code);
  await waitFor('HA connected', () => sim.connections() > 0 && client.command('ha.resolve', { name: 'porch light', action: 'turn_on' }, meta).then(() => true));
});

afterAll(async () => {
  client?.close();
  await daemon?.close();
  core?.close();
  await sim?.close();
});

const refusal = async (p: Promise<unknown>): Promise<DaemonError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof DaemonError) return err;
    throw err;
  }
  throw new Error('expected the daemon to refuse');
};

describe('the daemon reads home risk itself', () => {
  it('runs a light without a dialog', async () => {
    const out = await client.command('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.porch' }, meta);
    expect(out).toMatchObject({ summary: 'Porch Light is on (was off)' });
  });

  it('asks on its own screen for a lock even when the token claims no risk and capabilities.json says never', async () => {
    const err = await refusal(client.command('ha.call_service', { domain: 'lock', service: 'unlock', entity_id: 'lock.back_door' }, meta));
    expect(err.code).toBe('no_display');
    expect(sim.states.get('lock.back_door')?.state).toBe('locked');
  });

  it('asks for an entity marked critical, and for homeassistant.* on a lock', async () => {
    expect((await refusal(client.command('ha.call_service', { domain: 'switch', service: 'turn_on', entity_id: 'switch.heater' }, meta))).code).toBe('no_display');
    expect((await refusal(client.command('ha.call_service', { domain: 'homeassistant', service: 'turn_off', entity_id: ['light.porch', 'lock.back_door'] }, meta))).code).toBe('no_display');
  });

  it('refuses an entity outside the allow-list, or a target smuggled in the data, with the reason and before any dialog', async () => {
    const outside = await refusal(client.command('ha.call_service', { domain: 'cover', service: 'open_cover', entity_id: 'cover.garage' }, meta));
    expect(outside.code).toBe('outside_allow_list');
    expect(outside.message).toMatch(/cover\.garage is not in the allow-list of ha\.call_service/);
    const smuggled = await refusal(client.command('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.porch', data: { area_id: 'everywhere' } }, meta));
    expect(smuggled.message).toMatch(/may not pick targets \(area_id\)/);
    const foreign = await refusal(client.command('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'switch.heater' }, meta));
    expect(foreign.code).toBe('args_mismatch');
  });

  it('refuses capabilities the whitelist does not list', async () => {
    expect((await refusal(client.command('mqtt.publish', { topic: 'a/b', payload: 'x' }, meta))).code).toBe('not_whitelisted');
  });
});

describe('inbound frames', () => {
  it('refuse a subscribe token from a key the daemon never paired, and a replayed one', async () => {
    const stranger = crypto.generateKeyPairSync('ed25519');
    const raw = Buffer.from(stranger.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: crypto.createHash('sha256').update(raw).digest('hex'), aud: daemon.daemonId, jti: crypto.randomBytes(18).toString('base64url'), iat: now, exp: now + MAX_TOKEN_LIFETIME_S };
    const ws = new WebSocket(daemon.url);
    const replies: DaemonMessage[] = [];
    ws.on('message', (d) => replies.push(DaemonMessage.parse(JSON.parse(d.toString()))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', token: signCompact(claims, SUBSCRIBE_TYP, stranger.privateKey) }));
    ws.send(JSON.stringify({ type: 'ack', seq: 999 }));
    const error = await waitFor('the refusal', () => replies.find((m) => m.type === 'error' && m.error.code === 'unpaired_key'));
    expect(error).toBeDefined();
    expect(replies.some((m) => m.type === 'inbound')).toBe(false);
    ws.close();
  });

  it('bring a state change caused by a command back under its trace, signed for this app', async () => {
    const received: { trace: string | null; entity_id: string }[] = [];
    const link = client.startInbound((events) => {
      for (const e of events) if (e.kind === 'ha') received.push({ trace: e.trace, entity_id: e.entity_id });
    });
    await waitFor('subscribed', () => link.view().connected);
    await client.command('ha.call_service', { domain: 'light', service: 'turn_off', entity_id: 'light.porch' }, { ...meta, trace: 'trace-porch' });
    const hit = await waitFor('the change', () => received.find((r) => r.entity_id === 'light.porch' && r.trace === 'trace-porch'));
    expect(hit).toBeDefined();
    expect(link.view().status?.critical).toEqual(['switch.heater']);
    expect(link.entities().map((e) => e.entity_id).sort()).toEqual(['light.porch', 'lock.back_door', 'switch.heater']);
    link.stop();
  });
});
