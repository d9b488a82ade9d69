// The app's inbound link to the paired daemon: one subscribed connection whose signed frames bring home events, health and the entity directory.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import {
  DaemonMessage,
  ed25519PublicKey,
  INBOUND_TYP,
  InboundClaims,
  MAX_TOKEN_LIFETIME_S,
  signCompact,
  SUBSCRIBE_TYP,
  verifyCompact,
  type DirectoryEntry,
  type InboundEvent,
  type IotStatus,
  type SubscribeClaims,
} from '../../../../src-daemon/protocol';
import type { AuditLog } from '../../audit';
import type { DaemonLink } from './client';
import type { AppIdentity } from './keys';

/** Stores a batch of events; it must be all or nothing, since the daemon forgets whatever is acknowledged. */
export type InboundSink = (events: InboundEvent[]) => void;

export interface InboundState {
  /** Subscribed on a live connection. */
  connected: boolean;
  since: string | null;
  last_event_at: string | null;
  last_error: string | null;
  events_received: number;
  status: IotStatus | null;
}

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** While no daemon is paired, the link looks again this often (pairing may happen from the CLI, another process). */
const UNPAIRED_POLL_MS = 2000;

export class InboundLink {
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private state: InboundState = { connected: false, since: null, last_event_at: null, last_error: null, events_received: 0, status: null };
  private directory: DirectoryEntry[] = [];
  private byId = new Map<string, DirectoryEntry>();
  private incoming: { version: number; parts: DirectoryEntry[][] } | null = null;
  private readonly statusListeners = new Set<(s: IotStatus) => void>();

  constructor(
    private readonly link: () => DaemonLink | undefined,
    private readonly identity: AppIdentity,
    private readonly audit: AuditLog,
    private readonly sink: InboundSink,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** After a new pairing: drop the old connection and subscribe to whatever is paired now. */
  restart(): void {
    if (!this.running) return;
    this.ws?.terminate();
    this.ws = null;
    this.failures = 0;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.terminate();
    this.ws = null;
  }

  view(): InboundState {
    return { ...this.state };
  }

  entities(): readonly DirectoryEntry[] {
    return this.directory;
  }

  /** One entity's name and last known state, for dry-run previews. */
  entity(entityId: string): { name: string; state: string } | undefined {
    return this.byId.get(entityId);
  }

  onStatus(listener: (s: IotStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, ms);
    this.timer.unref();
  }

  private retry(error: string | null): void {
    if (error) this.state.last_error = error;
    this.failures += 1;
    this.schedule(Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** Math.min(this.failures, 10)));
  }

  private connect(): void {
    const link = this.link();
    if (!link) return this.schedule(UNPAIRED_POLL_MS);
    const ws = new WebSocket(link.url, { handshakeTimeout: 5000, maxPayload: 4 * 1024 * 1024 });
    this.ws = ws;
    let subscribed = false;
    ws.on('message', (data) => {
      if (this.ws !== ws) return;
      let msg: DaemonMessage;
      try {
        msg = DaemonMessage.parse(JSON.parse(data.toString()));
      } catch {
        return; // not the protocol: ignored, never trusted
      }
      try {
        if (msg.type === 'hello') this.hello(ws, link, msg);
        else if (msg.type === 'subscribed') {
          subscribed = true;
          this.failures = 0;
          this.state = { ...this.state, connected: true, since: new Date().toISOString(), last_error: null };
          this.audit.append({ type: 'daemon.inbound_connected', actor: 'system', subject: link.daemon_id, payload: { url: link.url } });
        } else if (msg.type === 'error' && !subscribed) {
          this.state.last_error = `the daemon refused the subscription: ${msg.error.message}`;
          ws.close();
        } else if (msg.type === 'inbound') this.frame(ws, link, msg.frame);
      } catch (err) {
        // A frame that cannot be stored is not acknowledged: the connection is dropped and the daemon sends it again.
        this.state.last_error = `an inbound frame could not be handled: ${(err as Error).message}`;
        ws.terminate();
      }
    });
    ws.on('error', (err) => {
      this.state.last_error = `cannot reach the daemon at ${link.url}: ${err.message}`;
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.state.connected) {
        this.state = { ...this.state, connected: false, since: new Date().toISOString() };
        this.audit.append({ type: 'daemon.inbound_disconnected', actor: 'system', subject: link.daemon_id, payload: { url: link.url, reason: this.state.last_error ?? 'the connection closed' } });
      }
      this.retry(null);
    });
  }

  private hello(ws: WebSocket, link: DaemonLink, hello: Extract<DaemonMessage, { type: 'hello' }>): void {
    if (hello.daemon_key !== link.daemon_key || hello.daemon_id !== link.daemon_id) {
      this.state.last_error = `the daemon at ${link.url} presented a different key than the one pinned at pairing; nothing is accepted from it`;
      ws.close();
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims: SubscribeClaims = { iss: this.identity.fingerprint, aud: link.daemon_id, jti: crypto.randomBytes(18).toString('base64url'), iat: now, exp: now + MAX_TOKEN_LIFETIME_S };
    ws.send(JSON.stringify({ type: 'subscribe', token: signCompact(claims, SUBSCRIBE_TYP, this.identity.privateKey) }));
  }

  private frame(ws: WebSocket, link: DaemonLink, jws: string): void {
    const checked = verifyCompact(jws, INBOUND_TYP, ed25519PublicKey(link.daemon_key));
    if (!checked.ok) throw new Error(`a frame failed its signature check (${checked.reason})`);
    const claims = InboundClaims.parse(JSON.parse(checked.payload.toString('utf8')));
    if (claims.aud !== this.identity.fingerprint || claims.iss !== link.daemon_id) throw new Error('a frame was addressed to another app');
    const { body } = claims;
    switch (body.kind) {
      case 'events': {
        this.sink(body.events);
        // The directory's states follow the changes, so a preview between two full refreshes reads the current one.
        for (const e of body.events) {
          const entry = e.kind === 'ha' && e.new_state ? this.byId.get(e.entity_id) : undefined;
          if (entry && e.kind === 'ha' && e.new_state) entry.state = e.new_state.state;
        }
        const last = body.events[body.events.length - 1]?.seq ?? 0;
        this.state.events_received += body.events.length;
        this.state.last_event_at = new Date().toISOString();
        ws.send(JSON.stringify({ type: 'ack', seq: last }));
        return;
      }
      case 'status':
        this.status(link, body.status);
        return;
      case 'directory': {
        if (!this.incoming || this.incoming.version !== body.version) this.incoming = { version: body.version, parts: [] };
        this.incoming.parts[body.part] = body.entities;
        if (this.incoming.parts.filter(Boolean).length === body.parts) {
          this.directory = this.incoming.parts.flat();
          this.byId = new Map(this.directory.map((d) => [d.entity_id, d]));
          this.incoming = null;
        }
        return;
      }
      default: {
        const never: never = body;
        throw new Error(`unknown frame ${String(never)}`);
      }
    }
  }

  private status(link: DaemonLink, status: IotStatus): void {
    const before = this.state.status;
    this.state.status = status;
    // The daemon audits every connect and disconnect itself; the app keeps the changes it saw, for its own timeline.
    for (const adapter of ['ha', 'mqtt'] as const) {
      const was = before?.[adapter].connected ?? false;
      const now = status[adapter].connected;
      if (was !== now) this.audit.append({ type: now ? 'iot.connected' : 'iot.disconnected', actor: 'daemon', subject: adapter, payload: { adapter, daemon_id: link.daemon_id, last_error: status[adapter].last_error } });
    }
    for (const l of this.statusListeners) l(status);
  }
}
