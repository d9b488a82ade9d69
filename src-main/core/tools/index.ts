// Tool surface: registry, executor, gate hook and the built-in tools.
export { ToolRegistry, UnknownToolError } from './registry';
export { Executor, ToolRunError } from './executor';
export type { ExecuteRequest } from './executor';
export type { Gate, GateDecision, GateRequest } from './gate';
export { builtinTools } from './builtins';
export { loadManifest, loadManifestDir, ManifestError } from './manifest';
export type { ToolDefinition, ToolPermissions, Risk } from './types';
