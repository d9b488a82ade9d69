// The workflows screen's state: the list, one definition being edited as JSON with the server's problems, runs and their tasks.
import { createStore } from 'zustand/vanilla';
import { FINAL_TASK_STATUSES, WorkflowProblems, type StoredWorkflow, type TaskStatusView, type WorkflowProblem } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import { describeError, errorDetails } from '../settings/errors';
import type { WorkflowsApi } from './api';
import { jsonSyntaxError } from './json-location';

export const NEW_TEMPLATE = `${JSON.stringify(
  {
    name: 'my-workflow',
    description: 'What this workflow is for',
    steps: [{ id: 'greet', tool: 'echo', input: { text: 'Hello from a workflow' } }],
  },
  null,
  2,
)}\n`;

export const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The text as a JSON object, or where and why it is not one (line and column, so the person can find it). */
export function parseJsonObject(text: string, what: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const syntax = jsonSyntaxError(text);
  if (syntax !== null) return { ok: false, message: `The ${what} is not valid JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.message}.` };
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: `The ${what} must be a JSON object ({ … }).` };
  return { ok: true, value: value as Record<string, unknown> };
}

export type Selection = { kind: 'none' } | { kind: 'new' } | { kind: 'existing'; id: string };

export interface WorkflowsState {
  workflows: StoredWorkflow[];
  listStatus: 'idle' | 'loading' | 'ready' | 'failed';
  listError: string | null;
  selection: Selection;
  draft: string;
  /** The text as last loaded or saved, to tell unsaved edits. */
  baseline: string;
  /** The draft is not JSON: said before anything is sent. */
  parseError: string | null;
  /** What the server found wrong at the last save, each with where. */
  problems: WorkflowProblem[];
  saving: boolean;
  saveError: string | null;
  savedNote: string | null;
  runInput: string;
  runInputError: string | null;
  running: boolean;
  runError: string | null;
  lastRun: TaskStatusView | null;
  /** Tasks of the selected workflow, newest first. */
  runs: TaskStatusView[];
  runsError: string | null;
  load(): Promise<void>;
  select(id: string): void;
  startNew(): void;
  setDraft(text: string): void;
  save(): Promise<void>;
  setRunInput(text: string): void;
  run(): Promise<void>;
  refreshRuns(): Promise<void>;
}

export const isDirty = (s: Pick<WorkflowsState, 'draft' | 'baseline'>) => s.draft !== s.baseline;
export const hasLiveRuns = (runs: readonly TaskStatusView[]) => runs.some((t) => !FINAL_TASK_STATUSES.includes(t.status));

const byName = (a: StoredWorkflow, b: StoredWorkflow) => a.name.localeCompare(b.name);
const cleared = { parseError: null, problems: [], saveError: null, savedNote: null, runError: null, runInputError: null, lastRun: null, runs: [], runsError: null };

export function createWorkflowsStore(api: WorkflowsApi) {
  return createStore<WorkflowsState>()((set, get) => ({
    workflows: [],
    listStatus: 'idle',
    listError: null,
    selection: { kind: 'none' },
    draft: '',
    baseline: '',
    ...cleared,
    saving: false,
    runInput: '{}\n',
    running: false,

    async load() {
      set({ listStatus: 'loading', listError: null });
      try {
        set({ workflows: [...(await api.list()).workflows].sort(byName), listStatus: 'ready' });
      } catch (err) {
        set({ listStatus: 'failed', listError: describeError(err) });
      }
    },

    select(id) {
      const wf = get().workflows.find((w) => w.id === id);
      if (!wf) return;
      const text = pretty(wf.definition);
      set({ selection: { kind: 'existing', id }, draft: text, baseline: text, ...cleared });
      void get().refreshRuns();
    },

    startNew() {
      set({ selection: { kind: 'new' }, draft: NEW_TEMPLATE, baseline: '', ...cleared });
    },

    setDraft(text) {
      set({ draft: text, parseError: null, savedNote: null });
    },

    async save() {
      const state = get();
      if (state.saving || state.selection.kind === 'none') return;
      const parsed = parseJsonObject(state.draft, 'definition');
      if (!parsed.ok) {
        set({ parseError: parsed.message, problems: [], saveError: null });
        return;
      }
      set({ saving: true, saveError: null, savedNote: null, parseError: null });
      const selection = state.selection;
      try {
        const saved = selection.kind === 'existing' ? await api.update(selection.id, parsed.value) : await api.create(parsed.value);
        const others = get().workflows.filter((w) => w.id !== saved.id);
        set({
          workflows: [...others, saved].sort(byName),
          selection: { kind: 'existing', id: saved.id },
          baseline: state.draft,
          problems: [],
          savedNote: selection.kind === 'existing' ? `Saved as version ${saved.version}.` : `Created “${saved.name}” (version 1).`,
        });
        if (selection.kind === 'new') void get().refreshRuns();
      } catch (err) {
        const problems = WorkflowProblems.safeParse(errorDetails(err));
        if (problems.success && problems.data.length > 0) {
          const n = problems.data.length;
          set({ problems: problems.data, saveError: `Not saved: ${n} problem${n === 1 ? '' : 's'} in the definition, listed beside it. Fix ${n === 1 ? 'it' : 'them'} and save again.` });
        } else if (err instanceof ApiError && err.code === 'conflict') {
          set({ problems: [{ path: 'name', message: err.message }], saveError: 'Not saved: the name is taken. Choose another name and save again.' });
        } else {
          set({ problems: [], saveError: `Not saved: ${describeError(err)}` });
        }
      } finally {
        set({ saving: false });
      }
    },

    setRunInput(text) {
      set({ runInput: text, runInputError: null });
    },

    async run() {
      const state = get();
      if (state.running || state.selection.kind !== 'existing') return;
      if (isDirty(state)) {
        set({ runError: 'Save your changes first: a run uses the saved version.' });
        return;
      }
      const input = parseJsonObject(state.runInput.trim() === '' ? '{}' : state.runInput, 'run input');
      if (!input.ok) {
        set({ runInputError: input.message });
        return;
      }
      set({ running: true, runError: null, runInputError: null });
      try {
        const task = await api.run(state.selection.id, input.value);
        set({ lastRun: task, runs: [task, ...get().runs.filter((t) => t.task_id !== task.task_id)] });
      } catch (err) {
        set({ runError: `Could not start the run: ${describeError(err)}` });
      } finally {
        set({ running: false });
      }
    },

    async refreshRuns() {
      const selection = get().selection;
      if (selection.kind !== 'existing') return;
      try {
        const { tasks } = await api.recentTasks();
        // The person may have picked another workflow meanwhile.
        const now = get().selection;
        if (now.kind !== 'existing' || now.id !== selection.id) return;
        const runs = tasks.filter((t) => t.workflow_id === selection.id).sort((a, b) => b.created_at.localeCompare(a.created_at));
        const lastRun = get().lastRun;
        set({ runs, runsError: null, lastRun: lastRun ? (runs.find((t) => t.task_id === lastRun.task_id) ?? lastRun) : null });
      } catch (err) {
        set({ runsError: describeError(err) });
      }
    },
  }));
}

export type WorkflowsStore = ReturnType<typeof createWorkflowsStore>;

/** Re-reads the runs every `ms` while any is unfinished, one request at a time. Returns the stop function. */
export function followRuns(store: WorkflowsStore, ms = 1500): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (hasLiveRuns(store.getState().runs)) await store.getState().refreshRuns();
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  timer = setTimeout(() => void tick(), ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
