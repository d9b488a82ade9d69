// Runners for manifest tools: the surface the executor uses.
export { runInProcess, permissionFlags } from './process-runner';
export type { ProcessRunSpec, ProcessRunFailure, ProcessRunResult } from './process-runner';
export { permissionSwitch, type NodeVersion, type RunnerFiles } from './permission-flags';
