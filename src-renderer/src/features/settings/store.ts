// The integrations and settings screen's state: install facts, the daemon link, and the pairing form checked before it is sent.
import { createStore } from 'zustand/vanilla';
import { DaemonPairRequest, type DaemonPairResult, type Integrations, type SystemInfo } from '../../../../src-shared/contract';
import type { SettingsApi } from './api';
import { describeError, fieldProblems } from './errors';

export type PairField = 'url' | 'code';

export interface PairForm {
  url: string;
  code: string;
  fieldErrors: Partial<Record<PairField, string>>;
  status: 'idle' | 'pairing' | 'paired' | 'failed';
  /** A failure in words, or the result to compare with what the daemon printed. */
  message: string | null;
  result: DaemonPairResult | null;
}

export interface SettingsState {
  system: SystemInfo | null;
  integrations: Integrations | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  pair: PairForm;
  load(): Promise<void>;
  setPairField(field: PairField, value: string): void;
  submitPair(): Promise<void>;
}

const emptyForm = (): PairForm => ({ url: '', code: '', fieldErrors: {}, status: 'idle', message: null, result: null });

/** The form checked with the same schema the server uses, so most mistakes are named before anything is sent. */
export function checkPairForm(form: Pick<PairForm, 'url' | 'code'>): { ok: true; request: DaemonPairRequest } | { ok: false; fieldErrors: Partial<Record<PairField, string>> } {
  const parsed = DaemonPairRequest.safeParse({ url: form.url, code: form.code });
  if (parsed.success) return { ok: true, request: parsed.data };
  const fieldErrors: Partial<Record<PairField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if ((field === 'url' || field === 'code') && fieldErrors[field] === undefined) fieldErrors[field] = issue.message;
  }
  return { ok: false, fieldErrors };
}

export function createSettingsStore(api: SettingsApi) {
  return createStore<SettingsState>()((set, get) => ({
    system: null,
    integrations: null,
    status: 'idle',
    error: null,
    pair: emptyForm(),

    async load() {
      set({ status: 'loading', error: null });
      // Both at once; either may fail alone and the other still shows.
      const [system, integrations] = await Promise.allSettled([api.system(), api.integrations()]);
      const failure = [system, integrations].find((r) => r.status === 'rejected');
      set({
        system: system.status === 'fulfilled' ? system.value : get().system,
        integrations: integrations.status === 'fulfilled' ? integrations.value : get().integrations,
        status: failure ? 'failed' : 'ready',
        error: failure && failure.status === 'rejected' ? describeError(failure.reason) : null,
      });
    },

    setPairField(field, value) {
      const pair = get().pair;
      const { [field]: _cleared, ...fieldErrors } = pair.fieldErrors;
      set({ pair: { ...pair, [field]: value, fieldErrors, status: pair.status === 'failed' ? 'idle' : pair.status, message: pair.status === 'failed' ? null : pair.message } });
    },

    async submitPair() {
      const form = get().pair;
      if (form.status === 'pairing') return;
      const checked = checkPairForm(form);
      if (!checked.ok) {
        set({ pair: { ...form, fieldErrors: checked.fieldErrors, status: 'failed', message: 'Check the marked fields.' } });
        return;
      }
      set({ pair: { ...form, fieldErrors: {}, status: 'pairing', message: null } });
      try {
        const result = await api.pairDaemon(checked.request);
        set({
          pair: { ...emptyForm(), url: result.url, status: 'paired', result, message: `Paired with daemon ${result.daemon_id.slice(0, 16)}…; its key is pinned.` },
          integrations: { ...(get().integrations ?? { daemon: result.daemon }), daemon: result.daemon },
        });
      } catch (err) {
        const problems = fieldProblems(err);
        const fieldErrors: Partial<Record<PairField, string>> = {};
        if (problems.url) fieldErrors.url = problems.url;
        if (problems.code) fieldErrors.code = problems.code;
        set({ pair: { ...get().pair, fieldErrors, status: 'failed', message: describeError(err) } });
        // The server's view of the link may have changed (a refused pairing drops the connection).
        try {
          set({ integrations: await api.integrations() });
        } catch {
          // The form already says what went wrong.
        }
      }
    },
  }));
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
