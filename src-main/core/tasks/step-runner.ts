// Runs one step durably: start (attempt row), resolve input, execute, checkpoint — or schedule a retry, or apply on_error.
import type { AuditLog } from '../audit';
import type { LlmPort } from '../llm/port';
import type { ExecuteRequest, Executor } from '../tools/executor';
import type { ToolRegistry } from '../tools/registry';
import { faultPoint } from '../util/faults';
import { decideWithLlm, untrustedSourcesOf } from './step-runner-llm';
import { backoffDelayMs, evaluateCondition, resolveInput, shouldRetry } from '../workflows';
import type { Condition } from '../workflows';
import type { OnError, RetryPolicy, StepRow, TaskRow } from './model';
import type { TaskStore } from './repo';

export interface StepContext {
  audit: AuditLog;
  tasks: TaskStore;
  executor: Executor;
  registry: ToolRegistry;
  llm: LlmPort | null;
  notify(text: string, traceId: string): void;
  now(): number;
  signal: AbortSignal;
}

type Failure = { kind: string; message: string };

function outputsOf(steps: StepRow[]): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const s of steps) if (s.status === 'succeeded' && s.output !== null) outputs[s.step_id] = JSON.parse(s.output);
  return outputs;
}

/** pending → skipped when its condition is false; returns true if skipped. */
export function skipIfConditionFalse(ctx: StepContext, task: TaskRow, step: StepRow, steps: StepRow[]): boolean {
  if (step.condition === null) return false;
  const holds = evaluateCondition(JSON.parse(step.condition) as Condition, { outputs: outputsOf(steps), runInput: JSON.parse(task.run_input) });
  if (holds) return false;
  ctx.audit.transaction(() => {
    ctx.tasks.setStep(task.id, step.step_id, { status: 'skipped', finished_at: new Date(ctx.now()).toISOString() });
    ctx.audit.append({ type: 'task.step_skipped', actor: 'engine', subject: task.id, traceId: task.trace_id, payload: { task_id: task.id, step_id: step.step_id, reason: 'condition is false' } });
  });
  return true;
}

export async function runStep(ctx: StepContext, task: TaskRow, step: StepRow, steps: StepRow[]): Promise<void> {
  faultPoint('step.before_start', step.step_id);
  const attempt = step.resume_interrupted ? Math.max(step.attempts, 1) : step.attempts + 1;
  const startedAt = new Date(ctx.now()).toISOString();
  ctx.audit.transaction(() => {
    ctx.tasks.setStep(task.id, step.step_id, { status: 'running', attempts: attempt, started_at: step.started_at ?? startedAt, next_attempt_at: null });
    ctx.tasks.startAttempt(task.id, step.step_id, attempt, startedAt);
  });
  faultPoint('step.started', step.step_id);

  if (step.kind === 'llm_decide') {
    await decideWithLlm(ctx, task, step, steps, attempt, (failure) => checkpoint(ctx, task, step, attempt, null, failure, undefined), outputsOf(steps));
    return;
  }

  let failure: Failure | null = null;
  let output: unknown;
  let callId: string | null = null;
  try {
    const input = resolveInput(JSON.parse(step.input), { outputs: outputsOf(steps), runInput: JSON.parse(task.run_input) });
    // The injection guard's input (the gate's `untrustedSources`): what untrusted content the model had read when it proposed this call.
    const request: ExecuteRequest = {
      tool: step.tool ?? '',
      input,
      traceId: task.trace_id,
      taskId: task.id,
      idempotencyKey: `${task.id}:${step.step_id}`,
      // A step the model added acts for the model, whoever started the task.
      actor: step.parent_step ? 'llm' : task.actor,
      signal: ctx.signal,
      resumeInterrupted: step.resume_interrupted === 1,
      faultLabel: step.step_id,
      stepId: step.step_id,
      approvalId: step.approval_id,
      untrustedSources: untrustedSourcesOf(ctx, task, step),
    };
    const result = await ctx.executor.execute(request);
    callId = result.call_id;
    if (result.status === 'waiting_approval') {
      waitForApproval(ctx, task, step, attempt, result.approval_id ?? '');
      return;
    }
    if (result.status === 'succeeded') output = result.output;
    else failure = { kind: result.error?.kind ?? 'tool_error', message: result.error?.message ?? 'failed' };
  } catch (err) {
    failure = { kind: 'invalid_input', message: (err as Error).message };
  }
  faultPoint('step.before_checkpoint', step.step_id);
  checkpoint(ctx, task, step, attempt, callId, failure, output);
  faultPoint('step.after_checkpoint', step.step_id);
}

