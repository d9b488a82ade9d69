// The shape of a workflow definition as zod schemas: steps, references in inputs, retry policies, error handling.
import { z } from 'zod';
import { EXECUTION_ERROR_KINDS } from '../../../src-shared/contract/events';
import { Condition } from './conditions';
import { referencesIn } from './refs';

const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const STEP_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Longest back-off delay a policy may ask for: a day. Longer waits belong to a schedule, not a retry. */
const MAX_DELAY_MS = 86_400_000;
const MAX_STEPS = 500;

const ToolName = z.string().min(1, { error: 'must name a tool' }).max(128);

const StepId = z.string().regex(STEP_ID_RE, { error: 'a step id is 1–64 characters: lowercase letters, digits, "_" and "-", starting with a letter or digit' });

const ErrorKind = z.enum(EXECUTION_ERROR_KINDS, {
  error: (issue) => `unknown error kind ${JSON.stringify(issue.input)}; the kinds are ${EXECUTION_ERROR_KINDS.join(', ')}`,
});

/** Every field is optional: a step's policy overrides the workflow's field by field, the workflow's the defaults. */
export const RetryPolicy = z.strictObject({
  /** Attempts in all, the first included: 1 means no retry. */
  max_attempts: z.int().min(1).max(100).exactOptional(),
  backoff: z
    .strictObject({
      initial_ms: z.int().min(0).max(MAX_DELAY_MS).exactOptional(),
      multiplier: z.number().min(1).max(10).exactOptional(),
      max_ms: z.int().min(0).max(MAX_DELAY_MS).exactOptional(),
      jitter: z.boolean().exactOptional(),
    })
    .exactOptional(),
  /** Error kinds worth another attempt; others fail at once. */
  retry_on: z.array(ErrorKind).max(EXECUTION_ERROR_KINDS.length * 2).exactOptional(),
});
export type RetryPolicy = z.output<typeof RetryPolicy>;

/**
 * What happens once a step's attempts run out:
 * - fail: the run fails (the default).
 * - goto: the named fallback step runs; afterwards the run continues with the steps that come after the failed one.
 * - alert: the person is notified and the run continues as if the step had been skipped.
 * - continue: the step stays failed and the run goes on.
 */
export const OnError = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('fail') }),
    z.strictObject({ action: z.literal('goto'), step: z.string().min(1, { error: 'must name a fallback step' }) }),
    z.strictObject({ action: z.literal('alert'), message: z.string().max(500).exactOptional() }),
    z.strictObject({ action: z.literal('continue') }),
  ],
  { error: 'action must be "fail", "goto", "alert" or "continue"' },
);
export type OnError = z.output<typeof OnError>;

/** Literals and references at any depth; malformed references are refused here, dangling ones by the cross-checks. */
const StepInput = z.record(z.string(), z.unknown()).superRefine((input, ctx) => {
  referencesIn(input, [], (at, message) => ctx.addIssue({ code: 'custom', message, path: [...at] }));
});

const common = {
  id: StepId,
  /** Steps that must have finished (succeeded or been skipped) first; references add their steps implicitly. */
  depends_on: z.array(z.string().min(1, { error: 'must name a step' })).max(MAX_STEPS).default([]),
  /** The step is skipped when this is false. */
  when: Condition.exactOptional(),
  retry_policy: RetryPolicy.exactOptional(),
  on_error: OnError.default({ action: 'fail' }),
  /** Never runs in the normal flow; only another step's on_error goto reaches it. */
  fallback: z.boolean().default(false),
};

export const ToolStep = z.strictObject({
  ...common,
  kind: z.literal('tool').default('tool'),
  tool: ToolName,
  input: StepInput.default({}),
});
export type ToolStep = z.output<typeof ToolStep>;

/** The engine asks the language model what to do next, for up to max_turns turns, with only the listed tools (all when absent). */
export const LlmDecideStep = z.strictObject({
  ...common,
  kind: z.literal('llm_decide'),
  goal: z.string().min(1, { error: 'must say what to decide' }).max(4000),
  max_turns: z.int().min(1).max(20).default(8),
  tools: z.array(ToolName).max(100).exactOptional(),
});
export type LlmDecideStep = z.output<typeof LlmDecideStep>;

export const WorkflowStep = z.discriminatedUnion('kind', [ToolStep, LlmDecideStep], { error: 'kind must be "tool" (or left out) or "llm_decide"' });
export type WorkflowStep = z.output<typeof WorkflowStep>;

/** The definition's shape alone; `WorkflowDefinition` adds the checks that span steps. */
export const WorkflowShape = z.strictObject({
  name: z.string().min(1, { error: 'must not be empty' }).max(100).regex(NAME_RE, { error: 'a name uses lowercase letters, digits, "_" and "-", starting with a letter or digit' }),
  description: z.string().max(2000).exactOptional(),
  /** The default for every step; a step's own policy overrides it field by field. */
  retry_policy: RetryPolicy.exactOptional(),
  steps: z.array(WorkflowStep).min(1, { error: 'a workflow needs at least one step' }).max(MAX_STEPS),
});
export type WorkflowDefinition = z.output<typeof WorkflowShape>;
/** What a person may write: defaults (kind, input, depends_on, on_error, fallback, max_turns) may be left out. */
export type WorkflowDefinitionInput = z.input<typeof WorkflowShape>;
