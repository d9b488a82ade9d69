// The planner API: plan a goal into steps, execute them, follow their status.
import { z } from 'zod';
import { RISK_LEVELS } from './tools';

export const PlanRequest = z.strictObject({
  goal: z.string().trim().min(1, 'goal must not be empty').max(4000),
  context: z.record(z.string(), z.unknown()).optional(),
});

export const PlanStep = z.object({
  id: z.string(),
  action: z.string(),
  input: z.unknown(),
  requires_approval: z.boolean(),
  risk: z.enum(RISK_LEVELS),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const TASK_STATUSES = ['planned', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const StepState = PlanStep.extend({
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'rejected', 'skipped']),
  output: z.unknown().optional(),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
});
export type StepState = z.infer<typeof StepState>;

export const Plan = z.object({
  task_id: z.string(),
  trace_id: z.string(),
  intent: z.string().nullable(),
  steps: z.array(PlanStep),
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
  goal: z.string(),
  intent: z.string().nullable(),
  status: z.enum(TASK_STATUSES),
  steps: z.array(StepState),
  reply: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TaskStatusView = z.infer<typeof TaskStatusView>;