/** The gate asked a person: the step waits (and with it the task) until the approval is decided. */
function waitForApproval(ctx: StepContext, task: TaskRow, step: StepRow, attempt: number, approvalId: string): void {
  ctx.audit.transaction(() => {
    ctx.tasks.finishAttempt(task.id, step.step_id, attempt, 'waiting_approval', null, null, new Date(ctx.now()).toISOString());
    ctx.tasks.setStep(task.id, step.step_id, { status: 'waiting_approval', approval_id: approvalId, resume_interrupted: 0 });
  });
}

/** One transaction: the step's outcome, its attempt row, and what happens next. */
function checkpoint(ctx: StepContext, task: TaskRow, step: StepRow, attempt: number, callId: string | null, failure: Failure | null, output: unknown): void {
  const now = new Date(ctx.now()).toISOString();
  const base = { actor: 'engine', subject: task.id, traceId: task.trace_id };
  ctx.audit.transaction(() => {
    ctx.tasks.finishAttempt(task.id, step.step_id, attempt, failure ? 'failed' : 'succeeded', callId, failure, now);
    if (!failure) {
      ctx.tasks.setStep(task.id, step.step_id, { status: 'succeeded', output: JSON.stringify(output ?? null), error: null, resume_interrupted: 0, finished_at: now });
      return;
    }
    if (ctx.signal.aborted) {
      ctx.tasks.setStep(task.id, step.step_id, { status: 'cancelled', error: JSON.stringify(failure), resume_interrupted: 0, finished_at: now });
      return;
    }
    const policy = JSON.parse(step.retry_policy) as RetryPolicy;
    if (shouldRetry(policy, failure.kind, attempt)) {
      const delay = backoffDelayMs(policy, attempt);
      const next = new Date(ctx.now() + delay).toISOString();
      ctx.tasks.setStep(task.id, step.step_id, { status: 'pending', error: JSON.stringify(failure), resume_interrupted: 0, next_attempt_at: next });
      ctx.audit.append({ ...base, type: 'task.step_retry_scheduled', payload: { task_id: task.id, step_id: step.step_id, attempt, next_attempt: attempt + 1, delay_ms: delay, next_attempt_at: next, reason: failure.kind, message: failure.message } });
      return;
    }
    const onError = JSON.parse(step.on_error) as OnError;
    const handled = onError.action !== 'fail';
    ctx.tasks.setStep(task.id, step.step_id, { status: 'failed', error: JSON.stringify({ ...failure, handled }), resume_interrupted: 0, finished_at: now });
    ctx.audit.append({ ...base, type: 'task.step_failed', payload: { task_id: task.id, step_id: step.step_id, attempts: attempt, reason: failure.kind, message: failure.message, on_error: onError.action } });
    switch (onError.action) {
      case 'fail':
      case 'continue':
        return;
      case 'goto':
        ctx.tasks.setStep(task.id, onError.step, { activated: 1 });
        ctx.audit.append({ ...base, type: 'task.fallback_started', payload: { task_id: task.id, step_id: step.step_id, fallback: onError.step } });
        return;
      case 'alert': {
        const text = onError.message ?? `Step ${step.step_id} of "${task.goal}" failed: ${failure.message}`;
        ctx.audit.append({ ...base, type: 'task.alert', payload: { task_id: task.id, step_id: step.step_id, message: text } });
        ctx.notify(text, task.trace_id);
        return;
      }
      default: {
        const never: never = onError;
        throw new Error(`unknown on_error ${JSON.stringify(never)}`);
      }
    }
  });
}
