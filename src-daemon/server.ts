// The daemon's WebSocket server: greets, reads each message through the protocol's schemas, limits floods, never dies on input.
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { loadCapabilities } from './capabilities';
import { confirm } from './confirm';
import { handleCommand, handleKill, handlePair, handleSubscribe, handleUnreadableCommand, type DaemonContext } from './commands';
import { loadIdentity } from './identity';
import { writeCapabilities } from './iot/configure';
import { IotHub } from './iot/hub';
import { CapabilitiesFile, ClientMessage, INBOUND_TYP, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, signCompact, type DaemonMessage } from './protocol';
import { wsUrl } from './settings';
import { openStore } from './store';
import { MAX_TOKEN_BYTES } from './tokens';

export interface StartDaemonOptions {
  home: string;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  bind?: string;
  /** The whitelist shipped with Jarvis; $home/capabilities.json wins over it. */
  capabilitiesPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Where one-line notes about refusals and closed sockets go (default: nowhere). */
  log?: (line: string) => void;
}

export interface RunningDaemon {
  port: number;
  url: string;
  daemonId: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  fingerprint: string;
  close(): Promise<void>;
}

export const DEFAULT_CAPABILITIES_PATH = path.resolve(__dirname, '..', 'capabilities.json');
/** More messages than this within one second from one socket is a flood: that socket is closed. A client
 *  that waits for each reply stays far below it; a loop that does not wait does not. */
export const FLOOD_MESSAGES_PER_S = 2000;
/** Commands waiting behind a running one (each may wait on a dialog); more is a flood too. */
const MAX_QUEUED_COMMANDS = 32;
const MAX_CONNECTIONS = 64;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const CLOSE_GRACE_MS = 2000;

const ID = /^[\x20-\x7e]{1,64}$/;

function peerOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return `${remoteAddress ?? '?'}:${remotePort ?? '?'}`;
}

