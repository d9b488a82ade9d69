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
export * from './memory';
export * from './integrations';
export * from './workflows';
export * from './iot';
export * from './mcp';
export * from './llm';
export * from './schedules';
export * from './watchers';
export * from './rules';

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
  memory: '/v1/memory',
  memoryAdd: '/v1/memory/add',
  memoryQuery: '/v1/memory/query',
  daemonPair: '/v1/integrations/daemon/pair',
  auditTypes: '/v1/audit/types',
  system: '/v1/system',
  llmContext: '/v1/llm/context',
  llmSettings: '/v1/llm/settings',
  llmTest: '/v1/llm/test',
  iot: '/v1/iot',
  iotEntities: '/v1/iot/entities',
  iotHa: '/v1/iot/ha',
  iotMqtt: '/v1/iot/mqtt',
  iotAllowLists: '/v1/iot/allow-lists',
  iotCritical: '/v1/iot/critical',
  iotTest: '/v1/iot/test',
} as const;

/** Default loopback port of the API (JARVIS_PORT overrides it). */
export const DEFAULT_PORT = 7723;
/** Largest request body the API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;
