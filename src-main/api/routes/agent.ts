// The planner API: POST /v1/agent/plan, POST /v1/agent/execute, GET /v1/agent/status/:task_id.
import { InvalidEventError } from '../../core/pipeline';
import { TaskStateError, UnknownTaskError, type TaskRecord } from '../../core/tasks';
import { API_PATHS, ExecuteRequest, PlanRequest, type Plan, type TaskStatusView } from '../contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { MAX_WAIT_MS, waitAtMost } from './events';
import type { Route, RouteContext } from './types';

const view = ({ event_id: _event, ...task }: TaskRecord): TaskStatusView => task;

async function plan(ctx: RouteContext): Promise<void> {
  const body = parseWith(PlanRequest, await readJson(ctx.req), 'plan request');
  const { pipeline } = ctx.agent;
  let ingested;
  try {
    ingested = pipeline.ingest({ channel: 'api', payload: { text: body.goal, ...(body.context ? { context: body.context } : {}) }, actor: 'api' });
  } catch (err) {
    if (err instanceof InvalidEventError) throw new ApiError(400, 'bad_request', `Invalid goal: ${err.message}.`);
    throw err;
  }
  if (ingested.deduped) throw new ApiError(409, 'conflict', 'This goal was just submitted.');
  const { task } = await pipeline.route(ingested);
  if (!task) {
    throw new ApiError(422, 'unprocessable', `No plan for "${body.goal}": nothing understood it. Try: ${ctx.agent.router.examples().join('; ')}.`, {
      trace_id: ingested.event.trace_id,
    });
  }
  const result: Plan = {
    task_id: task.task_id,
    trace_id: task.trace_id,
    intent: task.intent,
    steps: task.steps.map(({ id, action, input, requires_approval, risk }) => ({ id, action, input, requires_approval, risk })),
  };
  sendJson(ctx.res, 200, result);
}

async function execute(ctx: RouteContext): Promise<void> {
  const body = parseWith(ExecuteRequest, await readJson(ctx.req), 'execute request');
  const { tasks, pipeline } = ctx.agent;
  const task = tasks.get(body.task_id);
  if (!task) throw new ApiError(404, 'not_found', `No task with id "${body.task_id}".`);
  if (task.status !== 'planned') throw new ApiError(409, 'conflict', `Task ${task.task_id} is ${task.status}; only a planned task can be executed.`, { status: task.status });
  const event = task.event_id ? pipeline.eventById(task.event_id) : null;
  const running = pipeline.execute(task.task_id, { event, route: null, parentAuditId: null, actor: 'api' }).catch((err: unknown) => {
    if (err instanceof TaskStateError) return tasks.require(task.task_id);
    console.error(`task ${task.task_id} failed:`, err);
    return tasks.require(task.task_id);
  });
  const finished = body.wait ? await waitAtMost(running, MAX_WAIT_MS) : null;
  const current = finished ?? tasks.require(task.task_id);
  sendJson(ctx.res, finished ? 200 : 202, view(current));
}

function status(ctx: RouteContext): void {
  const id = ctx.params.task_id ?? '';
  try {
    sendJson(ctx.res, 200, view(ctx.agent.tasks.require(id)));
  } catch (err) {
    if (err instanceof UnknownTaskError) throw new ApiError(404, 'not_found', err.message);
    throw err;
  }
}

export const AGENT_ROUTES: readonly Route[] = [
  { method: 'POST', path: API_PATHS.agentPlan, handle: plan },
  { method: 'POST', path: API_PATHS.agentExecute, handle: execute },
  { method: 'GET', path: API_PATHS.agentStatus, handle: status },
];
