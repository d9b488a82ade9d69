// The integrations and settings screen's calls: this install's facts, the integrations' state, pairing the daemon.
import { API_PATHS, DaemonPairResult, Integrations, SystemInfo, type DaemonPairRequest } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

export interface SettingsApi {
  system(): Promise<SystemInfo>;
  integrations(): Promise<Integrations>;
  pairDaemon(request: DaemonPairRequest): Promise<DaemonPairResult>;
}

export function settingsApi(api: ApiClient): SettingsApi {
  return {
    system: () => api.call('GET', API_PATHS.system, SystemInfo),
    integrations: () => api.call('GET', API_PATHS.integrations, Integrations),
    pairDaemon: (request) => api.call('POST', API_PATHS.daemonPair, DaemonPairResult, request),
  };
}
