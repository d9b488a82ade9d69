// Safety routes: approvals and grants, autonomy, the kill switch, policy rules, paused sources.
import { ApprovalStateError, ForbiddenError } from '../../core/safety';
import { API_PATHS, ApprovalListQuery, ApproveRequest, AutonomyRequest, KillSwitchRequest, type Integrations } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

const who = (ctx: RouteContext) => ({ actor: `person:${ctx.role}@${ctx.caller}`, role: ctx.role });

function decisionErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApprovalStateError) {
      if (err.status === 'unknown') throw new ApiError(404, 'not_found', err.message);
      throw new ApiError(err.message.startsWith('No grant') ? 400 : 409, err.message.startsWith('No grant') ? 'bad_request' : 'conflict', err.message, { status: err.status });
    }
    if (err instanceof ForbiddenError) throw new ApiError(403, 'forbidden', err.message);
    throw err;
  }
}

function listApprovals(ctx: RouteContext): void {
  const q = parseWith(ApprovalListQuery, queryOf(ctx.url), 'query');
  ctx.agent.safety.expireDue();
  sendJson(ctx.res, 200, { approvals: ctx.agent.safety.approvals.list(q.status, q.limit) });
}

function getApproval(ctx: RouteContext): void {
  ctx.agent.safety.expireDue();
  const a = ctx.agent.safety.approvals.get(ctx.params.id ?? '');
  if (!a) throw new ApiError(404, 'not_found', `No approval "${ctx.params.id ?? ''}".`);
  // The stored hash of the input is the store's own business.
  const { input_hash: _hash, ...view } = a;
  sendJson(ctx.res, 200, view);
}

async function approve(ctx: RouteContext): Promise<void> {
  const hasBody = Number(ctx.req.headers['content-length'] ?? 0) > 0;
  const body = parseWith(ApproveRequest, hasBody ? await readJson(ctx.req) : {}, 'approval');
  sendJson(ctx.res, 200, decisionErrors(() => ctx.agent.safety.approve(ctx.params.id ?? '', who(ctx), body.grant)));
}

function deny(ctx: RouteContext): void {
  sendJson(ctx.res, 200, decisionErrors(() => ctx.agent.safety.deny(ctx.params.id ?? '', who(ctx))));
}

function revokeGrant(ctx: RouteContext): void {
  const id = ctx.params.id ?? '';
  if (!ctx.agent.safety.grants.get(id)) throw new ApiError(404, 'not_found', `No grant "${id}".`);
  if (!ctx.agent.safety.revokeGrant(id, who(ctx).actor)) throw new ApiError(409, 'conflict', `Grant ${id} was already revoked.`);
  sendJson(ctx.res, 200, ctx.agent.safety.grants.get(id));
}

async function setAutonomy(ctx: RouteContext): Promise<void> {
  const body = parseWith(AutonomyRequest, await readJson(ctx.req), 'autonomy request');
  ctx.agent.safety.controls.setAutonomy(body.level, who(ctx).actor, body.reason);
  sendJson(ctx.res, 200, ctx.agent.safety.controls.view());
}

async function killSwitch(ctx: RouteContext): Promise<void> {
  const body = parseWith(KillSwitchRequest, await readJson(ctx.req), 'kill switch request');
  ctx.agent.safety.setKillSwitch(body.on, who(ctx).actor);
  sendJson(ctx.res, 200, ctx.agent.safety.controls.view());
}

async function setPolicy(ctx: RouteContext): Promise<void> {
  const raw = await readJson(ctx.req);
  try {
    ctx.agent.safety.controls.setPolicy(raw, who(ctx).actor);
  } catch (err) {
    if (err instanceof Error && err.name === 'ZodError') throw new ApiError(400, 'bad_request', `Invalid policy: ${err.message}`);
    throw err;
  }
  sendJson(ctx.res, 200, ctx.agent.safety.controls.view());
}

function resumeSource(ctx: RouteContext): void {
  const source = ctx.params.source ?? '';
  if (!ctx.agent.safety.controls.pausedSources().includes(source)) throw new ApiError(404, 'not_found', `Source "${source}" is not paused.`);
  ctx.agent.safety.controls.setSourcePaused(source, false, who(ctx).actor, 'resumed by a person');
  sendJson(ctx.res, 200, ctx.agent.safety.controls.view());
}

export const SAFETY_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.approvals, handle: listApprovals },
  { method: 'GET', path: `${API_PATHS.approvals}/:id`, handle: getApproval },
  { method: 'POST', path: `${API_PATHS.approvals}/:id/approve`, handle: approve },
  { method: 'POST', path: `${API_PATHS.approvals}/:id/deny`, handle: deny },
  { method: 'GET', path: API_PATHS.grants, handle: (ctx) => sendJson(ctx.res, 200, { grants: ctx.agent.safety.grants.list() }) },
  { method: 'DELETE', path: `${API_PATHS.grants}/:id`, handle: revokeGrant },
  { method: 'GET', path: API_PATHS.integrations, handle: (ctx) => sendJson(ctx.res, 200, { daemon: ctx.agent.daemon.state(), mcp: ctx.agent.mcp.health() } satisfies Integrations) },
  { method: 'GET', path: API_PATHS.controls, handle: (ctx) => sendJson(ctx.res, 200, ctx.agent.safety.controls.view()) },
  { method: 'POST', path: `${API_PATHS.controls}/autonomy`, role: 'owner', handle: setAutonomy },
  { method: 'POST', path: `${API_PATHS.controls}/kill-switch`, role: 'owner', handle: killSwitch },
  { method: 'PUT', path: `${API_PATHS.controls}/policy`, role: 'owner', handle: setPolicy },
  { method: 'DELETE', path: `${API_PATHS.controls}/paused-sources/:source`, role: 'owner', handle: resumeSource },
];
