// The schedules screen's state: the list, the create/edit form with its live preview of the next runs, pause/resume and delete.
import { createStore } from 'zustand/vanilla';
import { MISSED_POLICIES, ScheduleCreate, type MissedPolicy, type ScheduleView } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import { runRowAction } from '../settings/row-action';
import type { SchedulesApi } from './api';

export type TimingKind = 'cron' | 'every' | 'at';
export type FormField = 'name' | 'cron' | 'timezone' | 'every' | 'at' | 'text' | 'staleness';

export interface ScheduleForm {
  name: string;
  timing: TimingKind;
  cron: string;
  timezone: string;
  /** Minutes between runs, as typed. */
  every: string;
  /** A local date and time (datetime-local). */
  at: string;
  action: 'goal' | 'notify';
  text: string;
  missed: MissedPolicy;
  /** Minutes after which a missed run is dropped; empty: never too old. */
  staleness: string;
}

export interface Preview {
  runs: string[];
  describe: string;
}

export interface SchedulesState {
  schedules: ScheduleView[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  form: ScheduleForm;
  /** The schedule being edited; null: the form creates a new one. */
  editing: string | null;
  formErrors: Partial<Record<FormField, string>>;
  preview: Preview | null;
  previewing: boolean;
  saving: boolean;
  message: string | null;
  busy: Record<string, string>;
  rowErrors: Record<string, string>;
  confirmingDelete: string | null;
  load(quiet?: boolean): Promise<void>;
  setForm(patch: Partial<ScheduleForm>): void;
  runPreview(): Promise<void>;
  save(): Promise<void>;
  edit(id: string | null): void;
  setStatus(id: string, status: 'active' | 'paused'): Promise<void>;
  askToDelete(id: string | null): void;
  remove(id: string): Promise<void>;
}

export const MISSED_LABELS: Record<MissedPolicy, string> = { skip: 'Skip missed runs', run_once: 'Run once to catch up', run_all: 'Run every missed run' };
export { MISSED_POLICIES };

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const emptyForm = (): ScheduleForm => ({ name: '', timing: 'cron', cron: '0 8 * * 1-5', timezone: localZone(), every: '60', at: '', action: 'goal', text: '', missed: 'skip', staleness: '' });

/** A server field ("timing.cron", "payload.goal") as the form field that shows its problem. */
export function formFieldOf(field: string, timing: TimingKind): FormField | null {
  if (field === 'name') return 'name';
  if (field === 'timing.cron') return 'cron';
  if (field === 'timing.timezone') return 'timezone';
  if (field === 'timing.every_ms') return 'every';
  if (field === 'timing.at') return 'at';
  if (field === 'timing' || field.startsWith('timing.')) return timing;
  if (field.startsWith('payload')) return 'text';
  if (field === 'staleness_ms') return 'staleness';
  return null;
}

const minutes = (text: string): number | null => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Math.round(Number(text) * 60_000) : null);

/** The form as the create request, checked with the server's own schema so most mistakes are named before anything is sent. */
export function buildRequest(form: ScheduleForm): { ok: true; request: ScheduleCreate } | { ok: false; fieldErrors: Partial<Record<FormField, string>> } {
  const fieldErrors: Partial<Record<FormField, string>> = {};
  let timing: Record<string, unknown>;
  if (form.timing === 'cron') timing = { cron: form.cron.trim(), ...(form.timezone.trim() ? { timezone: form.timezone.trim() } : {}) };
  else if (form.timing === 'every') {
    const ms = minutes(form.every);
    if (ms === null) fieldErrors.every = 'must be a number of minutes, such as 15';
    timing = { every_ms: ms ?? 0 };
  } else {
    const at = new Date(form.at);
    if (form.at === '' || Number.isNaN(at.getTime())) fieldErrors.at = 'must be a date and time';
    timing = { at: Number.isNaN(at.getTime()) ? form.at : at.toISOString() };
  }
  let staleness: number | null = null;
  if (form.staleness.trim() !== '') {
    staleness = minutes(form.staleness);
    if (staleness === null) fieldErrors.staleness = 'must be a number of minutes, or empty for never';
  }
  const payload = form.action === 'goal' ? { kind: 'goal', goal: form.text } : { kind: 'notify', text: form.text };
  const parsed = ScheduleCreate.safeParse({ name: form.name, timing, payload, missed_policy: form.missed, staleness_ms: staleness });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = formFieldOf(issue.path.join('.'), form.timing);
      if (field) fieldErrors[field] ??= issue.message;
    }
  }
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) return { ok: false, fieldErrors };
  return { ok: true, request: parsed.data };
}

