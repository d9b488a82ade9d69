// The schedules screen's calls: list, preview without saving, create, edit (pause / resume too) and delete.
import { z } from 'zod';
import { SCHEDULE_PATHS, ScheduleList, ScheduleView, type ScheduleCreate, type SchedulePatch } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

const Deleted = z.object({ deleted: z.string() });
const one = (id: string) => `${SCHEDULE_PATHS.schedules}/${encodeURIComponent(id)}`;

export interface SchedulesApi {
  list(): Promise<ScheduleList>;
  /** The would-be schedule with its next runs; nothing is saved. */
  preview(body: ScheduleCreate): Promise<ScheduleView>;
  create(body: ScheduleCreate): Promise<ScheduleView>;
  update(id: string, patch: SchedulePatch): Promise<ScheduleView>;
  remove(id: string): Promise<void>;
}

export function schedulesApi(api: ApiClient): SchedulesApi {
  return {
    list: () => api.call('GET', SCHEDULE_PATHS.schedules, ScheduleList),
    preview: (body) => api.call('POST', `${SCHEDULE_PATHS.schedules}?preview=1`, ScheduleView, body),
    create: (body) => api.call('POST', SCHEDULE_PATHS.schedules, ScheduleView, body),
    update: (id, patch) => api.call('PATCH', one(id), ScheduleView, patch),
    remove: async (id) => {
      await api.call('DELETE', one(id), Deleted);
    },
  };
}
