// The language-model settings form: values as typed, which ones an environment variable locks, the write-only key, save and test in words.
import { createStore } from 'zustand/vanilla';
import { LlmSettingsUpdate, LlmTestRequest, type LlmSettingsView, type LlmTestResult } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import type { LlmApi } from './api';

export type LlmField = 'provider' | 'base_url' | 'model' | 'timeout_ms' | 'context_tokens' | 'api_key';
export type ProviderKind = LlmSettingsView['provider'];

/** The environment variable that sets each field; a field it sets cannot be changed on this screen. */
export const ENV_OF: Record<LlmField, string> = {
  provider: 'JARVIS_LLM_PROVIDER',
  base_url: 'JARVIS_LLM_BASE_URL',
  model: 'JARVIS_LLM_MODEL',
  timeout_ms: 'JARVIS_LLM_TIMEOUT_MS',
  context_tokens: 'JARVIS_LLM_CONTEXT_TOKENS',
  api_key: 'JARVIS_LLM_API_KEY',
};

export interface LlmForm {
  provider: ProviderKind;
  base_url: string;
  model: string;
  timeout_ms: string;
  context_tokens: string;
  /** Typed here only; never filled from the server, sent only when not empty. */
  api_key: string;
}

export interface LlmState {
  view: LlmSettingsView | null;
  form: LlmForm;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  fieldErrors: Partial<Record<LlmField, string>>;
  save: { status: 'idle' | 'saving' | 'saved' | 'failed'; message: string | null };
  test: { status: 'idle' | 'testing' | 'done' | 'failed'; result: LlmTestResult | null; message: string | null };
  load(): Promise<void>;
  setField<K extends keyof LlmForm>(field: K, value: LlmForm[K]): void;
  submit(): Promise<void>;
  removeKey(): Promise<void>;
  runTest(): Promise<void>;
}

const formOf = (v: LlmSettingsView): LlmForm => ({ provider: v.provider, base_url: v.base_url, model: v.model, timeout_ms: String(v.timeout_ms), context_tokens: String(v.context_tokens), api_key: '' });

const emptyForm = (): LlmForm => ({ provider: 'none', base_url: '', model: '', timeout_ms: '', context_tokens: '', api_key: '' });

/** The environment variable locking a field, or null when the screen may change it. */
export function lockedBy(view: LlmSettingsView | null, field: LlmField): string | null {
  return view?.sources[field] === 'environment' ? ENV_OF[field] : null;
}

/** Where a value comes from, in words. */
export function sourceLabel(view: LlmSettingsView | null, field: LlmField): string {
  const source = view?.sources[field];
  if (source === 'environment') return `from ${ENV_OF[field]}`;
  if (source === 'config') return field === 'api_key' ? 'stored in the data folder (readable only by you)' : 'from the settings file';
  return 'default';
}

const toNumber = (s: string): number | string => (/^\s*\d+\s*$/.test(s) ? Number(s) : s);

/** The changes to send: only what differs from the saved view and is not locked; the schema names a bad value by field. */
export function buildUpdate(view: LlmSettingsView, form: LlmForm): { ok: true; update: LlmSettingsUpdate } | { ok: false; fieldErrors: Partial<Record<LlmField, string>> } {
  const candidate: Record<string, unknown> = {};
  const saved = formOf(view);
  for (const field of ['provider', 'base_url', 'model', 'timeout_ms', 'context_tokens'] as const) {
    if (form[field] === saved[field] || lockedBy(view, field)) continue;
    candidate[field] = field === 'timeout_ms' || field === 'context_tokens' ? toNumber(form[field]) : form[field];
  }
  if (form.api_key.trim() !== '' && !lockedBy(view, 'api_key')) candidate.api_key = form.api_key;
  const parsed = LlmSettingsUpdate.safeParse(candidate);
  if (parsed.success) return { ok: true, update: parsed.data };
  const fieldErrors: Partial<Record<LlmField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as LlmField;
    const expected = field === 'timeout_ms' ? 'a whole number of milliseconds from 1000 to 600000' : field === 'context_tokens' ? 'a whole number of tokens from 1024 to 2000000' : issue.message;
    fieldErrors[field] ??= expected;
  }
  return { ok: false, fieldErrors };
}