export function formOf(view: ScheduleView): ScheduleForm {
  const t = view.timing;
  const base = emptyForm();
  const local = (iso: string) => {
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  return {
    ...base,
    name: view.name,
    timing: 'cron' in t ? 'cron' : 'every_ms' in t ? 'every' : 'at',
    cron: 'cron' in t ? t.cron : base.cron,
    timezone: 'cron' in t ? (t.timezone ?? 'UTC') : base.timezone,
    every: 'every_ms' in t ? String(t.every_ms / 60_000) : base.every,
    at: 'at' in t ? local(t.at) : '',
    action: view.payload.kind === 'notify' ? 'notify' : 'goal',
    text: view.payload.kind === 'notify' ? view.payload.text : view.payload.kind === 'goal' ? view.payload.goal : '',
    missed: view.missed_policy,
    staleness: view.staleness_ms === null ? '' : String(view.staleness_ms / 60_000),
  };
}

/** A time in the person's own words and zone, e.g. "Mon 1 Dec, 08:00". */
export function when(iso: string | null): string {
  if (!iso) return 'never';
  return new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function createSchedulesStore(api: SchedulesApi) {
  const replace = (list: ScheduleView[], view: ScheduleView) => (list.some((s) => s.id === view.id) ? list.map((s) => (s.id === view.id ? view : s)) : [...list, view]);
  /** Only the newest preview may land: an older answer arriving late must not replace it. */
  let previewSeq = 0;
  return createStore<SchedulesState>()((set, get) => ({
    schedules: [],
    status: 'idle',
    error: null,
    form: emptyForm(),
    editing: null,
    formErrors: {},
    preview: null,
    previewing: false,
    saving: false,
    message: null,
    busy: {},
    rowErrors: {},
    confirmingDelete: null,

    async load(quiet = false) {
      if (!quiet) set({ status: 'loading', error: null });
      try {
        const list = await api.list();
        set({ schedules: [...list.schedules].sort((a, b) => a.name.localeCompare(b.name)), status: 'ready', error: null });
      } catch (err) {
        set({ status: 'failed', error: describeError(err) });
      }
    },

    setForm(patch) {
      set({ form: { ...get().form, ...patch }, message: null });
    },

    async runPreview() {
      const seq = ++previewSeq;
      const form = get().form;
      // The preview needs a name and an action too; stand-ins keep it about the timing while those are still empty.
      const built = buildRequest({ ...form, name: form.name.trim() || 'preview', text: form.text.trim() || 'preview' });
      const own = buildRequest(form);
      const shownErrors = own.ok ? {} : Object.fromEntries(Object.entries(own.fieldErrors).filter(([k]) => k !== 'name' && k !== 'text'));
      if (!built.ok) {
        set({ formErrors: { ...built.fieldErrors, ...shownErrors }, preview: null, previewing: false });
        return;
      }
      set({ previewing: true });
      try {
        const view = await api.preview(built.request);
        if (seq === previewSeq) set({ preview: { runs: view.next_runs, describe: view.describe }, formErrors: shownErrors, previewing: false });
      } catch (err) {
        if (seq !== previewSeq) return;
        const problems: Partial<Record<FormField, string>> = {};
        for (const [field, problem] of Object.entries(fieldProblems(err))) {
          const f = formFieldOf(field, form.timing);
          if (f) problems[f] = problem;
        }
        set({ preview: null, formErrors: Object.keys(problems).length ? problems : { [form.timing]: describeError(err) }, previewing: false });
      }
    },

    async save() {
      if (get().saving) return;
      const built = buildRequest(get().form);
      if (!built.ok) {
        set({ formErrors: built.fieldErrors, message: 'Check the marked fields; nothing was saved.' });
        return;
      }
      set({ saving: true, message: null });
      const editing = get().editing;
      try {
        const view = editing ? await api.update(editing, built.request) : await api.create(built.request);
        set({ schedules: replace(get().schedules, view).sort((a, b) => a.name.localeCompare(b.name)), form: emptyForm(), editing: null, formErrors: {}, preview: null, message: `${editing ? 'Saved' : 'Created'} “${view.name}”; next run ${when(view.next_run_at)}.` });
        // The fresh form may hold the same timing as before, which the panel would not ask about again.
        void get().runPreview();
      } catch (err) {
        const problems: Partial<Record<FormField, string>> = {};
        for (const [field, problem] of Object.entries(fieldProblems(err))) {
          const f = formFieldOf(field, get().form.timing);
          if (f) problems[f] = problem;
        }
        set({ formErrors: problems, message: `${describeError(err)} Nothing was saved.` });
      } finally {
        set({ saving: false });
      }
    },

    edit(id) {
      const view = id ? get().schedules.find((s) => s.id === id) : undefined;
      set({ editing: view ? view.id : null, form: view ? formOf(view) : emptyForm(), formErrors: {}, preview: null, message: null });
      void get().runPreview();
    },

    async setStatus(id, status) {
      await runRowAction(get, set, id, status, async () => {
        const view = await api.update(id, { status });
        set({ schedules: replace(get().schedules, view) });
      });
    },

    askToDelete(id) {
      set({ confirmingDelete: id });
    },

    async remove(id) {
      await runRowAction(get, set, id, 'delete', async () => {
        await api.remove(id);
        set({ schedules: get().schedules.filter((s) => s.id !== id), confirmingDelete: null, ...(get().editing === id ? { editing: null, form: emptyForm(), preview: null } : {}) });
      });
    },
  }));
}

export type SchedulesStore = ReturnType<typeof createSchedulesStore>;
