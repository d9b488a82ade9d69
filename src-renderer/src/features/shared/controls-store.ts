// The controls every screen shares: the kill switch and the autonomy level, as last read from or set on the server.
import { createStore } from 'zustand/vanilla';
import { API_PATHS, AUTONOMY, Controls } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { explain } from './errors';

export type Autonomy = (typeof AUTONOMY)[number];
export { AUTONOMY };

/** What each level lets Jarvis do without asking, in the words the autonomy control shows. */
export const AUTONOMY_MEANING: Record<Autonomy, string> = {
  A0: 'Observe only: nothing runs.',
  A1: 'Asks before anything above no risk.',
  A2: 'Runs low-risk actions; asks for medium and up.',
  A3: 'Runs up to medium risk; asks for high and critical.',
  A4: 'Runs everything but critical, which always asks.',
};

type Call = Pick<ApiClient, 'call'>;

export type ControlsAction = 'kill_switch' | 'autonomy';

export interface ControlsState {
  controls: Controls | null;
  /** Why the last read or change failed, in words; null when it worked. */
  error: string | null;
  /** The change being sent, so its button can say so and not be pressed twice. */
  pending: ControlsAction | null;
  load(api: Call): Promise<void>;
  setKillSwitch(api: Call, on: boolean): Promise<void>;
  setAutonomy(api: Call, level: Autonomy, reason?: string): Promise<void>;
  reset(): void;
}

export function createControlsStore() {
  return createStore<ControlsState>()((set, get) => {
    const change = async (action: ControlsAction, send: () => Promise<Controls>) => {
      if (get().pending !== null) return;
      set({ pending: action, error: null });
      try {
        set({ controls: await send(), pending: null });
      } catch (err) {
        set({ pending: null, error: explain(err) });
      }
    };
    return {
      controls: null,
      error: null,
      pending: null,
      async load(api) {
        try {
          set({ controls: await api.call('GET', API_PATHS.controls, Controls), error: null });
        } catch (err) {
          set({ error: explain(err) });
        }
      },
      setKillSwitch: (api, on) => change('kill_switch', () => api.call('POST', `${API_PATHS.controls}/kill-switch`, Controls, { on })),
      setAutonomy: (api, level, reason) =>
        change('autonomy', () => api.call('POST', `${API_PATHS.controls}/autonomy`, Controls, reason === undefined ? { level } : { level, reason })),
      reset() {
        set({ controls: null, error: null, pending: null });
      },
    };
  });
}

export type ControlsStore = ReturnType<typeof createControlsStore>;

/** Audit rows after which the controls the page shows may be out of date (changed by another client or the anomaly guard). */
export function changesControls(type: string): boolean {
  return type === 'safety.autonomy_changed' || type.startsWith('safety.kill_switch') || type === 'safety.policy_changed' || type.startsWith('safety.source_');
}
