// The app's daemon client: pairs once (pinning the daemon's key), mints one signed single-use token per command, checks signed replies.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import {
  COMMAND_TYP,
  DaemonMessage,
  ed25519PublicKey,
  KILL_TYP,
  MAX_TOKEN_LIFETIME_S,
  REPLY_TYP,
  ReplyClaims,
  signCompact,
  verifyCompact,
  type CapabilityId,
  type CommandClaims,
  type KillClaims,
  type Risk,
} from '../../../../src-daemon/protocol';
import type { AuditLog } from '../../audit';
import { stmt, type Db } from '../../db';
import { InboundLink, type InboundSink, type InboundState } from './inbound';
import type { AppIdentity } from './keys';

export interface DaemonLink {
  url: string;
  daemon_id: string;
  daemon_key: string;
  paired_at: string;
}

export interface DaemonState {
  paired: boolean;
  connected: boolean;
  url: string | null;
  daemon_id: string | null;
  app_fingerprint: string;
  last_error: string | null;
  /** The inbound link (home events and health) and what the daemon last said about Home Assistant and MQTT. */
  iot: InboundState | null;
}

/** The daemon refused or failed a command; `code` is one of the protocol's refusal codes. */
export class DaemonError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Pending = { resolve: (m: DaemonMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

const COMMAND_TIMEOUT_MS = 150_000;
const jti = () => crypto.randomBytes(18).toString('base64url');

export class DaemonClient {
  private ws: WebSocket | null = null;
  private hello: Extract<DaemonMessage, { type: 'hello' }> | null = null;
  private readonly pending = new Map<string, Pending>();
  private waiters: ((m: DaemonMessage) => void)[] = [];
  private lastError: string | null = null;
  private seq = 0;
  /** Set once the app wires home events into its pipeline. */
  inbound: InboundLink | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly identity: AppIdentity,
    private readonly appName = 'Jarvis',
  ) {}

  link(): DaemonLink | undefined {
    return stmt(this.db, 'SELECT url, daemon_id, daemon_key, paired_at FROM daemon_links WHERE id = 1').get() as DaemonLink | undefined;
  }

  state(): DaemonState {
    const link = this.link();
    return {
      paired: link !== undefined,
      connected: this.ws?.readyState === WebSocket.OPEN || (this.inbound?.view().connected ?? false),
      url: link?.url ?? null,
      daemon_id: link?.daemon_id ?? null,
      app_fingerprint: this.identity.fingerprint,
      last_error: this.lastError,
      iot: this.inbound?.view() ?? null,
    };
  }

  /** Subscribes to the paired daemon's inbound events (and keeps doing so across reconnects and re-pairing). */
  startInbound(sink: InboundSink): InboundLink {
    this.inbound ??= new InboundLink(() => this.link(), this.identity, this.audit, sink);
    this.inbound.start();
    return this.inbound;
  }

  private fail(message: string): never {
    this.lastError = message;
    throw new DaemonError('unavailable', message);
  }

  private async connect(url: string): Promise<Extract<DaemonMessage, { type: 'hello' }>> {
    if (this.ws?.readyState === WebSocket.OPEN && this.hello) return this.hello;
    const ws = new WebSocket(url, { handshakeTimeout: 5000, maxPayload: 1024 * 1024 });
    this.ws = ws;
    this.hello = null;
    const hello = await new Promise<Extract<DaemonMessage, { type: 'hello' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the daemon did not say hello within 5 s')), 5000);
      ws.on('message', (data) => {
        let msg: DaemonMessage;
        try {
          msg = DaemonMessage.parse(JSON.parse(data.toString()));
        } catch {
          return; // not the protocol: ignored, never trusted
        }
        if (msg.type === 'hello') {
          clearTimeout(timer);
          resolve(msg);
          return;
        }
        if (msg.type === 'result' || (msg.type === 'error' && msg.id)) {
          const p = this.pending.get(msg.id ?? '');
          if (p) {
            clearTimeout(p.timer);
            this.pending.delete(msg.id ?? '');
            p.resolve(msg);
            return;
          }
        }
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((w) => w(msg));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', () => {
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new DaemonError('unavailable', 'the connection to the daemon closed'));
          this.pending.delete(id);
        }
        if (this.ws === ws) this.ws = null;
      });
    }).catch((err: Error) => this.fail(`Cannot reach the daemon at ${url}: ${err.message}.`));
    this.hello = hello;
    return hello;
  }

  private next(): Promise<DaemonMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new DaemonError('unavailable', 'the daemon did not answer')), 10_000);
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** Pairs with a daemon using the one-time code it printed; pins its key. */
  async pair(url: string, code: string): Promise<DaemonLink> {
    this.close();
    const hello = await this.connect(url);
    const proof = crypto.createHmac('sha256', code).update(`${this.identity.publicRaw}.${hello.daemon_id}`).digest('base64url');
    const answer = this.next();
    this.ws?.send(JSON.stringify({ type: 'pair', app_key: this.identity.publicRaw, app_name: this.appName, proof }));
    const msg = await answer;
    if (msg.type !== 'paired') {
      const reason = msg.type === 'error' ? msg.error.message : `unexpected ${msg.type}`;
      this.audit.append({ type: 'daemon.pairing_failed', actor: 'cli', subject: hello.daemon_id, payload: { url, reason } });
      this.fail(`Pairing failed: ${reason}`);
    }
    if (msg.daemon_key !== hello.daemon_key || msg.daemon_id !== hello.daemon_id) this.fail('Pairing failed: the daemon answered with a different key than it greeted with.');
    const link: DaemonLink = { url, daemon_id: msg.daemon_id, daemon_key: msg.daemon_key, paired_at: new Date().toISOString() };
    this.audit.transaction(() => {
      stmt(this.db, 'INSERT INTO daemon_links (id, url, daemon_id, daemon_key, paired_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, daemon_id = excluded.daemon_id, daemon_key = excluded.daemon_key, paired_at = excluded.paired_at').run(
        link.url,
        link.daemon_id,
        link.daemon_key,
        link.paired_at,
      );
      this.audit.append({ type: 'daemon.paired', actor: 'person', subject: link.daemon_id, payload: { url, daemon_id: link.daemon_id, daemon_key_fingerprint: crypto.createHash('sha256').update(Buffer.from(link.daemon_key, 'base64url')).digest('hex'), app_fingerprint: this.identity.fingerprint } });
    });
    this.lastError = null;
    this.inbound?.restart();
    return link;
  }

  /** Connects to the paired daemon, refusing one whose key differs from the pinned key. */
  private async ready(): Promise<DaemonLink> {
    const link = this.link();
    if (!link) this.fail('The Jarvis daemon is not paired, so desktop actions cannot run. Pair one with `jarvis daemon pair <url> <code>`.');
    const hello = await this.connect(link.url);
    if (hello.daemon_key !== link.daemon_key || hello.daemon_id !== link.daemon_id) {
      this.close();
      this.audit.append({ type: 'daemon.key_changed', actor: 'system', subject: link.daemon_id, payload: { url: link.url, pinned_id: link.daemon_id, presented_id: hello.daemon_id } });
      this.fail(`The daemon at ${link.url} presented a different key than the one pinned at pairing. Nothing was sent. If you replaced the daemon on purpose, pair again.`);
    }
    return link;
  }

  private sign(claims: CommandClaims | KillClaims, typ: string): string {
    return signCompact(claims, typ, this.identity.privateKey);
  }

  /** Mints a single-use token bound to these exact arguments, sends it, and returns the daemon's verified output. */
  async command(cap: CapabilityId, args: Record<string, unknown>, meta: { risk: Risk; approval: string; trace: string; reason?: string }): Promise<Record<string, unknown>> {
    const link = await this.ready();
    const now = Math.floor(Date.now() / 1000);
    const claims: CommandClaims = { iss: this.identity.fingerprint, aud: link.daemon_id, jti: jti(), iat: now, exp: now + MAX_TOKEN_LIFETIME_S, cap, args, risk: meta.risk, approval: meta.approval, trace: meta.trace, ...(meta.reason ? { reason: meta.reason } : {}) };
    const token = this.sign(claims, COMMAND_TYP);
    const id = `c${++this.seq}`;
    const answer = new Promise<DaemonMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DaemonError('unavailable', 'the daemon did not answer in time'));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
    });
    this.ws?.send(JSON.stringify({ type: 'command', id, token }));
    const msg = await answer;
    if (msg.type === 'error') throw new DaemonError(msg.error.code, msg.error.message);
    if (msg.type !== 'result') throw new DaemonError('malformed', `unexpected ${msg.type}`);
    const reply = this.verifyReply(msg.reply, link, claims.jti);
    if (!reply.ok) throw new DaemonError(reply.error?.code ?? 'capability_failed', reply.error?.message ?? 'the daemon refused');
    this.lastError = null;
    return (reply.output ?? {}) as Record<string, unknown>;
  }

  private verifyReply(jws: string, link: DaemonLink, expectedJti: string): ReplyClaims {
    const verified = verifyCompact(jws, REPLY_TYP, ed25519PublicKey(link.daemon_key));
    if (!verified.ok) {
      this.fail(verified.reason === 'bad_typ' ? 'The daemon sent a reply of the wrong type; it was ignored.' : 'The daemon sent a reply whose signature does not verify; it was ignored.');
    }
    let json: unknown;
    try {
      json = JSON.parse(verified.payload.toString('utf8'));
    } catch {
      this.fail('The daemon sent a malformed reply; it was ignored.');
    }
    const claims = ReplyClaims.safeParse(json);
    if (!claims.success) this.fail('The daemon sent a malformed reply; it was ignored.');
    if (claims.data.aud !== this.identity.fingerprint || (claims.data.in_reply_to !== expectedJti && claims.data.in_reply_to !== '')) this.fail('The daemon sent a reply meant for another command; it was ignored.');
    return claims.data;
  }

  /** Tells the daemon to refuse every token issued before now (the kill switch). */
  async kill(): Promise<void> {
    const link = await this.ready();
    const now = Math.floor(Date.now() / 1000);
    const token = this.sign({ iss: this.identity.fingerprint, aud: link.daemon_id, jti: jti(), iat: now, exp: now + MAX_TOKEN_LIFETIME_S, kill_before: now + 1 }, KILL_TYP);
    const answer = this.next();
    this.ws?.send(JSON.stringify({ type: 'kill', token }));
    const msg = await answer;
    if (msg.type !== 'killed') throw new DaemonError('unavailable', 'the daemon did not confirm the kill switch');
  }

  /** Closes the command connection; the inbound link has its own life (stopped by whoever started it). */
  close(): void {
    this.ws?.close();
    this.ws = null;
    this.hello = null;
  }
}
