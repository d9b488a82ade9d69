// Task surface.
export { TaskStore, TaskStateError, UnknownTaskError, FINISHED } from './store';
export type { TaskRecord } from './store';
