// A Home Assistant websocket API for tests, following HA's documented messages: the auth phase, id'd commands answered by `result`, `event` frames, services that change state.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SimEntity {
  entity_id: string;
  state: string;
  name: string;
  area_id?: string;
  attributes?: Record<string, unknown>;
}

interface Context {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

interface State {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  context: Context;
}

export interface ServiceCall {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  entity_ids: string[];
  context_id: string;
}

export interface HaSimulator {
  /** http://127.0.0.1:PORT — what a person types; the API is at /api/websocket. */
  url: string;
  token: string;
  states: Map<string, State>;
  calls: ServiceCall[];
  /** Every message a client sent after logging in (never the auth message). */
  received: Record<string, unknown>[];
  authFailures: number;
  /** A change made outside Jarvis (a wall switch): emits state_changed with a fresh context. */
  setState(entityId: string, state: string): void;
  /** Cuts every connection, as a restarting HA does. */
  dropConnections(): void;
  connections(): number;
  close(): Promise<void>;
}

const HA_VERSION = '2025.1.0';

/** ULIDs are what HA uses for context ids: 26 Crockford base32 characters. */
function ulid(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = Date.now();
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = alphabet[time % 32] + out;
    time = Math.floor(time / 32);
  }
  for (const b of crypto.randomBytes(16)) out += alphabet[b % 32];
  return out;
}

const context = (): Context => ({ id: ulid(), parent_id: null, user_id: 'a0b1c2d3e4f5' });

/** What a service does to one entity's state and attributes; null when the domain has no such service. */
function apply(domain: string, service: string, current: State, data: Record<string, unknown>): { state: string; attributes: Record<string, unknown> } | null {
  const attrs = { ...current.attributes };
  const onOff = (on: boolean) => ({ state: on ? 'on' : 'off', attributes: attrs });
  const entityDomain = current.entity_id.split('.')[0] ?? '';
  const d = domain === 'homeassistant' ? entityDomain : domain;
  if (d !== entityDomain) return null;
  switch (`${d}.${service}`) {
    case 'light.turn_on':
      if (typeof data.brightness_pct === 'number') attrs.brightness = Math.round((data.brightness_pct / 100) * 255);
      return onOff(true);
    case 'light.turn_off':
    case 'switch.turn_off':
    case 'fan.turn_off':
    case 'input_boolean.turn_off':
      return onOff(false);
    case 'switch.turn_on':
    case 'fan.turn_on':
    case 'input_boolean.turn_on':
      return onOff(true);
    case 'light.toggle':
    case 'switch.toggle':
    case 'fan.toggle':
      return onOff(current.state !== 'on');
    case 'lock.lock':
      return { state: 'locked', attributes: attrs };
    case 'lock.unlock':
      return { state: 'unlocked', attributes: attrs };
    case 'cover.open_cover':
      return { state: 'open', attributes: { ...attrs, current_position: 100 } };
    case 'cover.close_cover':
      return { state: 'closed', attributes: { ...attrs, current_position: 0 } };
    case 'climate.set_temperature':
      return { state: current.state, attributes: { ...attrs, temperature: data.temperature } };
    default:
      return null;
  }
}

