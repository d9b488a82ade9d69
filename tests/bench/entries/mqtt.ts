// MQTT bench: a 10k-message QoS 1 burst through Mosquitto → daemon → signed inbound frames → pipeline, fully audited, beside a bare mqtt.js subscriber counting the same burst.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { api, startJarvis, tempHome, type JarvisProcess } from '../../helpers/jarvis-process';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto';
import { pair, startDaemonProcess, waitFor, type DaemonProcess } from '../../integration/iot-rig';
import { row, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const N = Number(process.env.BENCH_MQTT_N ?? 10_000);
const TOPIC = 'bench/burst';

async function connect(broker: Mosquitto, clientId: string): Promise<MqttClient> {
  const client = mqtt.connect(broker.url, { clientId, clean: true, protocolVersion: 5, username: broker.user, password: broker.password, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** event.ingested rows for the burst in the app's audit trail, read from its database. */
function audited(db: Database.Database): number {
  return db.prepare("SELECT count(*) FROM audit_events WHERE type = 'event.ingested' AND actor = 'mqtt' AND json_extract(payload, '$.source') = ?").pluck().get(`mqtt:${TOPIC}`) as number;
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const broker = await startMosquitto();
  const daemonHome = tempHome('jarvis-bench-daemon-');
  fs.writeFileSync(path.join(daemonHome, 'iot.json'), JSON.stringify({ version: 1, mqtt: { url: broker.url, username: broker.user, client_id: 'jarvis-bench', subscriptions: [{ topic: 'bench/#', qos: 1, format: 'json' }] } }));
  fs.writeFileSync(path.join(daemonHome, 'secrets.json'), JSON.stringify({ mqtt_password: broker.password }), { mode: 0o600 });
  let daemon: DaemonProcess | null = null;
  let j: JarvisProcess | null = null;
  let bare: MqttClient | null = null;
  let pub: MqttClient | null = null;
  let db: Database.Database | null = null;
  try {
    daemon = await startDaemonProcess(daemonHome);
    const app = await startJarvis();
    j = app;
    await pair(app, daemon);
    await waitFor('the daemon to report MQTT connected', async () => ((await api(app, '/v1/iot')).body as { status?: { mqtt?: { connected?: boolean } } }).status?.mqtt?.connected, 30_000);
    db = new Database(path.join(app.home, 'jarvis.db'), { readonly: true, fileMustExist: true });

    const baseline = await connect(broker, 'bench-bare');
    bare = baseline;
    await new Promise<void>((resolve, reject) => baseline.subscribe('bench/#', { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    let bareCount = 0;
    let bareDone = 0n;
    baseline.on('message', () => {
      bareCount += 1;
      if (bareCount === N) bareDone = process.hrtime.bigint();
    });
    const publisher = await connect(broker, 'bench-pub');
    pub = publisher;

    ctx.log(`publishing ${N} QoS 1 messages`);
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: N }, (_, i) => new Promise<void>((resolve, reject) => publisher.publish(TOPIC, JSON.stringify({ n: i, message_id: `b-${i}` }), { qos: 1 }, (err) => (err ? reject(err) : resolve())))),
    );
    const readDb = db;
    let oursDone = 0n;
    await waitFor(
      'every message audited',
      () => {
        if (audited(readDb) < N) return false;
        oursDone = process.hrtime.bigint();
        return true;
      },
      300_000,
    );
    await waitFor('the bare subscriber', () => bareCount >= N, 60_000);
    const oursS = Number(oursDone - t0) / 1e9;
    const bareS = Number(bareDone - t0) / 1e9;
    const distinct = readDb.prepare("SELECT count(DISTINCT json_extract(payload, '$.payload.message_id')) FROM events WHERE channel = 'mqtt' AND source = ?").pluck().get(`mqtt:${TOPIC}`) as number;
    const lost = N - distinct;
    ctx.note(`${N} QoS 1 messages from one mqtt.js publisher through Mosquitto ${broker.url} (persistent session, password file); "audited" = an event row and its event.ingested audit row committed in the app (synchronous=FULL), after the daemon stored each message before its PUBACK and forwarded it in signed frames.`);
    ctx.note(`lost: ${lost} (distinct message ids stored: ${distinct}); bare subscriber counted ${bareCount}.`);
    if (lost !== 0) throw new Error(`${lost} of ${N} messages were lost`);
    return [
      row('QoS 1 burst, fully audited', N / oursS, 'msg/s', { name: 'bare mqtt.js subscriber', value: N / bareS, unit: 'msg/s', what: `a bare mqtt.js subscriber (QoS 1, same broker, same burst, same run) counting ${N} messages` }, { of: 'ratio', op: '>=', target: 0.3 }),
    ];
  } finally {
    db?.close();
    pub?.end(true);
    bare?.end(true);
    await j?.stop();
    await daemon?.stop();
    await broker.dispose();
    fs.rmSync(daemonHome, { recursive: true, force: true });
  }
}

export const entries: BenchEntry[] = [{ name: 'mqtt-burst', title: 'a QoS 1 MQTT burst through the daemon into the audited pipeline vs. a bare subscriber', run }];
