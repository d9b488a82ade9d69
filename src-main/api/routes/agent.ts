// The planner API: POST /v1/agent/plan, POST /v1/agent/execute, GET /v1/agent/status/:task_id.
import { daemonWillConfirm, readCapabilities } from '../../core/integrations/daemon';
import { memoryLookup } from '../../core/llm';
import { InvalidEventError } from '../../core/pipeline';
import { resourcePath } from '../../core/util/resources';
import { API_PATHS, ExecuteRequest, PlanRequest, type Confirmer, type Plan, type PlanStep } from '../../../src-shared/contract';
import { ApiError, parseWith, readJson, sendJson } from '../http';
import { MAX_WAIT_MS, waitAtMost } from './events';
import { taskErrors } from './tasks';
import type { Route, RouteContext } from './types';

/** The dry-run preview a tool declares, or the bare call when it declares none. */
function previewOf(ctx: RouteContext, action: string, input: unknown): Record<string, unknown> {
  try {
    return ctx.agent.registry.get(action)?.preview?.(input) ?? { tool: action, input };
  } catch {
    return { tool: action, input };
  }
}

let capabilities: ReturnType<typeof readCapabilities> | null = null;

/** Who will be asked before a step runs, as far as the app can tell before running it. */
function confirmationsOf(action: string, risk: PlanStep['risk'], decision: string, cell: string): Confirmer[] {
  const out: Confirmer[] = [];
  if (decision === 'require_approval') out.push('app');
  const cap = action.startsWith('daemon.') ? action.slice('daemon.'.length) : null;
  if (cap !== null) {
    capabilities ??= readCapabilities(resourcePath('capabilities.json'));
    if (cell === 'daemon_dialog' || daemonWillConfirm(capabilities, cap, risk)) out.push('daemon');
  }
  return out;
}

/** The step as a person should see it before saying Run: what the tool is, what it may touch, and who will be asked. */
function describeStep(ctx: RouteContext, step: Pick<PlanStep, 'id' | 'action' | 'input' | 'requires_approval' | 'risk'>): PlanStep {
  const tool = ctx.agent.registry.get(step.action);
  const base: PlanStep = { ...step, preview: previewOf(ctx, step.action, step.input) };
  if (!tool) return base;
  const predicted = ctx.agent.safety.gate.evaluate({ tool, input: step.input, actor: `person:${ctx.role}`, traceId: '', taskId: null }, 'plan');
  return {
    ...base,
    description: tool.description,
    permissions: tool.permissions,
    gate: { decision: predicted.decision, cell: predicted.cell, reason: predicted.reason },
    confirmations: confirmationsOf(step.action, step.risk, predicted.decision, predicted.cell),
  };
}

const PLAN_MEMORIES = 3;

/** The memories that bear on a goal; planning never fails because the embedding provider is away. */
async function relevantMemories(ctx: RouteContext, goal: string): Promise<NonNullable<Plan['memories']>> {
  try {
    return await memoryLookup((q) => ctx.agent.memory.store.query(q))(goal, PLAN_MEMORIES);
  } catch {
    return [];
  }
}

async function plan(ctx: RouteContext): Promise<void> {
  const body = parseWith(PlanRequest, await readJson(ctx.req), 'plan request');
  const { pipeline } = ctx.agent;
  let ingested;
  try {
    ingested = pipeline.ingest({ channel: 'api', payload: { text: body.goal, ...(body.context ? { context: body.context } : {}) }, actor: `person:${ctx.role}` });
  } catch (err) {
    if (err instanceof InvalidEventError) throw new ApiError(400, 'bad_request', `Invalid goal: ${err.message}.`);
    throw err;
  }
  if (ingested.deduped) throw new ApiError(409, 'conflict', 'This goal was just submitted.');
  const { task } = await pipeline.route(ingested, { start: false, actor: `person:${ctx.role}` });
  if (!task) {
    throw new ApiError(422, 'unprocessable', `No plan for "${body.goal}": nothing understood it. Try: ${ctx.agent.router.examples().join('; ')}.`, {
      trace_id: ingested.event.trace_id,
    });
  }
  const result: Plan = {
    task_id: task.task_id,
    trace_id: task.trace_id,
    intent: task.intent,
    steps: task.steps.map(({ id, action, input, requires_approval, risk }) => describeStep(ctx, { id, action, input, requires_approval, risk })),
    memories: await relevantMemories(ctx, body.goal),
  };
  sendJson(ctx.res, 200, result);
}

async function execute(ctx: RouteContext): Promise<void> {
  const body = parseWith(ExecuteRequest, await readJson(ctx.req), 'execute request');
  const { engine } = ctx.agent;
  taskErrors(() => engine.enqueue(body.task_id));
  const finished = body.wait ? await waitAtMost(engine.waitFor(body.task_id), MAX_WAIT_MS) : null;
  sendJson(ctx.res, finished ? 200 : 202, finished ?? ctx.agent.tasks.view(body.task_id));
}

function status(ctx: RouteContext): void {
  sendJson(ctx.res, 200, taskErrors(() => ctx.agent.tasks.view(ctx.params.task_id ?? '')));
}

export const AGENT_ROUTES: readonly Route[] = [
  { method: 'POST', path: API_PATHS.agentPlan, handle: plan },
  { method: 'POST', path: API_PATHS.agentExecute, handle: execute },
  { method: 'GET', path: API_PATHS.agentStatus, handle: status },
];