/** The values to test: what the form holds now, so a connection can be tried before it is saved. */
export function buildTest(form: LlmForm): LlmTestRequest {
  const request: Record<string, unknown> = {};
  if (form.provider !== 'none') request.provider = form.provider;
  if (form.base_url.trim() !== '') request.base_url = form.base_url.trim();
  if (form.model.trim() !== '') request.model = form.model.trim();
  if (form.api_key.trim() !== '') request.api_key = form.api_key.trim();
  const parsed = LlmTestRequest.safeParse(request);
  return parsed.success ? parsed.data : {};
}

/** A test's outcome in one or two sentences. */
export function describeTest(result: LlmTestResult): string {
  const where = `${result.provider} model “${result.model}”${result.base_url ? ` at ${result.base_url}` : ''}`;
  if (result.ok) return `Connected: ${where} answered in ${Math.round(result.latency_ms)} ms${result.reply ? ` (“${result.reply.slice(0, 80)}”)` : ''}.`;
  return `Could not use ${where}: ${result.error?.message ?? 'no answer'}${result.error ? ` (${result.error.kind})` : ''}.`;
}

export function createLlmStore(api: LlmApi) {
  return createStore<LlmState>()((set, get) => ({
    view: null,
    form: emptyForm(),
    status: 'idle',
    error: null,
    fieldErrors: {},
    save: { status: 'idle', message: null },
    test: { status: 'idle', result: null, message: null },

    async load() {
      set({ status: 'loading', error: null });
      try {
        const view = await api.settings();
        set({ view, form: formOf(view), status: 'ready', fieldErrors: {} });
      } catch (err) {
        set({ status: 'failed', error: describeError(err) });
      }
    },

    setField(field, value) {
      const { [field]: _cleared, ...fieldErrors } = get().fieldErrors;
      const save = get().save;
      set({ form: { ...get().form, [field]: value }, fieldErrors, save: save.status === 'saving' ? save : { status: 'idle', message: null } });
    },

    async submit() {
      const view = get().view;
      if (!view || get().save.status === 'saving') return;
      const built = buildUpdate(view, get().form);
      if (!built.ok) {
        set({ fieldErrors: built.fieldErrors, save: { status: 'failed', message: 'Check the marked fields; nothing was saved.' } });
        return;
      }
      if (Object.keys(built.update).length === 0) {
        set({ save: { status: 'saved', message: 'Nothing changed.' } });
        return;
      }
      set({ save: { status: 'saving', message: null }, fieldErrors: {} });
      try {
        const saved = await api.save(built.update);
        set({ view: saved, form: formOf(saved), save: { status: 'saved', message: saved.configured ? 'Saved. The language model is live.' : `Saved. ${saved.problem ?? 'The language model is not live yet.'}` } });
      } catch (err) {
        const problems = fieldProblems(err) as Partial<Record<LlmField, string>>;
        set({ fieldErrors: problems, save: { status: 'failed', message: `${describeError(err)} Nothing was saved.` } });
      }
    },

    async removeKey() {
      if (get().save.status === 'saving') return;
      set({ save: { status: 'saving', message: null } });
      try {
        const saved = await api.save({ api_key: null });
        set({ view: saved, form: { ...get().form, api_key: '' }, save: { status: 'saved', message: 'The stored key was removed.' } });
      } catch (err) {
        set({ save: { status: 'failed', message: describeError(err) } });
      }
    },

    async runTest() {
      if (get().test.status === 'testing') return;
      set({ test: { status: 'testing', result: null, message: 'Testing…' } });
      try {
        const result = await api.test(buildTest(get().form));
        set({ test: { status: 'done', result, message: describeTest(result) } });
      } catch (err) {
        set({ test: { status: 'failed', result: null, message: describeError(err) } });
      }
    },
  }));
}

export type LlmStore = ReturnType<typeof createLlmStore>;
