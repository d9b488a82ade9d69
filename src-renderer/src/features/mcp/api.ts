// The MCP servers screen's calls: the list with health and tools, adding (stored awaiting consent), consent, disable, reconnect, remove and trust policy.
import { z } from 'zod';
import { MCP_PATHS, McpAddServerResult, McpServerList, McpServerView, type McpAddServerRequest, type McpTrustPolicy } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

const Removed = z.object({ removed: z.string() });
const MCP_SERVERS = MCP_PATHS.servers;
const one = (name: string, action = '') => `${MCP_SERVERS}/${encodeURIComponent(name)}${action ? `/${action}` : ''}`;

export interface McpApi {
  list(): Promise<McpServerList>;
  add(request: McpAddServerRequest): Promise<McpAddServerResult>;
  /** Consent holds only for the command line the person saw; the server refuses it if what would run changed. */
  consent(name: string, commandLine: string): Promise<McpServerView>;
  disable(name: string): Promise<McpServerView>;
  reconnect(name: string): Promise<McpServerView>;
  remove(name: string): Promise<void>;
  setPolicy(name: string, policy: McpTrustPolicy): Promise<McpServerView>;
}

export function mcpApi(api: ApiClient): McpApi {
  return {
    list: () => api.call('GET', MCP_SERVERS, McpServerList),
    add: (request) => api.call('POST', MCP_SERVERS, McpAddServerResult, request),
    consent: (name, commandLine) => api.call('POST', one(name, 'consent'), McpServerView, { command_line: commandLine }),
    disable: (name) => api.call('POST', one(name, 'disable'), McpServerView),
    reconnect: (name) => api.call('POST', one(name, 'reconnect'), McpServerView),
    remove: async (name) => {
      await api.call('DELETE', one(name), Removed);
    },
    setPolicy: (name, policy) => api.call('PUT', one(name, 'policy'), McpServerView, policy),
  };
}
