// Durable tasks and workflows: list, inspect (with the trace's verified audit rows), cancel/pause/resume, decide ambiguous steps; define and run workflows.
import { canonicalJson, rowHash } from '../../core/audit';
import { TaskStateError, UnknownTaskError } from '../../core/tasks';
import { WorkflowInvalidError, WorkflowNameTakenError } from '../../core/workflows/store';
import { AmbiguousDecision, API_PATHS, TaskListQuery, type TaskTrail } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { MAX_WAIT_MS, waitAtMost } from './events';
import { queryOf, type Route, type RouteContext } from './types';

/** Maps the core's task errors to 404 (with the id) and 409 (with the current state). */
export function taskErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UnknownTaskError) throw new ApiError(404, 'not_found', err.message);
    if (err instanceof TaskStateError) throw new ApiError(409, 'conflict', err.message, { status: err.status });
    throw err;
  }
}

const who = (ctx: RouteContext) => `person@${ctx.caller}`;

function list(ctx: RouteContext): void {
  const q = parseWith(TaskListQuery, queryOf(ctx.url), 'query');
  sendJson(ctx.res, 200, { tasks: ctx.agent.tasks.list(q.status, q.limit) });
}

function detail(ctx: RouteContext): void {
  sendJson(ctx.res, 200, taskErrors(() => ctx.agent.tasks.detail(ctx.params.id ?? '')));
}

/**
 * The task's trace with the chain's verification. A row counts as verified when its own hash still matches
 * its contents and the chain is intact up to it; the whole chain is walked, because a row is only as
 * trustworthy as every row before it.
 */
function trail(ctx: RouteContext): void {
  const id = ctx.params.id ?? '';
  const task = ctx.agent.tasks.row(id);
  if (!task) throw new ApiError(404, 'not_found', `No task with id "${id}".`);
  const verification = ctx.core.verify();
  const brokenAt = verification.ok ? Number.POSITIVE_INFINITY : (verification.broken?.id ?? 0);
  const events = ctx.core.audit.byTrace(task.trace_id).map((event) => ({
    ...event,
    verified: event.id < brokenAt && rowHash({ ...event, payload: canonicalJson(event.payload) }) === event.hash,
  }));
  ctx.core.audit.append({
    type: 'audit.verified',
    actor: 'api',
    subject: ctx.caller,
    payload: { ok: verification.ok, rows: verification.rows, broken_id: verification.broken?.id ?? null, reason: verification.broken?.reason ?? null, task_id: id },
  });
  const body: TaskTrail = { task_id: id, trace_id: task.trace_id, events, verification };
  sendJson(ctx.res, 200, body);
}

const control = (action: 'cancel' | 'pause' | 'resume') => (ctx: RouteContext) => {
  const id = ctx.params.id ?? '';
  sendJson(ctx.res, 200, taskErrors(() => ctx.agent.engine[action](id, who(ctx))));
};

async function decide(ctx: RouteContext): Promise<void> {
  const body = parseWith(AmbiguousDecision, await readJson(ctx.req), 'decision');
  sendJson(ctx.res, 200, taskErrors(() => ctx.agent.engine.decide(ctx.params.id ?? '', ctx.params.step_id ?? '', body.decision, who(ctx))));
}

function workflowErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WorkflowInvalidError) throw new ApiError(400, 'bad_request', `Invalid workflow: ${err.problems.length} problem(s).`, err.problems);
    if (err instanceof WorkflowNameTakenError) throw new ApiError(409, 'conflict', err.message);
    throw err;
  }
}

async function createWorkflow(ctx: RouteContext): Promise<void> {
  const raw = await readJson(ctx.req);
  sendJson(ctx.res, 201, workflowErrors(() => ctx.agent.workflows.create(raw, who(ctx))));
}

async function updateWorkflow(ctx: RouteContext): Promise<void> {
  const raw = await readJson(ctx.req);
  const updated = workflowErrors(() => ctx.agent.workflows.update(ctx.params.id ?? '', raw, who(ctx)));
  if (!updated) throw new ApiError(404, 'not_found', `No workflow "${ctx.params.id}".`);
  sendJson(ctx.res, 200, updated);
}

function getWorkflow(ctx: RouteContext): void {
  const wf = ctx.agent.workflows.get(ctx.params.id ?? '');
  if (!wf) throw new ApiError(404, 'not_found', `No workflow "${ctx.params.id}".`);
  sendJson(ctx.res, 200, wf);
}

async function runWorkflow(ctx: RouteContext): Promise<void> {
  const wf = ctx.agent.workflows.get(ctx.params.id ?? '');
  if (!wf) throw new ApiError(404, 'not_found', `No workflow "${ctx.params.id}".`);
  const wait = ctx.url.searchParams.get('wait') === 'true';
  const hasBody = Number(ctx.req.headers['content-length'] ?? 0) > 0 || ctx.req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? await readJson(ctx.req) : {};
  const input = (body as { input?: unknown }).input ?? {};
  const task = ctx.agent.workflows.run(wf, ctx.agent.tasks, input, who(ctx));
  ctx.agent.engine.kick();
  const done = wait ? await waitAtMost(ctx.agent.engine.waitFor(task.task_id), MAX_WAIT_MS) : null;
  sendJson(ctx.res, done ? 200 : 202, done ?? task);
}

export const TASK_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.tasks, handle: list },
  { method: 'GET', path: `${API_PATHS.tasks}/:id`, handle: detail },
  { method: 'GET', path: `${API_PATHS.tasks}/:id/trail`, handle: trail },
  { method: 'POST', path: `${API_PATHS.tasks}/:id/cancel`, handle: control('cancel') },
  { method: 'POST', path: `${API_PATHS.tasks}/:id/pause`, handle: control('pause') },
  { method: 'POST', path: `${API_PATHS.tasks}/:id/resume`, handle: control('resume') },
  { method: 'POST', path: `${API_PATHS.tasks}/:id/steps/:step_id/decide`, handle: decide },
  { method: 'GET', path: API_PATHS.workflows, handle: (ctx) => sendJson(ctx.res, 200, { workflows: ctx.agent.workflows.list() }) },
  { method: 'POST', path: API_PATHS.workflows, handle: createWorkflow },
  { method: 'GET', path: `${API_PATHS.workflows}/:id`, handle: getWorkflow },
  { method: 'PUT', path: `${API_PATHS.workflows}/:id`, handle: updateWorkflow },
  { method: 'POST', path: `${API_PATHS.workflows}/:id/run`, handle: runWorkflow },
];
