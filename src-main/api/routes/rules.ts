// Rule routes: list, create, read (with its recent log), edit / enable / disable, delete; refusals name the field and are audited.
import { RuleInputError, RuleNotFoundError } from '../../core/rules';
import { RULE_PATHS, RuleCreate, RulePatch, type RuleList } from '../../../src-shared/contract/rules';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

const who = (ctx: RouteContext) => `person:${ctx.role}@${ctx.caller}`;

/** A refusal (bad field 400, policy 403, unknown id 404) is audited as rule.rejected before it becomes the answer. */
async function audited<T>(ctx: RouteContext, action: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const api =
      err instanceof RuleInputError
        ? new ApiError(err.status, err.status === 403 ? 'forbidden' : 'bad_request', `${err.status === 403 ? 'Refused by the policy' : 'Invalid rule'}: ${err.message}.`, [{ field: err.field, problem: err.message.slice(err.field.length + 2) }])
        : err instanceof RuleNotFoundError
          ? new ApiError(404, 'not_found', err.message)
          : err;
    if (api instanceof ApiError && api.status < 500) {
      ctx.core.audit.append({ type: 'rule.rejected', actor: who(ctx), subject: ctx.params.id ?? null, payload: { action, status: api.status, message: api.message, details: api.details ?? null } });
    }
    throw api;
  }
}

function list(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { rules: ctx.agent.rules.list() } satisfies RuleList);
}

function get(ctx: RouteContext): void {
  const view = ctx.agent.rules.get(ctx.params.id ?? '');
  if (!view) throw new ApiError(404, 'not_found', `No rule "${ctx.params.id ?? ''}".`);
  sendJson(ctx.res, 200, view);
}

async function create(ctx: RouteContext): Promise<void> {
  const view = await audited(ctx, 'create', async () => ctx.agent.rules.create(parseWith(RuleCreate, await readJson(ctx.req), 'rule'), who(ctx)));
  sendJson(ctx.res, 201, view);
}

async function patch(ctx: RouteContext): Promise<void> {
  const view = await audited(ctx, 'update', async () => ctx.agent.rules.update(ctx.params.id ?? '', parseWith(RulePatch, await readJson(ctx.req), 'rule change'), who(ctx)));
  sendJson(ctx.res, 200, view);
}

async function remove(ctx: RouteContext): Promise<void> {
  await audited(ctx, 'delete', () => {
    if (!ctx.agent.rules.delete(ctx.params.id ?? '', who(ctx))) throw new RuleNotFoundError(`No rule "${ctx.params.id ?? ''}".`);
  });
  sendJson(ctx.res, 200, { deleted: ctx.params.id ?? '' });
}

export const RULE_ROUTES: readonly Route[] = [
  { method: 'GET', path: RULE_PATHS.rules, handle: list },
  { method: 'POST', path: RULE_PATHS.rules, handle: create },
  { method: 'GET', path: RULE_PATHS.rule, handle: get },
  { method: 'PATCH', path: RULE_PATHS.rule, handle: patch },
  { method: 'DELETE', path: RULE_PATHS.rule, handle: remove },
];
