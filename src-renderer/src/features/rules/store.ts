// The rules screen's state: the list with each rule's recent log, the create/edit form (conditions and actions as JSON), enable/disable and delete.
import { createStore } from 'zustand/vanilla';
import { RULE_CHANNELS, RuleCreate, type RuleView } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import { runRowAction } from '../settings/row-action';
import type { RulesApi } from './api';

export type Channel = (typeof RULE_CHANNELS)[number];
export type FormField = 'name' | 'channel' | 'event_type' | 'match' | 'conditions' | 'actions' | 'debounce' | 'dedupe' | 'cooldown' | 'quiet';

export interface RuleForm {
  name: string;
  enabled: boolean;
  channel: Channel;
  event_type: string;
  match: string;
  /** JSON arrays, as typed. */
  conditions: string;
  actions: string;
  /** Seconds, as typed. */
  debounce: string;
  dedupe: string;
  cooldown: string;
  quiet: boolean;
  quiet_start: string;
  quiet_end: string;
  quiet_timezone: string;
  quiet_policy: 'suppress' | 'defer';
}

export interface RulesState {
  rules: RuleView[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  form: RuleForm;
  editing: string | null;
  formErrors: Partial<Record<FormField, string>>;
  saving: boolean;
  message: string | null;
  busy: Record<string, string>;
  rowErrors: Record<string, string>;
  confirmingDelete: string | null;
  load(quiet?: boolean): Promise<void>;
  setForm(patch: Partial<RuleForm>): void;
  save(): Promise<void>;
  edit(id: string | null): void;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  askToDelete(id: string | null): void;
  remove(id: string): Promise<void>;
}

export const CHANNELS = RULE_CHANNELS;

export const emptyForm = (): RuleForm => ({
  name: '',
  enabled: true,
  channel: 'ha',
  event_type: '',
  match: '',
  conditions: '[]',
  actions: '[\n  { "type": "notify", "text": "" }\n]',
  debounce: '0',
  dedupe: '0',
  cooldown: '0',
  quiet: false,
  quiet_start: '22:00',
  quiet_end: '07:00',
  quiet_timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  quiet_policy: 'suppress',
});

/** A server field ("conditions.0.pattern", "trigger.match") as the form field that shows its problem. */
export function formFieldOf(field: string): FormField | null {
  const [head, second] = field.split('.');
  if (head === 'name' || head === 'conditions' || head === 'actions') return head;
  if (head === 'trigger') return second === 'event_type' || second === 'match' ? second : 'channel';
  if (head === 'debounce_ms') return 'debounce';
  if (head === 'dedupe_ms') return 'dedupe';
  if (head === 'cooldown_ms') return 'cooldown';
  if (head === 'quiet_hours') return 'quiet';
  return null;
}

/** Where in the JSON a problem sits ("0.pattern"), so the note under the editor points at it. */
const at = (path: (string | number | symbol)[], field: FormField) => {
  const rest = path.slice(1).map(String).join('.');
  return (field === 'conditions' || field === 'actions') && rest ? `${field}.${rest}: ` : '';
};

const seconds = (text: string): number | null => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Math.round(Number(text) * 1000) : null);

export function buildRequest(form: RuleForm): { ok: true; request: RuleCreate } | { ok: false; fieldErrors: Partial<Record<FormField, string>> } {
  const fieldErrors: Partial<Record<FormField, string>> = {};
  const json = (text: string, field: 'conditions' | 'actions'): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      fieldErrors[field] = `is not valid JSON (${(err as Error).message})`;
      return [];
    }
  };
  const windows = { debounce: seconds(form.debounce), dedupe: seconds(form.dedupe), cooldown: seconds(form.cooldown) };
  for (const [k, v] of Object.entries(windows)) if (v === null) fieldErrors[k as FormField] = 'must be a number of seconds (0 for none)';
  const raw = {
    name: form.name,
    enabled: form.enabled,
    trigger: { channel: form.channel, ...(form.event_type.trim() ? { event_type: form.event_type.trim() } : {}), ...(form.match.trim() ? { match: form.match.trim() } : {}) },
    conditions: json(form.conditions, 'conditions'),
    actions: json(form.actions, 'actions'),
    debounce_ms: windows.debounce ?? 0,
    dedupe_ms: windows.dedupe ?? 0,
    cooldown_ms: windows.cooldown ?? 0,
    quiet_hours: form.quiet ? { start: form.quiet_start, end: form.quiet_end, timezone: form.quiet_timezone, policy: form.quiet_policy } : null,
  };
  const parsed = RuleCreate.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = formFieldOf(issue.path.map(String).join('.'));
      if (field) fieldErrors[field] ??= `${at(issue.path, field)}${issue.message}`;
    }
  }
  if (Object.keys(fieldErrors).length > 0 || !parsed.success) return { ok: false, fieldErrors };
  return { ok: true, request: parsed.data };
}

