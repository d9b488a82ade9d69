// Stored workflow definitions as clients see them, and the problems a rejected definition comes back with.
import { z } from 'zod';

/** The definition is the workflow language itself (src-main/core/workflows/schema.ts checks it on every write). */
export const StoredWorkflow = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int().min(1),
  definition: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredWorkflow = z.infer<typeof StoredWorkflow>;

export const WorkflowList = z.object({ workflows: z.array(StoredWorkflow) });
export type WorkflowList = z.infer<typeof WorkflowList>;

/** One problem with a definition: where ("steps[1].input.text", empty for the whole) and what is wrong. */
export const WorkflowProblem = z.object({ path: z.string(), message: z.string() });
export type WorkflowProblem = z.infer<typeof WorkflowProblem>;

/** The `details` of a 400 from POST /v1/workflows or PUT /v1/workflows/:id: every problem at once. */
export const WorkflowProblems = z.array(WorkflowProblem);

/** Body of POST /v1/workflows/:id/run. */
export const RunWorkflowRequest = z.object({ input: z.record(z.string(), z.unknown()).optional() });
export type RunWorkflowRequest = z.infer<typeof RunWorkflowRequest>;
