// Schedule routes: list, create (or preview), edit / pause / resume, delete; every refusal names the field and is audited.
import { ScheduleInputError, ScheduleNotFoundError } from '../../core/scheduler';
import { SCHEDULE_PATHS, ScheduleCreate, SchedulePatch, type ScheduleList } from '../../../src-shared/contract/schedules';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

const who = (ctx: RouteContext) => `person:${ctx.role}@${ctx.caller}`;

/** Runs fn; a refusal (bad field, unknown id) is audited as schedule.rejected before it becomes the answer. */
async function audited<T>(ctx: RouteContext, action: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const api = err instanceof ScheduleInputError ? new ApiError(400, 'bad_request', `Invalid schedule: ${err.message}.`, [{ field: err.field, problem: err.message.slice(err.field.length + 2) }]) : err instanceof ScheduleNotFoundError ? new ApiError(404, 'not_found', err.message) : err;
    if (api instanceof ApiError && api.status < 500) {
      ctx.core.audit.append({ type: 'schedule.rejected', actor: who(ctx), subject: ctx.params.id ?? null, payload: { action, status: api.status, message: api.message, details: api.details ?? null } });
    }
    throw api;
  }
}

function list(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { schedules: ctx.agent.scheduler.list() } satisfies ScheduleList);
}

function get(ctx: RouteContext): void {
  const view = ctx.agent.scheduler.get(ctx.params.id ?? '');
  if (!view) throw new ApiError(404, 'not_found', `No schedule "${ctx.params.id ?? ''}".`);
  sendJson(ctx.res, 200, view);
}

async function create(ctx: RouteContext): Promise<void> {
  const preview = ctx.url.searchParams.get('preview') === '1';
  const view = await audited(ctx, preview ? 'preview' : 'create', async () => {
    const body = parseWith(ScheduleCreate, await readJson(ctx.req), 'schedule');
    return preview ? ctx.agent.scheduler.preview(body) : ctx.agent.scheduler.create(body, who(ctx));
  });
  sendJson(ctx.res, preview ? 200 : 201, view);
}

async function patch(ctx: RouteContext): Promise<void> {
  const view = await audited(ctx, 'update', async () => {
    const body = parseWith(SchedulePatch, await readJson(ctx.req), 'schedule change');
    return ctx.agent.scheduler.update(ctx.params.id ?? '', body, who(ctx));
  });
  sendJson(ctx.res, 200, view);
}

async function remove(ctx: RouteContext): Promise<void> {
  await audited(ctx, 'delete', () => {
    if (!ctx.agent.scheduler.delete(ctx.params.id ?? '', who(ctx))) throw new ScheduleNotFoundError(`No schedule "${ctx.params.id ?? ''}".`);
  });
  sendJson(ctx.res, 200, { deleted: ctx.params.id ?? '' });
}

export const SCHEDULE_ROUTES: readonly Route[] = [
  { method: 'GET', path: SCHEDULE_PATHS.schedules, handle: list },
  { method: 'POST', path: SCHEDULE_PATHS.schedules, handle: create },
  { method: 'GET', path: SCHEDULE_PATHS.schedule, handle: get },
  { method: 'PATCH', path: SCHEDULE_PATHS.schedule, handle: patch },
  { method: 'DELETE', path: SCHEDULE_PATHS.schedule, handle: remove },
];
