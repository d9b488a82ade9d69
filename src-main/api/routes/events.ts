// Events in, tools listed and reviewed: POST/GET /v1/events, GET /v1/tools, POST /v1/tools/:name/enable|disable.
import { InvalidEventError } from '../../core/pipeline';
import type { Outcome } from '../../core/pipeline';
import { API_PATHS, EventListQuery, PostEvent, PostEventQuery, type EventList, type PostEventResult, type ToolList } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

/** Longest a `wait` request holds the connection before answering with what is known. */
export const MAX_WAIT_MS = 30_000;

export async function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function postEvent(ctx: RouteContext): Promise<void> {
  const query = parseWith(PostEventQuery, queryOf(ctx.url), 'query');
  const body = parseWith(PostEvent, await readJson(ctx.req), 'event');
  let submitted;
  try {
    submitted = ctx.agent.submit({ channel: body.channel, payload: body.payload, dedupeKey: body.dedupe_key, threadId: body.thread_id, actor: `person:${ctx.role}` });
  } catch (err) {
    if (err instanceof InvalidEventError) throw new ApiError(400, 'bad_request', `Invalid event: ${err.message}.`, [{ field: err.field, problem: err.message }]);
    throw err;
  }
  if (submitted.deduped) {
    const result: PostEventResult = { event_id: submitted.event_id, trace_id: submitted.trace_id, deduped: true, original_event_id: submitted.event_id };
    sendJson(ctx.res, 200, result);
    return;
  }
  const base: PostEventResult = { event_id: submitted.event_id, trace_id: submitted.trace_id, deduped: false };
  if (query.wait !== 'true') {
    sendJson(ctx.res, 202, base);
    return;
  }
  const outcome: Outcome | null = await waitAtMost(submitted.done, MAX_WAIT_MS);
  sendJson(ctx.res, outcome ? 200 : 202, outcome ? { ...base, task_id: outcome.task_id, status: outcome.status, reply: outcome.reply } : { ...base, status: 'running' });
}

interface EventRow {
  id: string;
  channel: string;
  source: string;
  thread_id: string | null;
  text: string | null;
  payload: string;
  received_at: string;
  trace_id: string;
  parent_event_id: string | null;
  dedupe_key: string | null;
  status: string;
  reply: string | null;
}

function listEvents(ctx: RouteContext): void {
  const q = parseWith(EventListQuery, queryOf(ctx.url), 'query');
  const rows = ctx.core.db
    .prepare(
      `SELECT e.*, (SELECT text FROM responses r WHERE r.event_id = e.id ORDER BY r.created_at DESC LIMIT 1) AS reply
       FROM events e ${q.channel ? 'WHERE e.channel = @channel' : ''} ORDER BY e.received_at DESC, e.rowid DESC LIMIT @limit`,
    )
    .all({ channel: q.channel, limit: q.limit }) as EventRow[];
  const body = { events: rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> })) } as EventList;
  sendJson(ctx.res, 200, body);
}

function listTools(ctx: RouteContext): void {
  const body: ToolList = { tools: ctx.agent.registry.list().map((t) => ctx.agent.registry.describe(t)), errors: ctx.agent.registry.errors() };
  sendJson(ctx.res, 200, body);
}

function review(enabled: boolean) {
  return (ctx: RouteContext): void => {
    const name = ctx.params.name ?? '';
    const tool = ctx.agent.registry.get(name);
    if (!tool) throw new ApiError(404, 'not_found', `No tool named "${name}".`);
    if (tool.review === 'none') throw new ApiError(409, 'conflict', `"${name}" needs no review; it is always enabled.`);
    ctx.agent.registry.setEnabled(name, enabled, `person@${ctx.caller}`);
    sendJson(ctx.res, 200, ctx.agent.registry.describe(tool));
  };
}

export const EVENT_ROUTES: readonly Route[] = [
  { method: 'POST', path: API_PATHS.events, handle: postEvent },
  { method: 'GET', path: API_PATHS.events, handle: listEvents },
  { method: 'GET', path: API_PATHS.tools, handle: listTools },
  { method: 'POST', path: `${API_PATHS.tools}/:name/enable`, role: 'owner', handle: review(true) },
  { method: 'POST', path: `${API_PATHS.tools}/:name/disable`, role: 'owner', handle: review(false) },
];
