// Memory routes: POST /v1/memory/add, POST /v1/memory/query, GET /v1/memory, DELETE /v1/memory/:id.
import { EmbeddingError, SecretRefusedError } from '../../core/memory';
import { MEMORY_PATHS, MemoryAddRequest, MemoryListQuery, MemoryQueryRequest } from '../../../src-shared/contract/memory';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

const writer = (ctx: RouteContext) => ({ actor: `person:${ctx.role}@${ctx.caller}` });

/** The store's refusals as the API's errors: secrets 422 naming each field, provider trouble 502, bad expiry 400. */
async function memoryErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SecretRefusedError) {
      throw new ApiError(422, 'unprocessable', err.message, err.findings.map((f) => ({ field: f.field, problem: `looks like ${f.what}` })));
    }
    // The provider's failure is not the caller's fault nor a bug here; the message names the provider and what it said.
    if (err instanceof EmbeddingError) throw new ApiError(502, 'upstream_unavailable', `${err.message} Nothing was stored.`);
    if (err instanceof RangeError) throw new ApiError(400, 'bad_request', err.message);
    throw err;
  }
}

async function add(ctx: RouteContext): Promise<void> {
  const body = parseWith(MemoryAddRequest, await readJson(ctx.req), 'memory');
  const memory = await memoryErrors(() => ctx.agent.memory.store.add(body, writer(ctx)));
  sendJson(ctx.res, 201, memory);
}

async function query(ctx: RouteContext): Promise<void> {
  const body = parseWith(MemoryQueryRequest, await readJson(ctx.req), 'memory query');
  sendJson(ctx.res, 200, await memoryErrors(() => ctx.agent.memory.store.query(body)));
}

function list(ctx: RouteContext): void {
  const q = parseWith(MemoryListQuery, queryOf(ctx.url), 'query');
  sendJson(ctx.res, 200, ctx.agent.memory.store.list(q));
}

function get(ctx: RouteContext): void {
  const id = ctx.params.id ?? '';
  const memory = ctx.agent.memory.store.get(id);
  if (!memory) throw new ApiError(404, 'not_found', `No memory "${id}" (it may have been forgotten or have expired).`);
  sendJson(ctx.res, 200, memory);
}

function forget(ctx: RouteContext): void {
  const id = ctx.params.id ?? '';
  const memory = ctx.agent.memory.store.forget(id, writer(ctx));
  if (!memory) throw new ApiError(404, 'not_found', `No memory "${id}" (it may have been forgotten or have expired).`);
  sendJson(ctx.res, 200, { forgotten: memory.id, kind: memory.kind });
}

export const MEMORY_ROUTES: readonly Route[] = [
  { method: 'GET', path: MEMORY_PATHS.memory, handle: list },
  { method: 'POST', path: MEMORY_PATHS.add, handle: add },
  { method: 'POST', path: MEMORY_PATHS.query, role: 'viewer', handle: query },
  { method: 'GET', path: `${MEMORY_PATHS.memory}/:id`, handle: get },
  { method: 'DELETE', path: `${MEMORY_PATHS.memory}/:id`, handle: forget },
];
