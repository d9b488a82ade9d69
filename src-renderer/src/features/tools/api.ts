// The tools screen's calls: the registry with review states, and a person's enable/disable decision.
import { API_PATHS, ToolInfo, ToolList } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

export interface ToolsApi {
  list(): Promise<ToolList>;
  setEnabled(name: string, enabled: boolean): Promise<ToolInfo>;
}

export function toolsApi(api: ApiClient): ToolsApi {
  return {
    list: () => api.call('GET', API_PATHS.tools, ToolList),
    setEnabled: (name, enabled) => api.call('POST', `${API_PATHS.tools}/${encodeURIComponent(name)}/${enabled ? 'enable' : 'disable'}`, ToolInfo),
  };
}
