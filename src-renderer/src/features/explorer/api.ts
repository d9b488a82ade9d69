// The audit explorer's calls: the filtered list, the type counts, the chain check and a trace's export.
import { API_PATHS, AuditExportFile, AuditList, AuditTypeCounts, Verification } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

/** Query of GET /v1/audit as the explorer uses it; times are ISO 8601 with a zone. */
export interface ExplorerQuery {
  limit: number;
  trace_id?: string;
  type?: string;
  since?: string;
  until?: string;
  before?: number;
}

export interface ExplorerApi {
  list(query: ExplorerQuery): Promise<AuditList>;
  types(): Promise<AuditTypeCounts>;
  verify(): Promise<Verification>;
  exportTrace(traceId: string): Promise<AuditExportFile>;
}

export function explorerApi(api: ApiClient): ExplorerApi {
  return {
    list(query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      return api.call('GET', `${API_PATHS.audit}?${params.toString()}`, AuditList);
    },
    types: () => api.call('GET', API_PATHS.auditTypes, AuditTypeCounts),
    verify: () => api.call('GET', API_PATHS.auditVerify, Verification),
    // The JSON form of the export, because a download link could not carry the bearer token.
    exportTrace: (traceId) => api.call('GET', `${API_PATHS.auditExport}?${new URLSearchParams({ trace_id: traceId, format: 'json' }).toString()}`, AuditExportFile),
  };
}
