// The planner API: plan a goal into steps, execute them, follow their status.
import { z } from 'zod';
import { AuditEvent, Verification } from './audit';
import { RISK_LEVELS, ToolPermissionsShape } from './tools';

export const PlanRequest = z.strictObject({
  goal: z.string().trim().min(1, 'goal must not be empty').max(4000),
  context: z.record(z.string(), z.unknown()).optional(),
});

export const GATE_VERDICTS = ['allow', 'require_approval', 'deny'] as const;
export const CONFIRMERS = ['app', 'daemon'] as const;
export type Confirmer = (typeof CONFIRMERS)[number];

export const PlanStep = z.object({
  id: z.string(),
  action: z.string(),
  input: z.unknown(),
  requires_approval: z.boolean(),
  risk: z.enum(RISK_LEVELS),
  /** What the step would do, without doing it (the dry-run preview). */
  preview: z.record(z.string(), z.unknown()).optional(),
  /** The tool's own description, for people reading the plan. */
  description: z.string().optional(),
  /** What the tool may touch, as its manifest declares. */
  permissions: ToolPermissionsShape.optional(),
  /** The gate's prediction for this step at the current autonomy: its verdict, the deciding cell and why. */
  gate: z.object({ decision: z.enum(GATE_VERDICTS), cell: z.string(), reason: z.string() }).optional(),
  /**
   * Who will be asked before the step runs: `app` is an approval in Jarvis, `daemon` the daemon's own dialog
   * on its screen (as the app's copy of capabilities.json predicts; the daemon's own copy has the last word).
   */
  confirmations: z.array(z.enum(CONFIRMERS)).optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const TASK_STATUSES = ['planned', 'pending', 'running', 'waiting_approval', 'paused', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Task states nothing leaves. */
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'ambiguous', 'cancelled', 'waiting_approval'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const StepState = PlanStep.extend({
  kind: z.enum(['tool', 'llm_decide']),
  status: z.enum(STEP_STATUSES),
  attempts: z.number().int(),
  output: z.unknown().optional(),
  error: z.object({ kind: z.string(), message: z.string(), handled: z.boolean().optional() }).optional(),
  next_attempt_at: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type StepState = z.infer<typeof StepState>;

export const Plan = z.object({
  task_id: z.string(),
  trace_id: z.string(),
  intent: z.string().nullable(),
  steps: z.array(PlanStep),
  /** What Jarvis remembers that bears on this goal, best first (the same memories a model's context gets). */
  memories: z.array(z.object({ id: z.string(), kind: z.string(), content: z.string(), score: z.number().optional() })).optional(),
});
export type Plan = z.infer<typeof Plan>;

export const ExecuteRequest = z.strictObject({
  task_id: z.string().min(1),
  /** Wait (up to 30 s) for the task to finish before answering. */
  wait: z.boolean().optional(),
});

export const TaskStatusView = z.object({
  task_id: z.string(),
  trace_id: z.string(),
  kind: z.enum(['intent', 'workflow', 'llm']),
  workflow_id: z.string().nullable(),
  goal: z.string(),
  intent: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  /** Who paused it, when it is paused: `kill_switch`, `anomaly`, or null for a person's pause. */
  paused_by: z.string().nullable().optional(),
  steps: z.array(StepState),
  reply: z.string().nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TaskStatusView = z.infer<typeof TaskStatusView>;

export const StepAttempt = z.object({
  step_id: z.string(),
  attempt: z.number().int(),
  status: z.string(),
  tool_call_id: z.string().nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});

export const TaskDetail = TaskStatusView.extend({
  attempts: z.array(StepAttempt),
  /** What happened, one line per event of the task's trace, for people. */
  logs: z.array(z.string()),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

export const TaskListQuery = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const TaskList = z.object({ tasks: z.array(TaskStatusView) });

export const AmbiguousDecision = z.strictObject({
  /** retry: run the step again; done: it did take effect, use no output; fail: give up on the step. */
  decision: z.enum(['retry', 'done', 'fail']),
});

/** A task-progress message on the live stream. */
export const TaskProgress = z.object({
  task_id: z.string(),
  trace_id: z.string(),
  status: z.enum(TASK_STATUSES),
  step_id: z.string().nullable(),
  step_status: z.enum(STEP_STATUSES).nullable(),
  message: z.string(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

/** An audit row of a task's trace, with whether it is part of the verified chain (its own hash matches and no break precedes it). */
export const TrailEvent = AuditEvent.extend({ verified: z.boolean() });
export type TrailEvent = z.infer<typeof TrailEvent>;

/** GET /v1/tasks/:id/trail: the task's trace as audit rows, checked against the whole chain's verification. */
export const TaskTrail = z.object({
  task_id: z.string(),
  trace_id: z.string(),
  events: z.array(TrailEvent),
  verification: Verification,
});
export type TaskTrail = z.infer<typeof TaskTrail>;
