// Workflow definitions: the schema and validation, execution order, reference resolution, conditions, retry maths.
export { WorkflowDefinition, validateWorkflow } from './validate';
export type { ValidationResult } from './validate';
export type { WorkflowDefinitionInput, WorkflowStep, ToolStep, LlmDecideStep, RetryPolicy, OnError } from './schema';
export type { WorkflowProblem } from './problems';
export { executionOrder, dependenciesOf } from './graph';
export { getPath, resolveInput, UnresolvedReference } from './refs';
export type { ValueRef, RunContext } from './refs';
export { evaluateCondition, CONDITION_OPS } from './conditions';
export type { Condition, ConditionOp } from './conditions';
export { effectiveRetryPolicy, backoffDelayMs, shouldRetry, DEFAULT_RETRY_POLICY } from './retry';
export type { EffectiveRetryPolicy } from './retry';