export async function startHaSimulator(options: { token: string; entities: SimEntity[]; areas?: { area_id: string; name: string }[] }): Promise<HaSimulator> {
  const now = new Date().toISOString();
  const states = new Map<string, State>(
    options.entities.map((e) => [e.entity_id, { entity_id: e.entity_id, state: e.state, attributes: { friendly_name: e.name, ...e.attributes }, last_changed: now, last_updated: now, context: context() }]),
  );
  const registry = options.entities.map((e) => ({ entity_id: e.entity_id, area_id: e.area_id ?? null, device_id: null, name: null, platform: 'demo' }));
  const server = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/api/websocket' });
  const subscribers = new Set<{ ws: WebSocket; id: number; eventType: string | null }>();
  const sim: HaSimulator = {
    url: '',
    token: options.token,
    states,
    calls: [],
    received: [],
    authFailures: 0,
    setState(entityId, state) {
      change(entityId, state, states.get(entityId)?.attributes ?? {}, context());
    },
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    connections: () => wss.clients.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function fire(eventType: string, data: Record<string, unknown>, ctx: Context): void {
    const event = { event_type: eventType, data, origin: 'LOCAL', time_fired: new Date().toISOString(), context: ctx };
    for (const s of subscribers) {
      if (s.eventType !== null && s.eventType !== eventType) continue;
      if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify({ id: s.id, type: 'event', event }));
    }
  }

  function change(entityId: string, state: string, attributes: Record<string, unknown>, ctx: Context): void {
    const old = states.get(entityId);
    if (!old) return;
    const at = new Date().toISOString();
    const next: State = { entity_id: entityId, state, attributes, last_changed: state === old.state ? old.last_changed : at, last_updated: at, context: ctx };
    states.set(entityId, next);
    fire('state_changed', { entity_id: entityId, old_state: old, new_state: next }, ctx);
  }

  wss.on('connection', (ws) => {
    let authed = false;
    let lastId = 0;
    const send = (msg: Record<string, unknown>) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg));
    const result = (id: number, value: unknown) => send({ id, type: 'result', success: true, result: value });
    const error = (id: number, code: string, message: string) => send({ id, type: 'result', success: false, error: { code, message } });
    send({ type: 'auth_required', ha_version: HA_VERSION });
    ws.on('close', () => {
      for (const s of subscribers) if (s.ws === ws) subscribers.delete(s);
    });
    ws.on('message', (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(raw.toString()) as Record<string, unknown>;
      } catch {
        ws.close(1003);
        return;
      }
      if (!authed) {
        if (msg.type === 'auth' && msg.access_token === options.token) {
          authed = true;
          send({ type: 'auth_ok', ha_version: HA_VERSION });
        } else {
          sim.authFailures += 1;
          send({ type: 'auth_invalid', message: 'Invalid access token or password' });
          ws.close();
        }
        return;
      }
      sim.received.push(msg);
      const id = msg.id;
      if (typeof id !== 'number') return void send({ type: 'result', success: false, error: { code: 'invalid_format', message: 'Message incorrectly formatted: required key not provided @ data[\'id\']' } });
      if (id <= lastId) return void error(id, 'id_reuse', 'Identifier values have to increase.');
      lastId = id;
      switch (msg.type) {
        case 'supported_features':
          return void result(id, null);
        case 'ping':
          return void send({ id, type: 'pong' });
        case 'subscribe_events':
          subscribers.add({ ws, id, eventType: typeof msg.event_type === 'string' ? msg.event_type : null });
          return void result(id, null);
        case 'unsubscribe_events': {
          const sub = [...subscribers].find((s) => s.ws === ws && s.id === msg.subscription);
          if (!sub) return void error(id, 'not_found', 'Subscription not found.');
          subscribers.delete(sub);
          return void result(id, null);
        }
        case 'get_states':
          return void result(id, [...states.values()]);
        case 'get_config':
          return void result(id, { version: HA_VERSION, location_name: 'Test Home', time_zone: 'UTC', components: ['light', 'lock'], state: 'RUNNING' });
        case 'config/area_registry/list':
          return void result(id, (options.areas ?? []).map((a) => ({ ...a, aliases: [], floor_id: null })));
        case 'config/device_registry/list':
          return void result(id, []);
        case 'config/entity_registry/list':
          return void result(id, registry);
        case 'call_service': {
          const domain = String(msg.domain ?? '');
          const service = String(msg.service ?? '');
          const data = (msg.service_data ?? {}) as Record<string, unknown>;
          const target = (msg.target ?? {}) as { entity_id?: string | string[] };
          const raw = target.entity_id ?? data.entity_id;
          const ids = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
          const missing = ids.filter((e) => !states.has(e));
          if (missing.length) return void error(id, 'not_found', `Entity ${missing.join(', ')} not found.`);
          const plan = ids.map((e) => ({ e, next: apply(domain, service, states.get(e) as State, data) }));
          if (ids.length === 0 || plan.some((p) => p.next === null)) return void error(id, 'not_found', `Service ${domain}.${service} not found.`);
          const ctx = context();
          sim.calls.push({ domain, service, service_data: data, entity_ids: ids, context_id: ctx.id });
          fire('call_service', { domain, service, service_data: data }, ctx);
          // As in HA, the state changes reach subscribers before the call's own result.
          for (const p of plan) if (p.next) change(p.e, p.next.state, p.next.attributes, ctx);
          return void result(id, { context: ctx, response: null });
        }
        default:
          return void error(id, 'unknown_command', 'Unknown command.');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sim;
}
