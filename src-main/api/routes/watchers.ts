// Watcher routes: GET /v1/watchers, PATCH /v1/watchers/:id to enable or disable one.
import { WatcherNotFoundError } from '../../core/watchers';
import { WATCHER_PATHS, WatcherPatch, type WatcherList } from '../../../src-shared/contract/watchers';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import type { Route, RouteContext } from './types';

function list(ctx: RouteContext): void {
  sendJson(ctx.res, 200, { watchers: ctx.agent.watchers.list() } satisfies WatcherList);
}

async function patch(ctx: RouteContext): Promise<void> {
  const body = parseWith(WatcherPatch, await readJson(ctx.req), 'watcher change');
  try {
    sendJson(ctx.res, 200, ctx.agent.watchers.setEnabled(ctx.params.id ?? '', body.enabled, `person:${ctx.role}@${ctx.caller}`));
  } catch (err) {
    if (err instanceof WatcherNotFoundError) throw new ApiError(404, 'not_found', err.message);
    throw err;
  }
}

export const WATCHER_ROUTES: readonly Route[] = [
  { method: 'GET', path: WATCHER_PATHS.watchers, handle: list },
  // Turning a watcher off silences a health signal, so it takes an owner.
  { method: 'PATCH', path: WATCHER_PATHS.watcher, role: 'owner', handle: patch },
];
