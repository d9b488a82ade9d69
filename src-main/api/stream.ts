// WS /v1/stream: authenticated by subprotocol or first message; pushes every audit event as it is committed.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core';
import type { Agent } from '../core/agent';
import {
  API_PATHS,
  ClientMessage,
  STREAM_AUTH_TIMEOUT_MS,
  STREAM_BEARER_PREFIX,
  STREAM_PROTOCOL,
  type ServerMessage,
} from '../../src-shared/contract';
import { checkHostAndOrigin } from './guards';
import { describeIssues } from './http';

export interface StreamHub {
  close(): void;
}

const MAX_MESSAGE_BYTES = 64 * 1024;
/** A client this far behind is dropped rather than letting its backlog grow without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const UPGRADE_REFUSALS = {
  400: ['Bad Request', 'bad_request'],
  401: ['Unauthorized', 'unauthorized'],
  403: ['Forbidden', 'forbidden'],
  404: ['Not Found', 'not_found'],
} as const;

function refuseUpgrade(socket: Duplex, status: keyof typeof UPGRADE_REFUSALS, message: string): void {
  const [text, code] = UPGRADE_REFUSALS[status];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function offeredProtocols(req: http.IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

export function attachStream(server: http.Server, core: Core, agent: Agent, opts: { token: string; port: number; version: string; roleOf(token: string): string | null }): StreamHub {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // Browsers fail the handshake unless the server picks one of the offered protocols: never echo the bearer one.
    handleProtocols: (protocols) => (protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
  });
  const authed = new Set<WebSocket>();
  const caller = (req: http.IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  const reject = (req: http.IncomingMessage, reason: string) => {
    try {
      core.audit.append({ type: 'api.stream_rejected', actor: 'api', subject: caller(req), payload: { reason } });
    } catch (err) {
      console.error('could not audit a rejected stream:', (err as Error).message);
    }
  };

  const send = (ws: WebSocket, msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'client too slow; reconnect');
      return;
    }
    ws.send(JSON.stringify(msg));
  };

  const unsubscribeAudit = core.audit.subscribe((event) => {
    for (const ws of authed) send(ws, { type: 'audit', event });
  });
  const unsubscribeReplies = agent.responder.subscribe((response) => {
    for (const ws of authed) send(ws, { type: 'response', response });
  });
  const unsubscribeProgress = agent.onProgress((task) => {
    for (const ws of authed) send(ws, { type: 'task', task });
  });
  const unsubscribeApprovals = agent.safety.onApproval((approval) => {
    for (const ws of authed) send(ws, { type: 'approval', approval });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== API_PATHS.stream) {
      refuseUpgrade(socket, 404, `No WebSocket at ${url.pathname}; the stream is at ${API_PATHS.stream}.`);
      return;
    }
    const guard = checkHostAndOrigin(req.headers, opts.port);
    if (guard) {
      reject(req, guard.reason);
      refuseUpgrade(socket, guard.status, guard.message);
      return;
    }
    const offered = offeredProtocols(req);
    if (!offered.includes(STREAM_PROTOCOL)) {
      refuseUpgrade(socket, 400, `Offer the "${STREAM_PROTOCOL}" subprotocol.`);
      return;
    }
    const bearer = offered.find((p) => p.startsWith(STREAM_BEARER_PREFIX));
    if (bearer !== undefined && opts.roleOf(bearer.slice(STREAM_BEARER_PREFIX.length)) === null) {
      reject(req, 'wrong_token');
      refuseUpgrade(socket, 401, 'The bearer token is not valid for this Jarvis.');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const welcome = () => {
        authed.add(ws);
        send(ws, { type: 'hello', version: opts.version });
      };
      let timer: NodeJS.Timeout | undefined;
      if (bearer !== undefined) welcome();
      else {
        timer = setTimeout(() => {
          reject(req, 'auth_timeout');
          ws.close(4401, 'send {"type":"auth","token":…} first');
        }, STREAM_AUTH_TIMEOUT_MS);
      }
      ws.on('message', (data, isBinary) => {
        let parsed: unknown;
        try {
          parsed = isBinary ? undefined : JSON.parse(data.toString());
        } catch {
          parsed = undefined;
        }
        const result = ClientMessage.safeParse(parsed);
        if (!result.success) {
          const message = parsed === undefined ? 'Messages must be JSON text.' : `Invalid message: ${describeIssues(result.error)}.`;
          send(ws, { type: 'error', error: { code: 'bad_request', message } });
          return;
        }
        const msg = result.data;
        switch (msg.type) {
          case 'auth':
            if (authed.has(ws)) return;
            if (opts.roleOf(msg.token) !== null) {
              clearTimeout(timer);
              welcome();
            } else {
              reject(req, 'wrong_token');
              ws.close(4401, 'wrong token');
            }
            return;
          case 'ping':
            if (authed.has(ws)) send(ws, msg.id === undefined ? { type: 'pong' } : { type: 'pong', id: msg.id });
            return;
          default: {
            const never: never = msg;
            return never;
          }
        }
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        clearTimeout(timer);
        authed.delete(ws);
      });
    });
  });

  return {
    close() {
      unsubscribeAudit();
      unsubscribeReplies();
      unsubscribeProgress();
      unsubscribeApprovals();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
