// An llm_decide turn of the agent loop: ask the model with the loop so far, then add its tool calls as steps or complete.
import { bringsUntrustedContent, guardCall } from '../llm/injection-guard';
import { MAX_CALLS_PER_TURN } from '../llm/model-agent';
import { callsOf, type LlmToolInfo, type LlmTurn, type LlmTurnCall } from '../llm/port';
import type { OnError, StepRow, StepSpec, TaskRow } from './model';
import type { StepContext } from './step-runner';

type Failure = { kind: string; message: string };

export const MAX_LLM_TURNS = 8;
/** A failed call goes back to the model as its result, so it can adjust, instead of failing the task. */
const CHILD_ON_ERROR: OnError = { action: 'continue' };

const fail = (kind: string, message: string) => Object.assign(new Error(message), { kind });

function parse<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

/**
 * The loop so far. Which calls belong to which turn is read from this step's own llm.step_decided rows: they
 * commit in the same transaction as the steps they add, so the trail and the steps always agree.
 */
export function loadTurns(ctx: StepContext, task: TaskRow, step: StepRow, steps: readonly StepRow[]): LlmTurn[] {
  const children = new Map(steps.filter((s) => s.parent_step === step.step_id).map((s) => [s.step_id, s]));
  const decided = ctx.audit
    .list({ trace_id: task.trace_id, type: 'llm.step_decided', after: 0, limit: 1000 })
    .map((e) => e.payload as { task_id?: string; step_id?: string; turn?: number; text?: string | null; calls?: { step_id: string }[] })
    .filter((p) => p.task_id === task.id && p.step_id === step.step_id && Array.isArray(p.calls) && p.calls.length > 0);
  const seen = new Set<string>();
  const asCall = (child: StepRow): LlmTurnCall => {
    seen.add(child.step_id);
    const output = child.status === 'succeeded' ? parse<unknown>(child.output) : undefined;
    const error = parse<{ kind: string; message: string }>(child.error);
    const call: LlmTurnCall = {
      step_id: child.step_id,
      tool: child.tool ?? '',
      input: parse<Record<string, unknown>>(child.input) ?? {},
      status: child.status,
      untrusted: child.status === 'succeeded' && bringsUntrustedContent(ctx.registry.get(child.tool ?? ''), output),
    };
    if (output !== undefined) call.output = output;
    if (error) call.error = { kind: error.kind, message: error.message };
    return call;
  };
  const turns: LlmTurn[] = [];
  for (const p of decided) {
    const calls = (p.calls ?? []).flatMap((c) => {
      const child = children.get(c.step_id);
      return child ? [asCall(child)] : [];
    });
    if (calls.length > 0) turns.push({ turn: turns.length + 1, text: p.text ?? null, calls });
  }
  // Steps added before turns were recorded (or by hand) still reach the model, one turn each.
  for (const child of children.values()) if (!seen.has(child.step_id)) turns.push({ turn: turns.length + 1, text: null, calls: [asCall(child)] });
  return turns;
}

/**
 * The untrusted sources the conversation held when the model proposed this child step's call, as recorded in the
 * llm.step_decided row that added it; empty for steps no model proposed.
 */
export function untrustedSourcesOf(ctx: StepContext, task: TaskRow, step: StepRow): string[] {
  if (!step.parent_step) return [];
  const decided = ctx.audit
    .list({ trace_id: task.trace_id, type: 'llm.step_decided', after: 0, limit: 1000 })
    .map((e) => e.payload as { task_id?: string; calls?: { step_id: string }[]; untrusted_sources?: string[] })
    .find((p) => p.task_id === task.id && (p.calls ?? []).some((c) => c.step_id === step.step_id));
  return decided?.untrusted_sources ?? [];
}

function offeredTools(ctx: StepContext, allowed: readonly string[] | null): LlmToolInfo[] {
  return ctx.registry
    .list()
    .filter((t) => ctx.registry.state(t).enabled && (allowed === null || allowed.includes(t.name)))
    .map((t) => ({ name: t.name, description: t.description, risk: t.risk, input_schema: ctx.registry.describe(t).input_schema }));
}