export async function startDaemon(options: StartDaemonOptions): Promise<RunningDaemon> {
  const env = options.env ?? process.env;
  const bind = options.bind ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const identity = loadIdentity(options.home);
  // Loaded before the store opens: a bad whitelist stops start-up instead of running with a guess.
  const caps = loadCapabilities(options.capabilitiesPath ?? DEFAULT_CAPABILITIES_PATH, options.home);
  const store = openStore(options.home);
  const abort = new AbortController();
  const startedS = Math.floor(Date.now() / 1000);
  const ctx: DaemonContext = {
    store,
    identity,
    caps,
    env,
    platform: process.platform,
    signal: abort.signal,
    nowS: () => Math.floor(Date.now() / 1000),
    confirm,
    // After an unclean stop the newest nonces may be lost (see openStore): nothing issued before now is trusted.
    issuedNotBefore: store.uncleanStop() ? startedS : 0,
  };
  const capsFile = options.capabilitiesPath ?? DEFAULT_CAPABILITIES_PATH;
  let iot: IotHub;
  try {
    iot = new IotHub({
      home: options.home,
      store,
      daemonId: identity.daemonId,
      caps: () => ctx.caps,
      replaceCaps: (next) => {
        const checked = CapabilitiesFile.parse(next);
        writeCapabilities(options.home, checked);
        ctx.caps = loadCapabilities(capsFile, options.home);
      },
      sign: (app, body) => signCompact({ iss: identity.daemonId, aud: app, iat: ctx.nowS(), body }, INBOUND_TYP, identity.privateKey),
      log,
    });
  } catch (err) {
    store.close();
    throw err;
  }
  ctx.iot = iot;
  store.pruneNonces(ctx.nowS());
  const pruner = setInterval(() => {
    try {
      store.pruneNonces(ctx.nowS());
    } catch (err) {
      log(`could not prune nonces: ${(err as Error).message}`);
    }
  }, PRUNE_EVERY_MS);
  pruner.unref();

  const wss = new WebSocketServer({
    host: bind,
    port: options.port,
    maxPayload: MAX_MESSAGE_BYTES,
    // No compression: a small compressed message must not inflate into a large one.
    perMessageDeflate: false,
    // Browsers always send Origin; the app never does. Refusing it keeps web pages (and DNS rebinding) off the socket.
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      if (info.req.headers.origin !== undefined) return done(false, 403, 'Browsers may not connect to the Jarvis daemon');
      if (wss.clients.size >= MAX_CONNECTIONS) return done(false, 503, 'Too many connections');
      done(true);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  } catch (err) {
    clearInterval(pruner);
    await iot.close();
    store.close();
    throw new Error(`cannot listen on ${wsUrl(bind, options.port)}: ${(err as Error).message}`);
  }
  wss.on('error', (err) => log(`server error: ${err.message}`));
  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const inflight = new Set<Promise<unknown>>();

  const track = (p: Promise<unknown>): void => {
    inflight.add(p);
    const done = () => inflight.delete(p);
    p.then(done, done);
  };

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const peer = peerOf(req);
    const send = (msg: DaemonMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    let windowStart = Date.now();
    let windowCount = 0;
    let queued = 0;
    let queue: Promise<unknown> = Promise.resolve();
    let closed = false;
    let detach: (() => void) | null = null;
    const subscriber = {
      app: '',
      send: (frame: string) => send({ type: 'inbound', frame }),
      buffered: () => ws.bufferedAmount,
      close: (reason: string) => drop(reason, 1008),
    };

    const record = (type: string, payload: Record<string, unknown>): void => {
      try {
        store.audit.append(type, null, { ...payload, peer });
      } catch (err) {
        log(`could not audit ${type}: ${(err as Error).message}`);
      }
    };
    const drop = (reason: string, code: number): void => {
      if (closed) return;
      closed = true;
      record('connection.closed', { reason });
      log(`closed ${peer}: ${reason}`);
      ws.close(code, reason.slice(0, 100));
      // A peer that does not finish the closing handshake is cut off.
      setTimeout(() => ws.terminate(), 1000).unref();
    };
    // Every handler runs here: whatever it throws is answered, never allowed to reach the process.
    const guarded = (id: string | undefined, work: () => Promise<DaemonMessage>): Promise<void> =>
      Promise.resolve()
        .then(work)
        .then(send)
        .catch((err: unknown) => {
          log(`internal error: ${(err as Error).message}`);
          try {
            send({ type: 'error', ...(id === undefined ? {} : { id }), error: { code: 'internal_error', message: 'The daemon could not finish this message; see its audit trail for what ran.' } });
          } catch {
            // The socket is gone; there is no one left to tell.
          }
        });
    const malformed = (id: string | undefined, reason: string): void => {
      record('message.refused', { code: 'malformed', reason, id: id ?? null });
      send({ type: 'error', ...(id === undefined ? {} : { id }), error: { code: 'malformed', message: reason } });
    };
    // Commands run one at a time per connection, in the order they came.
    const enqueue = (id: string, work: () => Promise<DaemonMessage>): void => {
      if (++queued > MAX_QUEUED_COMMANDS) return drop(`more than ${MAX_QUEUED_COMMANDS} commands waiting`, 1008);
      const next = queue.then(() => guarded(id, work)).finally(() => (queued -= 1));
      queue = next;
      track(next);
    };

    send({ type: 'hello', daemon_id: identity.daemonId, daemon_key: identity.publicRaw.toString('base64url'), protocol: PROTOCOL_VERSION });

    const onMessage = (data: RawData, isBinary: boolean): void => {
      if (closed) return;
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        windowCount = 0;
      }
      if (++windowCount > FLOOD_MESSAGES_PER_S) return drop(`more than ${FLOOD_MESSAGES_PER_S} messages a second`, 1008);
      if (isBinary) return malformed(undefined, 'Messages are JSON text, not binary.');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
      } catch {
        return malformed(undefined, 'The message is not valid JSON.');
      }
      const rawId = (json as { id?: unknown } | null)?.id;
      const id = typeof rawId === 'string' && ID.test(rawId) ? rawId : undefined;
      const parsed = ClientMessage.safeParse(json);
      if (!parsed.success) {
        // A command must always get a signed result, even when its token cannot be read.
        if ((json as { type?: unknown } | null)?.type === 'command' && id !== undefined) {
          const token = (json as { token?: unknown }).token;
          const tooLarge = typeof token === 'string' && token.length > MAX_TOKEN_BYTES;
          return enqueue(id, () => handleUnreadableCommand(ctx, id, peer, tooLarge ? 'too_large' : 'malformed', tooLarge ? `The token is larger than ${MAX_TOKEN_BYTES} bytes.` : 'The command message does not match the protocol.'));
        }
        const type = (json as { type?: unknown } | null)?.type;
        return malformed(id, typeof type === 'string' && !['pair', 'command', 'kill', 'ping', 'subscribe', 'ack'].includes(type) ? `Unknown message type ${JSON.stringify(type.slice(0, 32))}.` : 'The message does not match the protocol.');
      }
      const msg = parsed.data;
      switch (msg.type) {
        case 'ping':
          return send({ type: 'pong', ...(msg.id === undefined ? {} : { id: msg.id }) });
        case 'pair':
          return track(guarded(undefined, () => handlePair(ctx, msg, peer)));
        case 'command':
          return enqueue(msg.id, () => handleCommand(ctx, msg.id, msg.token, peer));
        case 'kill':
          // Not queued: the kill switch must not wait behind a command whose dialog is open.
          return track(guarded(undefined, () => handleKill(ctx, msg.token, peer)));
        case 'subscribe':
          if (detach) return malformed(undefined, 'This connection is already subscribed.');
          return track(
            guarded(undefined, () =>
              handleSubscribe(ctx, msg.token, peer, (app) => {
                subscriber.app = app;
                detach = iot.subscribe(subscriber);
              }),
            ),
          );
        case 'ack':
          // Only a connection that proved itself with a subscribe token may move its app's cursor.
          if (!detach) return malformed(undefined, 'Acknowledgements need a subscription first.');
          return iot.forwarder.ack(subscriber, msg.seq);
        default: {
          const never: never = msg;
          return malformed(undefined, `Unhandled message ${String(never)}.`);
        }
      }
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        onMessage(data, isBinary);
      } catch (err) {
        // Input must never end the daemon; a bug met here costs this message only.
        log(`internal error: ${(err as Error).message}`);
        malformed(undefined, 'The daemon could not read this message.');
      }
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        record('message.refused', { code: 'too_large', reason: `a message larger than ${MAX_MESSAGE_BYTES} bytes` });
        log(`closed ${peer}: message larger than ${MAX_MESSAGE_BYTES} bytes`);
      } else {
        log(`socket error from ${peer}: ${err.message}`);
      }
      closed = true;
    });
    ws.on('close', () => {
      closed = true;
      detach?.();
    });
  });

  iot.start();
  store.audit.append('daemon.started', identity.daemonId, { bind, port, fingerprint: identity.fingerprint, capabilities: Object.keys(caps.capabilities), pid: process.pid, after_unclean_stop: ctx.issuedNotBefore > 0 });

  let closing: Promise<void> | null = null;
  return {
    port,
    url: wsUrl(bind, port),
    daemonId: identity.daemonId,
    publicKey: identity.publicRaw,
    fingerprint: identity.fingerprint,
    close() {
      closing ??= (async () => {
        clearInterval(pruner);
        abort.abort();
        await iot.close();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await Promise.race([Promise.allSettled([...inflight]), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
        try {
          store.audit.append('daemon.stopped', identity.daemonId, { pid: process.pid });
        } finally {
          store.close();
        }
      })();
      return closing;
    },
  };
}
