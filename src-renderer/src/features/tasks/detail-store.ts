// One task in full for its detail page: steps, attempts and logs, and its trace's audit rows with the chain's verification.
import { createStore } from 'zustand/vanilla';
import { API_PATHS, TaskDetail, TaskTrail, type AuditEvent } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { explain } from '../shared/errors';

type Call = Pick<ApiClient, 'call'>;

export type TrailState = { kind: 'idle' } | { kind: 'loading'; previous: TaskTrail | null } | { kind: 'done'; trail: TaskTrail } | { kind: 'failed'; message: string; previous: TaskTrail | null };

export interface DetailEntry {
  detail: TaskDetail | null;
  detailError: string | null;
  trail: TrailState;
  /** Rows of the trace that arrived after the trail was verified. */
  newRows: number;
}

export interface DetailState {
  entries: Record<string, DetailEntry>;
  loadDetail(api: Call, id: string): Promise<void>;
  loadTrail(api: Call, id: string): Promise<void>;
  receiveAudit(events: readonly AuditEvent[]): void;
  reset(): void;
}

const empty = (): DetailEntry => ({ detail: null, detailError: null, trail: { kind: 'idle' }, newRows: 0 });

export const trailOf = (state: TrailState): TaskTrail | null =>
  state.kind === 'done' ? state.trail : state.kind === 'loading' || state.kind === 'failed' ? state.previous : null;

export function createDetailStore() {
  const latest = new Map<string, number>();
  let seq = 0;
  return createStore<DetailState>()((set, get) => {
    const patch = (id: string, change: Partial<DetailEntry>) => set({ entries: { ...get().entries, [id]: { ...(get().entries[id] ?? empty()), ...change } } });
    return {
      entries: {},
      async loadDetail(api, id) {
        const mine = ++seq;
        latest.set(id, mine);
        try {
          const detail = await api.call('GET', `${API_PATHS.tasks}/${encodeURIComponent(id)}`, TaskDetail);
          if (latest.get(id) === mine) patch(id, { detail, detailError: null });
        } catch (err) {
          if (latest.get(id) === mine) patch(id, { detailError: explain(err) });
        }
      },
      async loadTrail(api, id) {
        const current = get().entries[id]?.trail ?? { kind: 'idle' };
        if (current.kind === 'loading') return;
        patch(id, { trail: { kind: 'loading', previous: trailOf(current) } });
        try {
          const trail = await api.call('GET', `${API_PATHS.tasks}/${encodeURIComponent(id)}/trail`, TaskTrail);
          patch(id, { trail: { kind: 'done', trail }, newRows: 0 });
        } catch (err) {
          patch(id, { trail: { kind: 'failed', message: explain(err), previous: trailOf(current) } });
        }
      },
      receiveAudit(events) {
        const entries = get().entries;
        let changed: Record<string, DetailEntry> | null = null;
        for (const [id, entry] of Object.entries(entries)) {
          const trail = trailOf(entry.trail);
          if (!trail) continue;
          const newest = trail.events.at(-1)?.id ?? 0;
          const arrived = events.filter((e) => e.trace_id === trail.trace_id && e.id > newest).length;
          if (arrived === 0) continue;
          changed ??= { ...entries };
          changed[id] = { ...entry, newRows: entry.newRows + arrived };
        }
        if (changed) set({ entries: changed });
      },
      reset() {
        latest.clear();
        set({ entries: {} });
      },
    };
  });
}

export type DetailStore = ReturnType<typeof createDetailStore>;