/** One turn: the model either adds tool steps (run before it is asked again) or completes with a reply. */
export async function decideWithLlm(ctx: StepContext, task: TaskRow, step: StepRow, steps: StepRow[], attempt: number, onFailure: (failure: Failure) => void, outputs: Record<string, unknown>): Promise<void> {
  const limits = JSON.parse(step.input) as { max_turns?: number; tools?: string[] | null };
  const maxTurns = limits.max_turns ?? MAX_LLM_TURNS;
  const childCount = steps.filter((s) => s.parent_step === step.step_id).length;
  let failure: Failure | null = null;
  try {
    if (!ctx.llm) throw fail('not_available', 'No language model is configured.');
    const turns = loadTurns(ctx, task, step, steps);
    if (turns.length >= maxTurns) throw fail('step_budget', `The model used all ${maxTurns} turns without completing.`);
    const tools = offeredTools(ctx, limits.tools ?? null);
    const decision = await ctx.llm.decide({
      intent: step.goal ?? task.goal,
      outputs,
      tools,
      traceId: task.trace_id,
      taskId: task.id,
      stepId: step.step_id,
      turn: turns.length + 1,
      eventId: task.event_id,
      turns,
      signal: ctx.signal,
    });
    const proposed = callsOf(decision);
    if (proposed.length > MAX_CALLS_PER_TURN) throw fail('bad_response', `The model proposed ${proposed.length} calls in one turn; at most ${MAX_CALLS_PER_TURN} are accepted.`);
    const unknown = proposed.find((c) => !tools.some((t) => t.name === c.tool));
    if (unknown) throw fail('unknown_tool', `The model asked for a tool it was not offered: "${unknown.tool}".`);
    const untrustedSources = [...new Set(turns.flatMap((t) => t.calls.filter((c) => c.untrusted).map((c) => c.tool)))];
    const children = proposed.map((c, i) => ({ ...c, step_id: `${step.step_id}.${childCount + i + 1}`, guard: guardCall(ctx.registry.get(c.tool), untrustedSources) }));
    const now = new Date(ctx.now()).toISOString();
    ctx.audit.transaction(() => {
      const { llm_call_id: llmCallId, text, ...shown } = decision;
      ctx.audit.append({
        actor: 'llm',
        subject: task.id,
        traceId: task.trace_id,
        type: 'llm.step_decided',
        payload: {
          task_id: task.id,
          step_id: step.step_id,
          model: ctx.llm?.name ?? null,
          turn: turns.length + 1,
          decision: shown,
          llm_call_id: llmCallId ?? null,
          text: text ?? null,
          calls: children.map((c) => ({ step_id: c.step_id, tool: c.tool, guard: c.guard.needsApproval ? c.guard.reason : null })),
          untrusted_sources: untrustedSources,
        },
      });
      ctx.tasks.finishAttempt(task.id, step.step_id, attempt, 'succeeded', null, null, now);
      if (decision.action === 'complete') {
        ctx.tasks.setStep(task.id, step.step_id, { status: 'succeeded', output: JSON.stringify({ reply: decision.reply }), finished_at: now });
        return;
      }
      children.forEach((c, i) => {
        const spec: StepSpec = {
          id: c.step_id,
          kind: 'tool',
          tool: c.tool,
          input: c.input,
          parent_step: step.step_id,
          sub: childCount + i + 1,
          risk: ctx.registry.get(c.tool)?.risk,
          on_error: CHILD_ON_ERROR,
          // Calls of one turn run in the order proposed; a call waiting for approval holds the ones after it.
          depends_on: i > 0 ? [children[i - 1]?.step_id ?? ''] : [],
        };
        ctx.tasks.insertStep(task.id, spec, step.seq);
      });
      const deps = [...(JSON.parse(step.depends_on) as string[]), ...children.map((c) => c.step_id)];
      // Back to pending, after its new children: the model is asked again once they have run.
      ctx.tasks.setStep(task.id, step.step_id, { status: 'pending', depends_on: JSON.stringify(deps) });
    });
  } catch (err) {
    failure = { kind: (err as { kind?: string }).kind ?? 'tool_error', message: (err as Error).message };
  }
  if (failure) onFailure(failure);
}
