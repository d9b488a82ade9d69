// The home devices screen's calls: live view, entities, Home Assistant and MQTT settings, allow-lists, critical marks and connection tests.
import { API_PATHS, IotChangeResult, IotEntities, IotTestResult, IotView, type IotAllowListsRequest, type IotHaSettingsRequest, type IotMqttSettingsRequest, type IotTestRequest } from '../../../../../src-shared/contract';
import type { ApiClient } from '../../../lib/api';

export interface HomeApi {
  view(): Promise<IotView>;
  entities(q: string): Promise<IotEntities>;
  saveHa(request: IotHaSettingsRequest): Promise<IotChangeResult>;
  saveMqtt(request: IotMqttSettingsRequest): Promise<IotChangeResult>;
  saveAllowLists(request: IotAllowListsRequest): Promise<IotChangeResult>;
  saveCritical(entities: string[]): Promise<IotChangeResult>;
  test(request: IotTestRequest): Promise<IotTestResult>;
}

export function homeApi(api: ApiClient): HomeApi {
  return {
    view: () => api.call('GET', API_PATHS.iot, IotView),
    entities: (q) => api.call('GET', `${API_PATHS.iotEntities}?limit=500${q ? `&q=${encodeURIComponent(q)}` : ''}`, IotEntities),
    saveHa: (request) => api.call('PUT', API_PATHS.iotHa, IotChangeResult, request),
    saveMqtt: (request) => api.call('PUT', API_PATHS.iotMqtt, IotChangeResult, request),
    saveAllowLists: (request) => api.call('PUT', API_PATHS.iotAllowLists, IotChangeResult, request),
    saveCritical: (entities) => api.call('PUT', API_PATHS.iotCritical, IotChangeResult, { entities }),
    test: (request) => api.call('POST', API_PATHS.iotTest, IotTestResult, request),
  };
}
