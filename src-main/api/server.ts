// The loopback API server: guards, routing, error mapping, the live stream and the built renderer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '../core';
import type { Agent } from '../core/agent';
import { asStoreError } from '../core/db';
import { SignInCodes, loadOrCreateToken } from './credentials';
import { authenticate, checkHostAndOrigin, roleOfToken, type GuardFailure } from './guards';
import { ROLE_RANK } from '../core/safety';
import type { Role } from '../../src-shared/contract/safety';
import { ApiError, sendError } from './http';
import { matchPath, ROUTES, type RouteContext } from './routes';
import { INTEGRATION_ROUTES } from './routes/integrations';
import { IOT_ROUTES } from './routes/iot';
import { attachIot } from '../core/integrations/daemon';
import { MCP_ROUTES } from './routes/mcp';
import { MEMORY_ROUTES } from './routes/memory';
import { LLM_ROUTES } from './routes/llm';
import { SCHEDULE_ROUTES } from './routes/schedules';
import { WATCHER_ROUTES } from './routes/watchers';
import { RULE_ROUTES } from './routes/rules';
import { serveStatic } from './static';
import { attachStream, type StreamHub } from './stream';

export interface ApiServer {
  port: number;
  url: string;
  token: string;
  /** A one-time link that signs a page in (the code travels in the fragment, which is never sent or logged). */
  createSignInUrl(): string;
  close(): Promise<void>;
}

export interface ApiOptions {
  version: string;
  port: number;
  /** The built renderer; when absent the page explains how to build it. */
  rendererDir?: string;
}

function auditRejection(core: Core, caller: string, method: string, path: string, failure: GuardFailure): void {
  try {
    core.audit.append({ type: 'api.request_rejected', actor: 'api', subject: caller, payload: { method, path, status: failure.status, reason: failure.reason } });
  } catch (err) {
    console.error('could not audit a rejected request:', (err as Error).message);
  }
}

const ALL_ROUTES = Object.freeze([...ROUTES, ...INTEGRATION_ROUTES, ...MEMORY_ROUTES, ...MCP_ROUTES, ...LLM_ROUTES, ...IOT_ROUTES, ...SCHEDULE_ROUTES, ...WATCHER_ROUTES, ...RULE_ROUTES]);

export async function startApiServer(core: Core, agent: Agent, options: ApiOptions): Promise<ApiServer> {
  const token = loadOrCreateToken(core.settings.home);
  const codes = new SignInCodes();
  let port = options.port;

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const caller = `${req.socket.remoteAddress ?? 'unknown'}`;
    try {
      const hostFailure = checkHostAndOrigin(req.headers, port);
      if (hostFailure) {
        auditRejection(core, caller, method, url.pathname, hostFailure);
        throw new ApiError(hostFailure.status, 'forbidden', hostFailure.message);
      }
      const matches = ALL_ROUTES.map((r) => ({ route: r, params: matchPath(r.path, url.pathname) })).filter((m) => m.params !== null);
      const found = matches.find((m) => m.route.method === method);
      const route = found?.route;
      if (!route) {
        if (matches.length > 0) {
          throw new ApiError(405, 'method_not_allowed', `${url.pathname} accepts ${matches.map((m) => m.route.method).join(', ')}, not ${method}.`);
        }
        if ((method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/v1/')) {
          serveStatic(res, url.pathname, options.rendererDir, port);
          return;
        }
        throw new ApiError(404, 'not_found', `No route ${method} ${url.pathname}. See the API list in README.md.`);
      }
      let role: Role = 'viewer';
      if (!route.open) {
        const auth = authenticate(req.headers, token, agent.safety.tokens);
        if ('status' in auth) {
          auditRejection(core, caller, method, url.pathname, auth);
          throw new ApiError(auth.status, 'unauthorized', auth.message);
        }
        role = auth.role;
        const needed = route.role ?? (method === 'GET' ? 'viewer' : 'member');
        if (ROLE_RANK[role] < ROLE_RANK[needed]) {
          const failure: GuardFailure = { status: 403, reason: 'insufficient_role', message: `${method} ${url.pathname} needs the ${needed} role; this token is a ${role}.` };
          auditRejection(core, caller, method, url.pathname, failure);
          throw new ApiError(403, 'forbidden', failure.message);
        }
      }
      const ctx: RouteContext = { core, agent, token, codes, version: options.version, req, res, url, caller, params: found?.params ?? {}, role };
      await route.handle(ctx);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, toApiError(err));
      // Drain what the client is still sending so the reply reaches it (e.g. after a 413).
      req.resume();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // Home events from the paired daemon enter the pipeline for as long as the API serves.
  const iot = attachIot({ db: core.db, audit: core.audit, pipeline: agent.pipeline, daemon: agent.daemon, onIngested: (event) => agent.rules.observe(event), setCriticalEntities: (source) => agent.safety.setCriticalEntities(source) });
  const stream: StreamHub = attachStream(server, core, agent, { token, port, version: options.version, roleOf: (t) => roleOfToken(t, token, agent.safety.tokens) });
  const url = `http://127.0.0.1:${port}`;

  return {
    port,
    url,
    token,
    createSignInUrl: () => `${url}/#signin=${codes.issue()}`,
    async close() {
      iot.stop();
      stream.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const store = asStoreError(err);
  if (store) return new ApiError(503, 'store_unavailable', store.message);
  console.error('unexpected error while handling a request:', err);
  return new ApiError(500, 'internal', 'Jarvis hit an unexpected error; the details are in its log. Nothing was half-written.');
}
