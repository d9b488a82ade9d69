// The daemon's home hub: owns the HA and MQTT adapters, turns what they hear into stored inbound events, and serves the home capabilities.
import crypto from 'node:crypto';
import type { StateChangedEvent } from 'home-assistant-js-websocket';
import type { IPublishPacket } from 'mqtt';
import { z } from 'zod';
import { MAX_MQTT_PAYLOAD_BYTES, openSealed, type CapabilitiesFile, type DirectoryEntry, type InboundBody, type IotStatus, type Subscription } from '../protocol';
import type { DaemonStore } from '../store';
import { Forwarder, type SubscriberSocket } from './forward';
import { loadIotFile, loadSealKey, loadSecrets, type IotFile, type SealKey, type Secrets } from './files';
import { HaAdapter } from './ha';
import { Health } from './health';
import { MqttAdapter } from './mqtt';
import { Outbox } from './outbox';
import { anyEntityMatches, topicMatches } from './patterns';

export interface IotHubOptions {
  home: string;
  store: DaemonStore;
  /** The daemon id, for the default MQTT client id. */
  daemonId: string;
  caps(): CapabilitiesFile;
  /** Writes the daemon's own capabilities.json and puts it in force; throws, changing nothing, if it would not load. */
  replaceCaps(next: CapabilitiesFile): void;
  sign(app: string, body: InboundBody): string;
  log(line: string): void;
}

/** How long a state change waits for the service call in flight that may have caused it, so it can carry that call's trace. */
const HOLD_MS = 3000;
const TRACE_TTL_MS = 60_000;
const DIRECTORY_PART = 400;

type StateView = { state: string; attributes: Record<string, unknown>; last_changed: string; last_updated: string };
const view = (s: StateChangedEvent['data']['new_state']): StateView | null => (s ? { state: String(s.state).slice(0, 255), attributes: s.attributes, last_changed: s.last_changed, last_updated: s.last_updated } : null);

export class IotHub {
  readonly outbox: Outbox;
  readonly forwarder: Forwarder;
  readonly ha: Health;
  readonly mqtt: Health;
  config: IotFile;
  private secrets: Secrets;
  readonly sealKey: SealKey;
  private haAdapter: HaAdapter | null = null;
  private mqttAdapter: MqttAdapter | null = null;
  private validators = new Map<number, z.ZodType>();
  private callsInFlight = 0;
  private held: { ev: StateChangedEvent; at: number }[] = [];
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly traces = new Map<string, { trace: string; at: number }>();
  private readonly contextWaiters = new Map<string, ((ev: StateChangedEvent) => void)[]>();
  private statusTimer: NodeJS.Timeout | null = null;
  private directoryTimer: NodeJS.Timeout | null = null;
  private directoryVersion = 0;
  private readonly pruner: NodeJS.Timeout;

  readonly home: string;

  constructor(private readonly o: IotHubOptions) {
    this.home = o.home;
    this.config = loadIotFile(o.home);
    this.secrets = loadSecrets(o.home);
    this.sealKey = loadSealKey(o.home);
    this.outbox = new Outbox(o.store.db);
    this.forwarder = new Forwarder(this.outbox, o.sign, (app) => o.store.activeApp(app) !== undefined, o.log);
    const audit = (type: string, payload: Record<string, unknown>) => {
      try {
        o.store.audit.append(type, String(payload.adapter ?? 'iot'), payload);
      } catch (err) {
        o.log(`could not audit ${type}: ${(err as Error).message}`);
      }
    };
    this.ha = new Health('ha', audit, () => this.statusChanged());
    this.mqtt = new Health('mqtt', audit, () => this.statusChanged());
    this.pruner = setInterval(() => {
      try {
        this.outbox.prune();
      } catch (err) {
        o.log(`could not prune the inbound outbox: ${(err as Error).message}`);
      }
    }, 10 * 60 * 1000);
    this.pruner.unref();
  }

  /** The client id the broker knows this daemon by: fixed per daemon, so its session survives restarts. */
  clientId(): string {
    return this.config.mqtt.client_id ?? `jarvis-${this.o.daemonId.slice(0, 16)}`;
  }

