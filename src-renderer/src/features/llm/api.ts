// The language-model settings calls: the settings with where each value comes from, saving them, and testing a connection.
import { API_PATHS, LlmSettingsView, LlmTestResult, type LlmSettingsUpdate, type LlmTestRequest } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

export interface LlmApi {
  settings(): Promise<LlmSettingsView>;
  save(update: LlmSettingsUpdate): Promise<LlmSettingsView>;
  test(request: LlmTestRequest): Promise<LlmTestResult>;
}

export function llmApi(api: ApiClient): LlmApi {
  return {
    settings: () => api.call('GET', API_PATHS.llmSettings, LlmSettingsView),
    save: (update) => api.call('PUT', API_PATHS.llmSettings, LlmSettingsView, update),
    test: (request) => api.call('POST', API_PATHS.llmTest, LlmTestResult, request),
  };
}
