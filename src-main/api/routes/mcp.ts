// MCP routes: add a server (stored awaiting consent, the answer shows what would run), consent, disable, remove, trust policy, reconnect.
import { McpRequestError } from '../../core/mcp';
import { MCP_PATHS, McpAddServerRequest, McpConsentRequest, McpPolicyRequest, type McpServerList } from '../../../src-shared/contract/mcp';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

const who = (ctx: RouteContext) => `person:${ctx.role}@${ctx.caller}`;

async function mapped<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof McpRequestError) {
      const code = err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'bad_request';
      throw new ApiError(err.status, code, err.message, err.field ? [{ field: err.field, problem: err.message }] : undefined);
    }
    throw err;
  }
}

const name = (ctx: RouteContext) => ctx.params.name ?? '';

async function add(ctx: RouteContext): Promise<void> {
  const body = parseWith(McpAddServerRequest, await readJson(ctx.req), 'MCP server');
  sendJson(ctx.res, 201, await mapped(() => ctx.agent.mcp.add(body, who(ctx))));
}

async function consent(ctx: RouteContext): Promise<void> {
  // The body is optional: with it, the person's consent holds only for the command line they were shown.
  const hasBody = Number(ctx.req.headers['content-length'] ?? 0) > 0 || ctx.req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? parseWith(McpConsentRequest, await readJson(ctx.req), 'consent') : {};
  const view = await mapped(() => {
    const current = ctx.agent.mcp.view(name(ctx));
    if (body.command_line !== undefined && body.command_line !== current.command_line) {
      throw new McpRequestError(409, `The command line changed since it was shown; it is now: ${current.command_line}. Review it and consent again.`, 'command_line');
    }
    return ctx.agent.mcp.consent(name(ctx), who(ctx));
  });
  sendJson(ctx.res, 200, view);
}

async function setPolicy(ctx: RouteContext): Promise<void> {
  const policy = parseWith(McpPolicyRequest, await readJson(ctx.req), 'trust policy');
  sendJson(ctx.res, 200, await mapped(() => ctx.agent.mcp.setPolicy(name(ctx), policy, who(ctx))));
}

export const MCP_ROUTES: readonly Route[] = Object.freeze([
  { method: 'GET', path: MCP_PATHS.servers, handle: (ctx) => sendJson(ctx.res, 200, { servers: ctx.agent.mcp.list() } satisfies McpServerList) },
  // Owner only: adding a server and consenting to it decide which programs run with the person's rights.
  { method: 'POST', path: MCP_PATHS.servers, role: 'owner', handle: add },
  { method: 'GET', path: MCP_PATHS.server, handle: async (ctx) => sendJson(ctx.res, 200, await mapped(() => ctx.agent.mcp.view(name(ctx)))) },
  { method: 'DELETE', path: MCP_PATHS.server, role: 'owner', handle: async (ctx) => {
    await mapped(() => ctx.agent.mcp.remove(name(ctx), who(ctx)));
    sendJson(ctx.res, 200, { removed: name(ctx) });
  } },
  { method: 'POST', path: MCP_PATHS.consent, role: 'owner', handle: consent },
  { method: 'POST', path: MCP_PATHS.disable, role: 'owner', handle: async (ctx) => sendJson(ctx.res, 200, await mapped(() => ctx.agent.mcp.disable(name(ctx), who(ctx)))) },
  { method: 'PUT', path: MCP_PATHS.policy, role: 'owner', handle: setPolicy },
  { method: 'POST', path: MCP_PATHS.reconnect, handle: async (ctx) => sendJson(ctx.res, 200, await mapped(() => ctx.agent.mcp.reconnect(name(ctx)))) },
]);