  /** Starts whatever is configured; a setting that cannot be used shows as that adapter's error, never as a daemon that will not start. */
  start(): void {
    const { ha, mqtt } = this.config;
    this.ha.configured(ha.url !== null && this.secrets.ha_token !== undefined);
    this.mqtt.configured(mqtt.url !== null);
    if (ha.url && this.secrets.ha_token) {
      this.haAdapter = new HaAdapter({ url: ha.url, token: this.secrets.ha_token, health: this.ha, onStateChanged: (ev) => this.stateChanged(ev), onDirectory: () => this.directoryChanged(), log: this.o.log });
      this.haAdapter.start();
    }
    if (mqtt.url) {
      this.validators = new Map(mqtt.subscriptions.flatMap((s, i) => (s.schema ? [[i, this.validator(s.topic, s.schema)] as const] : [])));
      try {
        this.mqttAdapter = new MqttAdapter({ settings: { ...mqtt, url: mqtt.url }, clientId: this.clientId(), password: this.secrets.mqtt_password ?? null, health: this.mqtt, persist: (p) => this.mqttMessage(p), log: this.o.log });
        this.mqttAdapter.start();
      } catch (err) {
        this.mqttAdapter = null;
        this.mqtt.error(`the MQTT settings cannot be used: ${(err as Error).message}`);
      }
    }
  }

