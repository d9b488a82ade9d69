// MCP surface: the client manager (servers, consent, trust policy, health), the tool bridge's result shape, and connection timings.
export { McpManager, McpRequestError } from './manager';
export type { McpManagerDeps } from './manager';
export { McpToolResult } from './bridge';
export { DEFAULT_TIMINGS } from './connection';
export type { ConnectionTimings } from './connection';
