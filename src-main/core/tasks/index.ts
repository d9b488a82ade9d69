// Task surface: the store, the durable engine and their errors.
export { TaskStore, TaskStateError, UnknownTaskError, stepView } from './repo';
export type { NewTask } from './repo';
export { IllegalTransitionError, DEFAULT_RETRY } from './model';
export type { StepSpec, StepRow, TaskRow, RetryPolicy, OnError } from './model';
export { TaskEngine } from './engine';
export type { EngineDeps, TaskFinished } from './engine';
