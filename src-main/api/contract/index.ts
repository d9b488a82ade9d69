// The main process's published HTTP/WS contract: the only part of src-main that clients may import.
export * from './errors';
export * from './audit';
export * from './health';
export * from './session';
export * from './stream';
export * from './events';
export * from './tools';
export * from './agent';
export * from './safety';

export const API_PATHS = {
  health: '/health',
  session: '/v1/session',
  audit: '/v1/audit',
  auditVerify: '/v1/audit/verify',
  auditExport: '/v1/audit/export',
  stream: '/v1/stream',
  events: '/v1/events',
  tools: '/v1/tools',
  agentPlan: '/v1/agent/plan',
  agentExecute: '/v1/agent/execute',
  agentStatus: '/v1/agent/status/:task_id',
  tasks: '/v1/tasks',
  workflows: '/v1/workflows',
  approvals: '/v1/approvals',
  grants: '/v1/grants',
  controls: '/v1/controls',
  integrations: '/v1/integrations',
} as const;

/** Default loopback port of the API (JARVIS_PORT overrides it). */
export const DEFAULT_PORT = 7723;
/** Largest request body the API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;