export function formOf(view: RuleView): RuleForm {
  const q = view.quiet_hours;
  const base = emptyForm();
  return {
    name: view.name,
    enabled: view.enabled,
    channel: view.trigger.channel,
    event_type: view.trigger.event_type ?? '',
    match: view.trigger.match ?? '',
    conditions: JSON.stringify(view.conditions, null, 2),
    actions: JSON.stringify(view.actions, null, 2),
    debounce: String(view.debounce_ms / 1000),
    dedupe: String(view.dedupe_ms / 1000),
    cooldown: String(view.cooldown_ms / 1000),
    quiet: q !== null,
    quiet_start: q?.start ?? base.quiet_start,
    quiet_end: q?.end ?? base.quiet_end,
    quiet_timezone: q?.timezone ?? base.quiet_timezone,
    quiet_policy: q?.policy ?? base.quiet_policy,
  };
}

/** The trigger in words, e.g. "ha events of type state_changed on binary_sensor.front_door". */
export function describeTrigger(view: RuleView): string {
  const t = view.trigger;
  return `${t.channel} events${t.event_type ? ` of type ${t.event_type}` : ''}${t.match ? ` matching ${t.match}` : ''}`;
}

export function describeWindows(view: RuleView): string {
  const parts: string[] = [];
  if (view.debounce_ms) parts.push(`debounce ${view.debounce_ms / 1000} s`);
  if (view.dedupe_ms) parts.push(`dedupe ${view.dedupe_ms / 1000} s`);
  if (view.cooldown_ms) parts.push(`cooldown ${view.cooldown_ms / 1000} s`);
  const q = view.quiet_hours;
  if (q) parts.push(`quiet ${q.start}–${q.end} ${q.timezone} (${q.policy === 'defer' ? 'deferred' : 'suppressed'})`);
  return parts.length ? parts.join('; ') : 'no debounce, dedupe, cooldown or quiet hours';
}

export function createRulesStore(api: RulesApi) {
  const sorted = (list: RuleView[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  const replace = (list: RuleView[], view: RuleView) => sorted(list.some((r) => r.id === view.id) ? list.map((r) => (r.id === view.id ? view : r)) : [...list, view]);
  const problemsOf = (err: unknown) => {
    const problems: Partial<Record<FormField, string>> = {};
    for (const [field, problem] of Object.entries(fieldProblems(err))) {
      const f = formFieldOf(field);
      if (f) problems[f] = (f === 'conditions' || f === 'actions') && field !== f ? `${field}: ${problem}` : problem;
    }
    return problems;
  };
  return createStore<RulesState>()((set, get) => ({
    rules: [],
    status: 'idle',
    error: null,
    form: emptyForm(),
    editing: null,
    formErrors: {},
    saving: false,
    message: null,
    busy: {},
    rowErrors: {},
    confirmingDelete: null,

    async load(quiet = false) {
      if (!quiet) set({ status: 'loading', error: null });
      try {
        const list = await api.list();
        set({ rules: sorted(list.rules), status: 'ready', error: null });
      } catch (err) {
        set({ status: 'failed', error: describeError(err) });
      }
    },

    setForm(patch) {
      const formErrors = Object.fromEntries(Object.entries(get().formErrors).filter(([key]) => !(key in patch) && !(key === 'quiet' && Object.keys(patch).some((k) => k.startsWith('quiet')))));
      set({ form: { ...get().form, ...patch }, formErrors, message: null });
    },

    async save() {
      if (get().saving) return;
      const built = buildRequest(get().form);
      if (!built.ok) {
        set({ formErrors: built.fieldErrors, message: 'Check the marked fields; nothing was saved.' });
        return;
      }
      const editing = get().editing;
      set({ saving: true, formErrors: {}, message: null });
      try {
        const view = editing ? await api.update(editing, built.request) : await api.create(built.request);
        set({ rules: replace(get().rules, view), form: emptyForm(), editing: null, message: `${editing ? 'Saved' : 'Created'} “${view.name}”${view.enabled ? '; it is watching for events' : '; it is disabled'}.` });
      } catch (err) {
        set({ formErrors: problemsOf(err), message: `${describeError(err)} Nothing was saved.` });
      } finally {
        set({ saving: false });
      }
    },

    edit(id) {
      const view = id ? get().rules.find((r) => r.id === id) : undefined;
      set({ editing: view ? view.id : null, form: view ? formOf(view) : emptyForm(), formErrors: {}, message: null });
    },

    async setEnabled(id, enabled) {
      await runRowAction(get, set, id, enabled ? 'enable' : 'disable', async () => {
        set({ rules: replace(get().rules, await api.update(id, { enabled })) });
      });
    },

    askToDelete(id) {
      set({ confirmingDelete: id });
    },

    async remove(id) {
      await runRowAction(get, set, id, 'delete', async () => {
        await api.remove(id);
        set({ rules: get().rules.filter((r) => r.id !== id), confirmingDelete: null, ...(get().editing === id ? { editing: null, form: emptyForm() } : {}) });
      });
    },
  }));
}

export type RulesStore = ReturnType<typeof createRulesStore>;
