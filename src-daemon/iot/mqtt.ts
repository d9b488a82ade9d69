// The MQTT adapter (mqtt.js): a fixed client id and a persistent session, QoS 1 subscriptions, and each message stored before the broker is acknowledged.
import fs from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Health } from './health';
import type { IotFile } from './files';

export interface MqttAdapterOptions {
  settings: IotFile['mqtt'] & { url: string };
  clientId: string;
  password: string | null;
  health: Health;
  /** Stores one message synchronously; throwing leaves it unacknowledged, so the broker sends it again. */
  persist(packet: IPublishPacket): void;
  log(line: string): void;
}

const MIN_RECONNECT_MS = 500;
const YIELD_EVERY = 32;
const MAX_RECONNECT_MS = 30_000;
/** The broker keeps this client's session (subscriptions and queued QoS 1 messages) this long while it is away. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

/** mqtt.js's errors say what failed; none carries the password, but a URL could, so only its host is named. */
function describe(err: unknown): string {
  const e = err as { message?: string; code?: string | number };
  return `${e.message ?? String(err)}${typeof e.code === 'string' ? ` (${e.code})` : ''}`;
}

export class MqttAdapter {
  private client: MqttClient | null = null;
  private failures = 0;
  private handled = 0;

  constructor(private readonly o: MqttAdapterOptions) {}

  static clientOptions(o: Pick<MqttAdapterOptions, 'settings' | 'clientId' | 'password'>): IClientOptions {
    const s = o.settings;
    const v5 = s.protocol_version === 5;
    return {
      clientId: o.clientId,
      // A persistent session: messages published while Jarvis is away wait at the broker.
      clean: false,
      protocolVersion: s.protocol_version,
      ...(v5 ? { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
      ...(s.username ? { username: s.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      reconnectPeriod: MIN_RECONNECT_MS,
      connectTimeout: 10_000,
      keepalive: 30,
      // Subscriptions are made on each connect whose session the broker did not keep.
      resubscribe: false,
      ...(s.tls ? { rejectUnauthorized: s.tls.reject_unauthorized, ...(s.tls.ca_file ? { ca: fs.readFileSync(s.tls.ca_file) } : {}) } : {}),
    };
  }

  start(): void {
    const { settings, health, log } = this.o;
    const client = mqtt.connect(settings.url, MqttAdapter.clientOptions(this.o));
    this.client = client;
    // Stored before the PUBACK: mqtt.js sends the acknowledgement only once this callback ran without an error.
    client.handleMessage = (packet, callback) => {
      try {
        this.o.persist(packet);
        health.message();
        // mqtt.js walks a burst on process.nextTick, which starves every other socket (the app's acks among
        // them) until the burst ends; every so often the next packet waits one turn of the event loop.
        if (++this.handled % YIELD_EVERY === 0) setImmediate(callback);
        else callback();
      } catch (err) {
        log(`could not store an MQTT message on ${packet.topic}: ${(err as Error).message}; the broker will send it again`);
        callback(err as Error);
      }
    };
    client.on('connect', (connack) => {
      this.failures = 0;
      client.options.reconnectPeriod = MIN_RECONNECT_MS;
      health.connected(new URL(settings.url).host);
      if (!connack.sessionPresent && settings.subscriptions.length > 0) {
        const topics = Object.fromEntries(settings.subscriptions.map((s) => [s.topic, { qos: s.qos }]));
        client.subscribe(topics, (err, granted) => {
          if (err) health.error(`subscribing failed: ${describe(err)}`);
          const refused = (granted ?? []).filter((g) => g.qos === 128);
          if (refused.length) health.error(`the broker refused ${refused.map((g) => g.topic).join(', ')}`);
        });
      }
    });
    client.on('close', () => {
      health.disconnected('the connection to the broker closed');
      // Backoff: each failed attempt in a row doubles the wait, up to 30 s.
      this.failures += 1;
      client.options.reconnectPeriod = Math.min(MAX_RECONNECT_MS, MIN_RECONNECT_MS * 2 ** Math.min(this.failures, 10));
    });
    client.on('error', (err) => health.error(describe(err)));
  }

  async publish(topic: string, payload: string, qos: 0 | 1 | 2, retain: boolean): Promise<{ message_id: number | null }> {
    const client = this.client;
    if (!client?.connected) throw new Error('not connected to the MQTT broker');
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, { qos, retain }, (err, packet) => {
        if (err) reject(new Error(describe(err)));
        else resolve({ message_id: (packet as IPublishPacket | undefined)?.messageId ?? null });
      });
    });
  }

  connected(): boolean {
    return this.client?.connected ?? false;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    this.o.health.disconnected('stopped');
  }

  /** Connects once with these settings and reports how it went; keeps nothing. */
  static async test(o: Pick<MqttAdapterOptions, 'settings' | 'clientId' | 'password'>, timeoutMs = 8000): Promise<{ ok: true } | { ok: false; error: string }> {
    const client = mqtt.connect(o.settings.url, { ...MqttAdapter.clientOptions(o), clean: true, reconnectPeriod: 0, connectTimeout: timeoutMs, properties: {} });
    try {
      return await new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ ok: false, error: 'no answer from the broker in time' }), timeoutMs + 500);
        client.once('connect', () => {
          clearTimeout(timer);
          resolve({ ok: true });
        });
        client.once('error', (err) => {
          clearTimeout(timer);
          resolve({ ok: false, error: describe(err) });
        });
        client.once('close', () => {
          clearTimeout(timer);
          resolve({ ok: false, error: 'the broker closed the connection' });
        });
      });
    } finally {
      client.end(true);
    }
  }
}
