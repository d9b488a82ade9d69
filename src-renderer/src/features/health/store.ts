// The server's health as last polled, with the moment of the check so ages can be shown without a clock in render.
import { createStore } from 'zustand/vanilla';
import type { Health } from '../../../../src-shared/contract';

export const HEALTH_POLL_MS = 5000;

export interface HealthState {
  health: Health | null;
  /** Epoch ms of the last answer or failure; null before the first check finishes. */
  checkedAt: number | null;
  error: string | null;
  refresh(fetchHealth: () => Promise<Health>, now?: () => number): Promise<void>;
}

export function createHealthStore() {
  return createStore<HealthState>()((set) => ({
    health: null,
    checkedAt: null,
    error: null,
    async refresh(fetchHealth, now = Date.now) {
      try {
        const health = await fetchHealth();
        set({ health, checkedAt: now(), error: null });
      } catch (err) {
        // The last known answer stays visible, marked stale by the error next to it.
        set({ checkedAt: now(), error: err instanceof Error ? err.message : String(err) });
      }
    },
  }));
}

export type HealthStore = ReturnType<typeof createHealthStore>;

/** Polls one request at a time, so a slow server never has checks piling up. Returns the stop function. */
export function startHealthPolling(store: HealthStore, fetchHealth: () => Promise<Health>, intervalMs = HEALTH_POLL_MS): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    await store.getState().refresh(fetchHealth);
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(secs).padStart(2, '0')}s`;
  return `${secs}s`;
}

/** How long before `reference` an ISO time was, in words; null when the time cannot be read. */
export function formatAge(iso: string, reference: number): string | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const seconds = Math.max(0, Math.round((reference - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${formatUptime(seconds)} ago`;
}
