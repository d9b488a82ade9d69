// MQTT through the daemon against a real Mosquitto: messages become pipeline events with traces, bad payloads are audited as rejected, a broker restart loses and doubles nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, REPO, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto';
import { filesHolding, pair, startDaemonProcess, waitFor, type DaemonProcess } from './iot-rig';

let broker: Mosquitto;
let daemon: DaemonProcess;
let j: JarvisProcess;
const daemonHome = tempHome('jarvis-daemon-mqtt-');

type EventRow = { id: string; channel: string; source: string; trace_id: string; dedupe_key: string | null; payload: { topic: string; payload: unknown; message_id: string | null } };

/** The app's stored events, read straight from its database (read-only). */
function mqttEvents(): EventRow[] {
  const db = new Database(path.join(j.home, 'jarvis.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT id, channel, source, trace_id, dedupe_key, payload FROM events WHERE channel = 'mqtt' ORDER BY received_at").all() as (Omit<EventRow, 'payload'> & { payload: string })[]).map((r) => ({ ...r, payload: JSON.parse(r.payload) as EventRow['payload'] }));
  } finally {
    db.close();
  }
}

async function publisher(id: string): Promise<MqttClient> {
  const client = mqtt.connect(broker.url, { clientId: id, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, username: broker.user, password: broker.password, reconnectPeriod: 200 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

const publish = (client: MqttClient, topic: string, payload: string, messageId?: string) =>
  new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1, ...(messageId ? { properties: { userProperties: { message_id: messageId } } } : {}) }, (err) => (err ? reject(err) : resolve())));

beforeAll(async () => {
  broker = await startMosquitto();
  fs.writeFileSync(
    path.join(daemonHome, 'iot.json'),
    JSON.stringify({
      version: 1,
      mqtt: {
        url: broker.url,
        username: broker.user,
        client_id: 'jarvis-daemon-test',
        subscriptions: [
          { topic: 'home/#', qos: 1, format: 'json' },
          { topic: 'sensors/+/temperature', qos: 1, format: 'json', schema: { type: 'object', properties: { celsius: { type: 'number' } }, required: ['celsius'] } },
          { topic: 'notes/#', qos: 1, format: 'text' },
        ],
      },
    }),
  );
  // How a person sets the password on the daemon host: on standard input, into a private file beside its keys, never in iot.json.
  const set = spawnSync(process.execPath, [path.join(REPO, 'bin', 'jarvis-daemon.cjs'), 'iot', 'secret', 'mqtt-password'], { input: `${broker.password}\n`, env: { ...process.env, JARVIS_DAEMON_HOME: daemonHome }, encoding: 'utf8' });
  expect(set.stdout).toMatch(/Stored the mqtt-password/);
  daemon = await startDaemonProcess(daemonHome);
  j = await startJarvis();
  await pair(j, daemon);
  await waitFor('the daemon to report MQTT connected', async () => ((await api(j, '/v1/iot')).body as { status?: { mqtt?: { connected?: boolean } } }).status?.mqtt?.connected);
});

afterAll(async () => {
  await j?.stop();
  await daemon?.stop();
  await broker?.dispose();
});

describe('MQTT in', () => {
  it('a message becomes an mqtt event with its own trace in the audit', async () => {
    const client = await publisher('test-pub-1');
    await publish(client, 'home/kitchen/temperature', JSON.stringify({ celsius: 21.5 }), 'm-first');
    client.end();
    const event = await waitFor('the event', () => mqttEvents().find((e) => e.payload.message_id === 'm-first'));
    expect(event).toMatchObject({ channel: 'mqtt', source: 'mqtt:home/kitchen/temperature', payload: { topic: 'home/kitchen/temperature', payload: { celsius: 21.5 } } });
    const trail = await api(j, `/v1/audit?trace_id=${event.trace_id}&limit=50`);
    const rows = trail.body.events as { type: string; actor: string; payload: Record<string, unknown> }[];
    expect(rows.find((r) => r.type === 'event.ingested')).toMatchObject({ actor: 'mqtt', payload: { channel: 'mqtt', source: 'mqtt:home/kitchen/temperature', event_id: event.id } });
    const health = (await api(j, '/v1/integrations')).body as { daemon: { iot: { connected: boolean; status: { mqtt: { connected: boolean; last_message_at: string | null } } } } };
    expect(health.daemon.iot.connected).toBe(true);
    expect(health.daemon.iot.status.mqtt.connected).toBe(true);
  });

  it('a payload the subscription does not expect is audited as rejected, and the daemon goes on', async () => {
    const client = await publisher('test-pub-2');
    await publish(client, 'home/garage/door', 'not json at all');
    await publish(client, 'sensors/attic/temperature', JSON.stringify({ celsius: 'hot' }));
    await publish(client, 'home/after', JSON.stringify({ ok: true }), 'm-after-bad');
    client.end();
    const rejected = await waitFor('two rejections', async () => {
      const rows = ((await api(j, '/v1/audit?type=iot.message_rejected&limit=50')).body.events ?? []) as { subject: string; payload: { reason: string } }[];
      return rows.length >= 2 ? rows : null;
    });
    expect(rejected.map((r) => r.subject).sort()).toEqual(['home/garage/door', 'sensors/attic/temperature']);
    expect(rejected.find((r) => r.subject === 'home/garage/door')?.payload.reason).toMatch(/expects JSON/);
    expect(rejected.find((r) => r.subject === 'sensors/attic/temperature')?.payload.reason).toMatch(/schema: celsius/);
    await waitFor('the message after them', () => mqttEvents().find((e) => e.payload.message_id === 'm-after-bad'));
    const db = new Database(path.join(daemonHome, 'daemon.db'), { readonly: true });
    const daemonRows = db.prepare("SELECT payload FROM audit_events WHERE type = 'mqtt.message_rejected'").all() as { payload: string }[];
    db.close();
    expect(daemonRows).toHaveLength(2);
    expect(daemonRows.map((r) => r.payload).join()).not.toContain('not json at all');
    expect(daemon.child.exitCode).toBeNull();
  });

  it('the broker restarts while messages are published: every QoS 1 message arrives once', async () => {
    const N = 300;
    const client = await publisher('test-pub-burst');
    const sent: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      sent.push(publish(client, `home/burst/${i % 7}`, JSON.stringify({ n: i }), `burst-${i}`));
      if (i === 100) await broker.stop();
      if (i === 200) await broker.start();
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(sent);
    client.end();
    const events = await waitFor(
      `all ${N} burst messages`,
      () => {
        const rows = mqttEvents().filter((e) => e.payload.message_id?.startsWith('burst-'));
        return new Set(rows.map((r) => r.payload.message_id)).size === N ? rows : null;
      },
      60_000,
    );
    // None processed twice: one stored event per message id; any redelivery was recorded as a duplicate instead.
    expect(events).toHaveLength(N);
    const restarted = await api(j, '/v1/audit?type=iot.disconnected&limit=50');
    expect((restarted.body.events as { subject: string }[]).some((e) => e.subject === 'mqtt')).toBe(true);
    const db = new Database(path.join(daemonHome, 'daemon.db'), { readonly: true });
    const types = (db.prepare("SELECT type FROM audit_events WHERE type LIKE 'iot.%'").all() as { type: string }[]).map((r) => r.type);
    db.close();
    expect(types).toEqual(expect.arrayContaining(['iot.connected', 'iot.disconnected']));
  });

  it('the password is in no file, log or audit row but the 0600 secrets file', async () => {
    const secretsFile = path.join(daemonHome, 'secrets.json');
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(filesHolding([broker.password], [j.home, daemonHome, broker.dir], [secretsFile])).toEqual([]);
    expect(daemon.output()).not.toContain(broker.password);
    expect(j.output()).not.toContain(broker.password);
    const audit = await api(j, '/v1/audit?limit=1000');
    expect(JSON.stringify(audit.body)).not.toContain(broker.password);
    const view = await api(j, '/v1/iot');
    expect(JSON.stringify(view.body)).not.toContain(broker.password);
    expect(view.body).toMatchObject({ status: { mqtt: { has_password: true, username: broker.user } } });
  });
});
