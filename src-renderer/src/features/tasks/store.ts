// Tasks as the page knows them: the recent list, live progress from the stream, and the audit rows of the traces it follows.
import { createStore } from 'zustand/vanilla';
import {
  API_PATHS,
  AuditList,
  FINAL_TASK_STATUSES,
  TaskList,
  TaskStatusView,
  type AuditEvent,
  type TaskProgress,
} from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { explain } from '../shared/errors';

type Call = Pick<ApiClient, 'call'>;

/** How many recent tasks the page asks for. */
export const TASK_LIST_LIMIT = 50;
/** Rows kept per followed trace; a task's whole story fits with room to spare. */
export const TRACE_CAP = 1000;

export type TaskAction = 'pause' | 'resume' | 'cancel';

export interface TraceLog {
  /** Oldest first, deduplicated by id. */
  events: AuditEvent[];
  loading: boolean;
  error: string | null;
}

export interface TasksState {
  byId: Record<string, TaskStatusView>;
  /** Newest first. */
  order: string[];
  loaded: boolean;
  listError: string | null;
  /** Audit rows of the traces the page shows logs for, keyed by trace id. */
  traces: Record<string, TraceLog>;
  /** A failed pause/resume/cancel, per task, in words. */
  actionErrors: Record<string, string>;
  /** The control request in flight, per task. */
  acting: Record<string, TaskAction>;
  load(api: Call): Promise<void>;
  upsert(view: TaskStatusView): void;
  /** Applies a progress message at once; the caller refreshes the whole task soon after. */
  applyProgress(progress: TaskProgress): void;
  refresh(api: Call, id: string): Promise<void>;
  /** Starts following a trace's audit rows (loads what exists, then live rows are added by receiveAudit). */
  follow(api: Call, traceId: string): Promise<void>;
  /** After a reconnect: fetch what each followed trace missed. */
  catchUpTraces(api: Call): Promise<void>;
  receiveAudit(events: readonly AuditEvent[]): void;
  control(api: Call, id: string, action: TaskAction): Promise<void>;
  reset(): void;
}

export const isFinal = (status: TaskStatusView['status']) => FINAL_TASK_STATUSES.includes(status);

/** Merges rows into an oldest-first list without duplicates, keeping the newest `cap`. */
export function mergeTrace(current: readonly AuditEvent[], incoming: readonly AuditEvent[], cap = TRACE_CAP): AuditEvent[] {
  if (incoming.length === 0) return [...current];
  const byId = new Map<number, AuditEvent>();
  for (const e of current) byId.set(e.id, e);
  for (const e of incoming) if (!byId.has(e.id)) byId.set(e.id, e);
  const sorted = [...byId.values()].sort((a, b) => a.id - b.id);
  return sorted.length > cap ? sorted.slice(sorted.length - cap) : sorted;
}

function sortOrder(byId: Record<string, TaskStatusView>): string[] {
  return Object.values(byId)
    .sort((a, b) => (a.created_at === b.created_at ? b.task_id.localeCompare(a.task_id) : b.created_at.localeCompare(a.created_at)))
    .map((t) => t.task_id);
}

const initialData = () => ({
  byId: {} as Record<string, TaskStatusView>,
  order: [] as string[],
  loaded: false,
  listError: null as string | null,
  traces: {} as Record<string, TraceLog>,
  actionErrors: {} as Record<string, string>,
  acting: {} as Record<string, TaskAction>,
});

