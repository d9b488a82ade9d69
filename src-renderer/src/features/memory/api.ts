// The memory explorer's calls: list (by kind), search in one of three modes, add and forget.
import { z } from 'zod';
import { API_PATHS, Memory, MemoryList, MemoryQueryResponse, type MemoryAddRequest, type MemoryKind, type MemoryQueryRequest } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

export const ForgetResult = z.object({ forgotten: z.string(), kind: z.string() });

export interface MemoryApi {
  list(kind: MemoryKind | null): Promise<MemoryList>;
  query(request: MemoryQueryRequest): Promise<MemoryQueryResponse>;
  add(request: MemoryAddRequest): Promise<Memory>;
  forget(id: string): Promise<z.infer<typeof ForgetResult>>;
}

export function memoryApi(api: ApiClient): MemoryApi {
  return {
    list: (kind) => api.call('GET', `${API_PATHS.memory}?limit=100${kind ? `&kind=${kind}` : ''}`, MemoryList),
    query: (request) => api.call('POST', API_PATHS.memoryQuery, MemoryQueryResponse, request),
    add: (request) => api.call('POST', API_PATHS.memoryAdd, Memory, request),
    forget: (id) => api.call('DELETE', `${API_PATHS.memory}/${encodeURIComponent(id)}`, ForgetResult),
  };
}
