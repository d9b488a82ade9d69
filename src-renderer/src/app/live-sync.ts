// Fans the live stream out to the screens: task progress, approvals, controls and the audit rows of followed traces.
import type { AuditEvent, ServerMessage } from '../../../src-shared/contract';
import type { ApiClient } from '../lib/api';
import type { ApprovalsStore } from '../features/approvals/store';
import { changesControls, type ControlsStore } from '../features/shared/controls-store';
import type { DetailStore } from '../features/tasks/detail-store';
import type { TasksStore } from '../features/tasks/store';

/** Progress comes in bursts (a step starts and ends within milliseconds): one refresh per task per burst. */
export const REFRESH_DEBOUNCE_MS = 120;

export interface LiveSyncStores {
  tasks: TasksStore;
  details: DetailStore;
  approvals: ApprovalsStore;
  controls: ControlsStore;
}

export interface LiveSync {
  onMessages(messages: ServerMessage[]): void;
  onOpen(): void;
  close(): void;
}

export function createLiveSync(stores: LiveSyncStores, api: Pick<ApiClient, 'call'>): LiveSync {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const later = (key: string, fn: () => void) => {
    if (timers.has(key)) return;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        fn();
      }, REFRESH_DEBOUNCE_MS),
    );
  };

  const refreshTask = (id: string) =>
    later(`task:${id}`, () => {
      void stores.tasks.getState().refresh(api, id);
      // The detail page of this task, if it was opened, follows along.
      if (stores.details.getState().entries[id]) void stores.details.getState().loadDetail(api, id);
    });

  return {
    onMessages(messages) {
      const audit: AuditEvent[] = [];
      for (const m of messages) {
        switch (m.type) {
          case 'task':
            stores.tasks.getState().applyProgress(m.task);
            refreshTask(m.task.task_id);
            break;
          case 'approval':
            stores.approvals.getState().apply(m.approval);
            break;
          case 'audit':
            audit.push(m.event);
            if (changesControls(m.event.type)) later('controls', () => void stores.controls.getState().load(api));
            break;
          case 'hello':
          case 'pong':
          case 'response':
          case 'error':
            break;
          default: {
            const never: never = m;
            return never;
          }
        }
      }
      if (audit.length > 0) {
        stores.tasks.getState().receiveAudit(audit);
        stores.details.getState().receiveAudit(audit);
      }
    },
    onOpen() {
      // Whatever changed while the stream was down is read again, so no screen shows a stale state.
      void stores.controls.getState().load(api);
      void stores.tasks.getState().load(api);
      void stores.tasks.getState().catchUpTraces(api);
      void stores.approvals.getState().load(api);
      for (const id of Object.keys(stores.details.getState().entries)) void stores.details.getState().loadDetail(api, id);
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
