// The Home Assistant adapter (home-assistant-js-websocket on `ws`): token auth, state_changed subscription, get_states, registries, call_service.
import { callService, createConnection, ERR_INVALID_AUTH, getStates, type Connection, type HassEntity, type HaWebSocket, type StateChangedEvent } from 'home-assistant-js-websocket';
import WebSocket from 'ws';
import type { Health } from './health';

export interface HaAdapterOptions {
  url: string;
  token: string;
  health: Health;
  /** A state change as HA sent it, or one found missing after a reconnect. */
  onStateChanged(event: StateChangedEvent): void;
  /** The entity list changed as a whole (connect, reconnect). */
  onDirectory(): void;
  log(line: string): void;
}

const MAX_RETRY_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** HA serves its websocket API at /api/websocket; people type the address of the web page. */
export function haWebsocketUrl(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '').replace(/\/api\/websocket$/, '')}/api/websocket`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

class InvalidAuth extends Error {}

/** Node 20 has no global WebSocket: the library gets one from `ws`, which speaks the same event API. */
export function socketFactory(url: string, token: string): () => Promise<HaWebSocket> {
  return () =>
    new Promise<HaWebSocket>((resolve, reject) => {
      const socket = new WebSocket(haWebsocketUrl(url), { handshakeTimeout: CONNECT_TIMEOUT_MS, maxPayload: 64 * 1024 * 1024 });
      let done = false;
      const finish = (err: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.removeAllListeners('message');
        socket.terminate();
        reject(err);
      };
      const timer = setTimeout(() => finish(new Error('Home Assistant did not finish the login in time')), CONNECT_TIMEOUT_MS);
      socket.on('error', (err) => finish(err));
      socket.on('close', () => finish(new Error('Home Assistant closed the connection during login')));
      socket.on('message', (data) => {
        let msg: { type?: unknown; ha_version?: unknown; message?: unknown };
        try {
          msg = JSON.parse(data.toString()) as typeof msg;
        } catch {
          return finish(new Error('Home Assistant sent something that is not JSON during login'));
        }
        if (msg.type === 'auth_required') socket.send(JSON.stringify({ type: 'auth', access_token: token }));
        else if (msg.type === 'auth_invalid') finish(new InvalidAuth(typeof msg.message === 'string' ? msg.message.slice(0, 200) : 'invalid access token'));
        else if (msg.type === 'auth_ok') {
          done = true;
          clearTimeout(timer);
          socket.removeAllListeners('message');
          socket.removeAllListeners('close');
          socket.removeAllListeners('error');
          // A socket error after login is reported through close, which the library handles.
          socket.on('error', () => undefined);
          const ha = socket as unknown as HaWebSocket;
          ha.haVersion = typeof msg.ha_version === 'string' ? msg.ha_version : '0.0.0';
          resolve(ha);
        }
      });
    });
}

interface RegistryEntity {
  entity_id: string;
  area_id?: string | null;
  device_id?: string | null;
  name?: string | null;
}

export class HaAdapter {
  private conn: Connection | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  readonly states = new Map<string, HassEntity>();
  readonly areas = new Map<string, string>();
  readonly names = new Map<string, string>();

  constructor(private readonly o: HaAdapterOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const { health } = this.o;
    const factory = socketFactory(this.o.url, this.o.token);
    try {
      // The library's own createSocket would retry forever on a bad token; ours fails once and says so.
      const conn = await createConnection({
        setupRetry: 0,
        createSocket: async () => {
          try {
            return await factory();
          } catch (err) {
            if (err instanceof InvalidAuth) throw ERR_INVALID_AUTH;
            throw err;
          }
        },
      });
      if (this.stopped) return conn.close();
      this.conn = conn;
      this.failures = 0;
      conn.addEventListener('disconnected', () => health.disconnected('the connection to Home Assistant closed'));
      conn.addEventListener('ready', () => void this.refresh(true));
      conn.addEventListener('reconnect-error', () => {
        health.error('Home Assistant refused the access token after a reconnect; update the token in the settings');
        conn.close();
        this.conn = null;
      });
      await conn.subscribeEvents<StateChangedEvent>((ev) => this.changed(ev), 'state_changed');
      await this.refresh(false);
    } catch (err) {
      if (this.stopped) return;
      if (err === ERR_INVALID_AUTH) {
        // Retrying a refused token only gets this address banned by HA's login guard: wait for new settings.
        health.error('Home Assistant refused the access token; update the token in the settings');
        return;
      }
      this.failures += 1;
      health.error(`cannot reach Home Assistant at ${new URL(this.o.url).host}: ${(err as Error).message ?? String(err)}`);
      const wait = Math.min(MAX_RETRY_MS, 500 * 2 ** Math.min(this.failures, 10));
      this.retryTimer = setTimeout(() => void this.connect(), wait);
      this.retryTimer.unref();
    }
  }

  private changed(ev: StateChangedEvent): void {
    const id = ev.data.entity_id;
    if (ev.data.new_state) this.states.set(id, ev.data.new_state);
    else this.states.delete(id);
    this.o.health.message();
    this.o.onStateChanged(ev);
  }

  /** Reads every state and the registries; after a reconnect, changes missed while away are passed on as state changes. */
  private async refresh(reconnected: boolean): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    try {
      const fresh = await getStates(conn);
      const before = new Map(this.states);
      this.states.clear();
      for (const s of fresh) this.states.set(s.entity_id, s);
      await this.readRegistries(conn);
      this.o.health.connected(new URL(this.o.url).host);
      if (reconnected) {
        for (const s of fresh) {
          const old = before.get(s.entity_id);
          if (old?.last_updated === s.last_updated) continue;
          this.o.onStateChanged({ event_type: 'state_changed', origin: 'LOCAL', time_fired: s.last_updated, context: s.context, data: { entity_id: s.entity_id, old_state: old ?? null, new_state: s } });
        }
      }
      this.o.onDirectory();
    } catch (err) {
      this.o.health.error(`reading Home Assistant's states failed: ${(err as { message?: string }).message ?? JSON.stringify(err)}`);
    }
  }

  // Areas come from the registries, which need an admin token; without them names still resolve.
  private async readRegistries(conn: Connection): Promise<void> {
    try {
      const [areas, devices, entities] = await Promise.all([
        conn.sendMessagePromise<{ area_id: string; name: string }[]>({ type: 'config/area_registry/list' }),
        conn.sendMessagePromise<{ id: string; area_id: string | null }[]>({ type: 'config/device_registry/list' }),
        conn.sendMessagePromise<RegistryEntity[]>({ type: 'config/entity_registry/list' }),
      ]);
      const areaName = new Map(areas.map((a) => [a.area_id, a.name]));
      const deviceArea = new Map(devices.map((d) => [d.id, d.area_id]));
      this.areas.clear();
      this.names.clear();
      for (const e of entities) {
        const area = e.area_id ?? (e.device_id ? deviceArea.get(e.device_id) : null) ?? null;
        const name = area ? areaName.get(area) : undefined;
        if (name) this.areas.set(e.entity_id, name);
        if (e.name) this.names.set(e.entity_id, e.name);
      }
    } catch (err) {
      this.o.log(`Home Assistant's registries could not be read (${(err as { message?: string }).message ?? 'refused'}); names resolve without areas`);
    }
  }

  nameOf(entityId: string): string {
    const attr = this.states.get(entityId)?.attributes.friendly_name;
    return this.names.get(entityId) ?? (typeof attr === 'string' ? attr : entityId);
  }

  async callService(domain: string, service: string, data: Record<string, unknown>, entityIds: string[]): Promise<{ context_id: string | null }> {
    const conn = this.conn;
    if (!conn?.connected) throw new Error('not connected to Home Assistant');
    const result = (await callService(conn, domain, service, data, { entity_id: entityIds })) as { context?: { id?: unknown } } | null;
    const id = result?.context?.id;
    return { context_id: typeof id === 'string' ? id : null };
  }

  connected(): boolean {
    return this.conn?.connected ?? false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.conn?.close();
    this.conn = null;
    this.o.health.disconnected('stopped');
  }

  /** Logs in once with these settings and reports how it went; keeps nothing. */
  static async test(url: string, token: string): Promise<{ ok: true; version: string } | { ok: false; error: string }> {
    try {
      const socket = await socketFactory(url, token)();
      const version = socket.haVersion;
      (socket as unknown as WebSocket).close();
      return { ok: true, version };
    } catch (err) {
      if (err instanceof InvalidAuth) return { ok: false, error: `Home Assistant refused the token: ${err.message}` };
      return { ok: false, error: `cannot reach Home Assistant: ${(err as Error).message}` };
    }
  }
}
