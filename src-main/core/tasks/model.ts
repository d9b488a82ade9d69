// Task and step shapes inside the core, the default retry policy, and what the state machine allows.
import type { StepStatus, TaskStatus } from '../../../src-shared/contract/agent';
import type { Risk } from '../tools/types';

export interface RetryPolicy {
  max_attempts: number;
  backoff: { initial_ms: number; multiplier: number; max_ms: number; jitter: boolean };
  retry_on: string[];
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  max_attempts: 1,
  backoff: { initial_ms: 1000, multiplier: 2, max_ms: 60_000, jitter: true },
  retry_on: ['timeout', 'tool_error', 'crashed', 'not_available'],
});

export type OnError = { action: 'fail' } | { action: 'goto'; step: string } | { action: 'alert'; message?: string } | { action: 'continue' };

/** A step as the planner or a workflow declares it, before it is stored. */
export interface StepSpec {
  id: string;
  kind: 'tool' | 'llm_decide';
  tool?: string | undefined;
  input?: unknown;
  goal?: string | undefined;
  depends_on?: string[] | undefined;
  condition?: unknown;
  retry_policy?: RetryPolicy | undefined;
  on_error?: OnError | undefined;
  fallback?: boolean | undefined;
  parent_step?: string | undefined;
  sub?: number | undefined;
  risk?: Risk | undefined;
  requires_approval?: boolean | undefined;
}

export interface StepRow {
  task_id: string;
  step_id: string;
  seq: number;
  sub: number;
  kind: 'tool' | 'llm_decide';
  tool: string | null;
  input: string;
  goal: string | null;
  depends_on: string;
  condition: string | null;
  retry_policy: string;
  on_error: string;
  fallback: number;
  activated: number;
  parent_step: string | null;
  risk: Risk;
  requires_approval: number;
  status: StepStatus;
  attempts: number;
  next_attempt_at: string | null;
  resume_interrupted: number;
  output: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  approval_id: string | null;
}

export interface TaskRow {
  id: string;
  trace_id: string;
  event_id: string | null;
  goal: string;
  intent: string | null;
  status: TaskStatus;
  kind: 'intent' | 'workflow' | 'llm';
  workflow_id: string | null;
  run_input: string;
  channel: string;
  actor: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  reply: string | null;
  error: string | null;
  paused_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A state change the database refused; says what and from where. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly machine: 'task' | 'step',
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`Illegal ${machine} transition for ${id}: ${from} → ${to}.`);
  }
}