export function createTasksStore() {
  // Answers to refreshes can overtake each other; only the newest request for a task may write.
  const latestRequest = new Map<string, number>();
  let requestSeq = 0;

  return createStore<TasksState>()((set, get) => ({
    ...initialData(),
    async load(api) {
      try {
        const { tasks } = await api.call('GET', `${API_PATHS.tasks}?limit=${TASK_LIST_LIMIT}`, TaskList);
        const byId = { ...get().byId };
        for (const t of tasks) byId[t.task_id] = t;
        set({ byId, order: sortOrder(byId), loaded: true, listError: null });
      } catch (err) {
        set({ loaded: true, listError: explain(err) });
      }
    },
    upsert(view) {
      const byId = { ...get().byId, [view.task_id]: view };
      set({ byId, order: get().byId[view.task_id] ? get().order : sortOrder(byId) });
    },
    applyProgress(p) {
      const known = get().byId[p.task_id];
      if (!known) return;
      const steps = p.step_id === null || p.step_status === null ? known.steps : known.steps.map((s) => (s.id === p.step_id ? { ...s, status: p.step_status ?? s.status } : s));
      // A step message carries the task's state from before the step; only task messages move the task itself.
      const status = p.step_id === null ? p.status : known.status;
      set({ byId: { ...get().byId, [p.task_id]: { ...known, status, steps } } });
    },
    async refresh(api, id) {
      const mine = ++requestSeq;
      latestRequest.set(id, mine);
      try {
        const view = await api.call('GET', API_PATHS.agentStatus.replace(':task_id', encodeURIComponent(id)), TaskStatusView);
        if (latestRequest.get(id) === mine) get().upsert(view);
      } catch {
        // The next progress message or reconnect refreshes it again; the card keeps what it showed.
      }
    },
    async follow(api, traceId) {
      if (get().traces[traceId]) return;
      set({ traces: { ...get().traces, [traceId]: { events: [], loading: true, error: null } } });
      try {
        const list = await api.call('GET', `${API_PATHS.audit}?trace_id=${encodeURIComponent(traceId)}&limit=${TRACE_CAP}`, AuditList);
        const current = get().traces[traceId];
        set({ traces: { ...get().traces, [traceId]: { events: mergeTrace(current?.events ?? [], list.events), loading: false, error: null } } });
      } catch (err) {
        const current = get().traces[traceId];
        set({ traces: { ...get().traces, [traceId]: { events: current?.events ?? [], loading: false, error: explain(err) } } });
      }
    },
    async catchUpTraces(api) {
      await Promise.all(
        Object.entries(get().traces).map(async ([traceId, log]) => {
          const after = log.events.at(-1)?.id;
          try {
            const query = `trace_id=${encodeURIComponent(traceId)}&limit=${TRACE_CAP}${after === undefined ? '' : `&after=${after}`}`;
            const list = await api.call('GET', `${API_PATHS.audit}?${query}`, AuditList);
            const current = get().traces[traceId];
            if (current) set({ traces: { ...get().traces, [traceId]: { ...current, events: mergeTrace(current.events, list.events), error: null } } });
          } catch {
            // Shown as it was; the next reconnect tries again.
          }
        }),
      );
    },
    receiveAudit(events) {
      const traces = get().traces;
      let changed: Record<string, TraceLog> | null = null;
      for (const e of events) {
        const log = (changed ?? traces)[e.trace_id];
        if (!log) continue;
        changed ??= { ...traces };
        changed[e.trace_id] = { ...log, events: mergeTrace(log.events, [e]) };
      }
      if (changed) set({ traces: changed });
    },
    async control(api, id, action) {
      if (get().acting[id]) return;
      const { [id]: _cleared, ...actionErrors } = get().actionErrors;
      set({ acting: { ...get().acting, [id]: action }, actionErrors });
      try {
        const view = await api.call('POST', `${API_PATHS.tasks}/${encodeURIComponent(id)}/${action}`, TaskStatusView);
        get().upsert(view);
      } catch (err) {
        set({ actionErrors: { ...get().actionErrors, [id]: explain(err) } });
        void get().refresh(api, id);
      } finally {
        const { [id]: _done, ...acting } = get().acting;
        set({ acting });
      }
    },
    reset() {
      latestRequest.clear();
      set(initialData());
    },
  }));
}

export type TasksStore = ReturnType<typeof createTasksStore>;

/** Steps that have settled, for a progress bar: succeeded, failed, skipped or cancelled. */
export function progressOf(task: TaskStatusView): { done: number; total: number } {
  const total = task.steps.length;
  const done = task.steps.filter((s) => s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped' || s.status === 'cancelled').length;
  return { done, total };
}