  /** A subscription's JSON Schema; one that cannot be read rejects every message, saying why. */
  private validator(topic: string, schema: Record<string, unknown>): z.ZodType {
    try {
      return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (err) {
      this.mqtt.error(`the schema of subscription ${topic} cannot be used: ${(err as Error).message}`);
      return z.never({ error: 'the subscription\'s schema cannot be used' });
    }
  }

  async stopAdapters(): Promise<void> {
    const ha = this.haAdapter;
    const mqtt = this.mqttAdapter;
    this.haAdapter = null;
    this.mqttAdapter = null;
    await Promise.all([ha?.stop(), mqtt?.stop()]);
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    for (const t of [this.holdTimer, this.statusTimer, this.directoryTimer]) if (t) clearTimeout(t);
    await this.stopAdapters();
  }

  /** Re-reads iot.json and secrets.json and reconnects with them. */
  async reload(): Promise<void> {
    await this.stopAdapters();
    this.config = loadIotFile(this.o.home);
    this.secrets = loadSecrets(this.o.home);
    this.start();
    this.statusChanged();
  }

  openSecret(sealed: string, context: 'ha_token' | 'mqtt_password'): string | null {
    return openSealed(sealed, this.sealKey.privateKey, context);
  }

  // ---- inbound: MQTT ----

  private subscriptionFor(topic: string): { sub: Subscription; index: number } | null {
    const index = this.config.mqtt.subscriptions.findIndex((s) => topicMatches(s.topic, topic));
    const sub = this.config.mqtt.subscriptions[index];
    return sub ? { sub, index } : null;
  }

  private reject(topic: string, reason: string, bytes: number): void {
    this.o.store.audit.append('mqtt.message_rejected', topic.slice(0, 200), { topic, reason, bytes });
    this.outbox.add({ kind: 'rejected', source: 'mqtt', topic, reason, bytes, received_at: new Date().toISOString() });
    this.forwarder.schedule();
  }

  /** Runs before the PUBACK: whatever it stores is safe; whatever it throws is sent again by the broker. */
  mqttMessage(packet: IPublishPacket): void {
    const topic = packet.topic;
    const raw = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const match = this.subscriptionFor(topic);
    if (!match) return this.reject(topic, 'no subscription covers this topic', raw.length);
    if (raw.length > MAX_MQTT_PAYLOAD_BYTES) return this.reject(topic, `the payload is ${raw.length} bytes, over the limit of ${MAX_MQTT_PAYLOAD_BYTES}`, raw.length);
    let payload: unknown;
    if (match.sub.format === 'binary') payload = raw.toString('base64');
    else {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        return this.reject(topic, `the subscription expects ${match.sub.format}, and the payload is not UTF-8 text`, raw.length);
      }
      if (match.sub.format === 'text') payload = text;
      else {
        try {
          payload = JSON.parse(text);
        } catch {
          return this.reject(topic, 'the subscription expects JSON, and the payload is not JSON', raw.length);
        }
        const schema = this.validators.get(match.index);
        const checked = schema?.safeParse(payload);
        if (checked && !checked.success) {
          const issue = checked.error.issues[0];
          return this.reject(topic, `the payload does not meet the subscription's schema: ${issue ? `${issue.path.join('.') || '(payload)'} ${issue.message}` : 'invalid'}`, raw.length);
        }
      }
    }
    const props = packet.properties?.userProperties?.message_id;
    const fromProps = Array.isArray(props) ? props[0] : props;
    const fromBody = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as { message_id?: unknown }).message_id : undefined;
    const messageId = typeof fromProps === 'string' && fromProps ? fromProps.slice(0, 200) : typeof fromBody === 'string' && fromBody ? fromBody.slice(0, 200) : null;
    // With the publisher's id a redelivery is recognised for sure; without it, by topic and payload within the app's dedupe window.
    const dedupe = messageId !== null ? `id:${crypto.createHash('sha256').update(`${topic}\0${messageId}`).digest('hex').slice(0, 40)}` : `sha:${crypto.createHash('sha256').update(topic).update('\0').update(raw).digest('hex').slice(0, 40)}`;
    this.outbox.add({ kind: 'mqtt', topic, payload, qos: packet.qos, retain: packet.retain, message_id: messageId, dedupe_key: dedupe, received_at: new Date().toISOString() });
    this.forwarder.schedule();
  }

  // ---- inbound: Home Assistant ----

  private stateChanged(ev: StateChangedEvent): void {
    // A change may arrive before the result of the call that caused it: held until that call says its context id.
    if (this.callsInFlight > 0) {
      this.held.push({ ev, at: Date.now() });
      this.holdTimer ??= setTimeout(() => this.release(), HOLD_MS);
      return;
    }
    this.emit(ev);
  }

  private release(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const held = this.held;
    this.held = [];
    for (const h of held) this.emit(h.ev);
  }

  private emit(ev: StateChangedEvent): void {
    const contextId = ev.context?.id ?? '';
    for (const waiter of this.contextWaiters.get(contextId) ?? []) waiter(ev);
    const id = ev.data.entity_id;
    if (!anyEntityMatches(this.config.ha.watch, id)) return;
    const newState = view(ev.data.new_state);
    const trace = this.traces.get(contextId)?.trace ?? null;
    try {
      this.outbox.add({
        kind: 'ha',
        entity_id: id,
        event_type: 'state_changed',
        old_state: view(ev.data.old_state),
        new_state: newState,
        context_id: contextId.slice(0, 128),
        trace,
        // HA's context id names the cause; with the entity and update time it names this one change, however often it is read.
        dedupe_key: `${contextId}/${id}/${newState?.last_updated ?? ''}`.slice(0, 300),
        received_at: new Date().toISOString(),
      });
    } catch (err) {
      this.o.log(`could not store a state change of ${id}: ${(err as Error).message}`);
      return;
    }
    this.forwarder.schedule();
  }

  // ---- status and directory ----

  private statusChanged(): void {
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = null;
      this.forwarder.broadcast({ kind: 'status', status: this.status(null) });
    }, 100);
  }

  private directoryChanged(): void {
    this.directoryTimer ??= setTimeout(() => {
      this.directoryTimer = null;
      for (const body of this.directoryFrames()) this.forwarder.broadcast(body);
      this.statusChanged();
    }, 100);
  }

  currentCaps(): CapabilitiesFile {
    return this.o.caps();
  }

  replaceCaps(next: CapabilitiesFile): void {
    this.o.replaceCaps(next);
  }

  /** After capabilities.json changed: the allowed and critical flags in the directory changed with it. */
  capsChanged(): void {
    this.directoryChanged();
    this.statusChanged();
  }

  status(app: string | null): IotStatus {
    const caps = this.o.caps().capabilities;
    const { ha, mqtt } = this.config;
    return {
      ha: { ...this.ha.view(), url: ha.url, has_token: this.secrets.ha_token !== undefined, watch: ha.watch, entities: this.haAdapter?.states.size ?? 0 },
      mqtt: { ...this.mqtt.view(), url: mqtt.url, username: mqtt.username, has_password: this.secrets.mqtt_password !== undefined, client_id: this.clientId(), protocol_version: mqtt.protocol_version, subscriptions: mqtt.subscriptions },
      allow: { call_service: caps['ha.call_service']?.entities ?? [], get_state: caps['ha.get_state']?.entities ?? [], publish: caps['mqtt.publish']?.topics ?? [] },
      critical: caps['ha.call_service']?.critical ?? [],
      seal_key: this.sealKey.publicRaw,
      backlog: app ? this.outbox.backlog(app) : 0,
    };
  }

  entities(): { entity_id: string; name: string; area: string | null; state: string }[] {
    const ha = this.haAdapter;
    if (!ha) return [];
    return [...ha.states.values()].map((s) => ({ entity_id: s.entity_id, name: ha.nameOf(s.entity_id).slice(0, 255), area: ha.areas.get(s.entity_id) ?? null, state: String(s.state).slice(0, 255) }));
  }

  directoryFrames(): InboundBody[] {
    const caps = this.o.caps().capabilities;
    const allowed = caps['ha.call_service']?.entities ?? [];
    const critical = caps['ha.call_service']?.critical ?? [];
    const entries: DirectoryEntry[] = this.entities().map((e) => ({ ...e, allowed: anyEntityMatches(allowed, e.entity_id), critical: critical.includes(e.entity_id) }));
    const parts = Math.max(1, Math.ceil(entries.length / DIRECTORY_PART));
    const version = ++this.directoryVersion;
    return Array.from({ length: parts }, (_, part) => ({ kind: 'directory' as const, version, part, parts, entities: entries.slice(part * DIRECTORY_PART, (part + 1) * DIRECTORY_PART) }));
  }

  /** A paired app's connection that proved itself with a subscribe token: status, directory, then every unacknowledged event. */
  subscribe(socket: SubscriberSocket): () => void {
    return this.forwarder.attach(socket, [{ kind: 'status', status: this.status(socket.app) }, ...this.directoryFrames()]);
  }

  // ---- what the capabilities use ----

  haReady(): HaAdapter {
    if (!this.haAdapter) throw new Error('Home Assistant is not set up on this daemon (no address or token)');
    return this.haAdapter;
  }

  mqttReady(): MqttAdapter {
    if (!this.mqttAdapter) throw new Error('MQTT is not set up on this daemon (no broker address)');
    return this.mqttAdapter;
  }

  /** Calls a service and waits briefly for the change it caused, which is linked to `trace`. */
  async callService(domain: string, service: string, data: Record<string, unknown>, entityIds: string[], trace: string): Promise<{ context_id: string | null; changes: { entity_id: string; from: string | null; to: string | null }[] }> {
    const ha = this.haReady();
    this.callsInFlight += 1;
    let contextId: string | null = null;
    const seen: StateChangedEvent[] = [];
    let wake: (() => void) | null = null;
    const collect = (ev: StateChangedEvent): void => {
      seen.push(ev);
      if (entityIds.every((id) => seen.some((s) => s.data.entity_id === id))) wake?.();
    };
    try {
      ({ context_id: contextId } = await ha.callService(domain, service, data, entityIds));
      if (contextId) {
        const now = Date.now();
        for (const [k, v] of this.traces) if (now - v.at > TRACE_TTL_MS) this.traces.delete(k);
        this.traces.set(contextId, { trace, at: now });
        this.contextWaiters.set(contextId, [...(this.contextWaiters.get(contextId) ?? []), collect]);
      }
    } finally {
      this.callsInFlight -= 1;
      if (this.callsInFlight === 0) this.release();
    }
    if (contextId) {
      if (!entityIds.every((id) => seen.some((s) => s.data.entity_id === id))) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 2000).unref();
        });
      }
      this.contextWaiters.delete(contextId);
    }
    return {
      context_id: contextId,
      changes: entityIds.map((id) => {
        const ev = seen.find((s) => s.data.entity_id === id);
        return { entity_id: id, from: ev?.data.old_state?.state ?? null, to: ev?.data.new_state?.state ?? ha.states.get(id)?.state ?? null };
      }),
    };
  }
}
