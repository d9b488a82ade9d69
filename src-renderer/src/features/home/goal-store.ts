// The goal box and its plan: the draft survives reloads and lost connections, the plan is asked for and run on request.
import { createStore } from 'zustand/vanilla';
import { API_PATHS, Plan, TaskStatusView } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { explain } from '../shared/errors';
import type { KeyValueStorage } from '../session/store';

type Call = Pick<ApiClient, 'call'>;

export const DRAFT_STORAGE_KEY = 'jarvis.goal-draft';
/** The server refuses longer goals. */
export const GOAL_MAX = 4000;

export type PlanState =
  | { kind: 'idle' }
  | { kind: 'planning'; goal: string }
  | { kind: 'ready'; goal: string; plan: Plan }
  | { kind: 'failed'; goal: string; message: string };

export type RunState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'started'; task: TaskStatusView } | { kind: 'failed'; message: string };

export interface GoalState {
  draft: string;
  plan: PlanState;
  run: RunState;
  setDraft(text: string): void;
  makePlan(api: Call): Promise<void>;
  /** Queues the planned task; resolves with the task as it was queued, or null when it could not start. */
  runPlan(api: Call): Promise<TaskStatusView | null>;
  /** Drops the plan; the planned task is cancelled on the server so it never lingers as planned. */
  discard(api: Call): Promise<void>;
}

function read(storage: KeyValueStorage | null): string {
  try {
    return storage?.getItem(DRAFT_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

function write(storage: KeyValueStorage | null, text: string): void {
  try {
    if (text === '') storage?.removeItem(DRAFT_STORAGE_KEY);
    else storage?.setItem(DRAFT_STORAGE_KEY, text);
  } catch {
    // Storage can be blocked; the draft then lives as long as the page.
  }
}

async function cancelPlanned(api: Call, taskId: string): Promise<void> {
  try {
    await api.call('POST', `${API_PATHS.tasks}/${encodeURIComponent(taskId)}/cancel`, TaskStatusView);
  } catch {
    // Already started or cancelled elsewhere: nothing is left to tidy.
  }
}

export function createGoalStore(storage: KeyValueStorage | null) {
  return createStore<GoalState>()((set, get) => ({
    draft: read(storage),
    plan: { kind: 'idle' },
    run: { kind: 'idle' },
    setDraft(text) {
      write(storage, text);
      set({ draft: text });
    },
    async makePlan(api) {
      const goal = get().draft.trim();
      if (get().plan.kind === 'planning') return;
      if (goal === '') {
        set({ plan: { kind: 'failed', goal, message: 'Type what Jarvis should do first, for example “take a screenshot”.' } });
        return;
      }
      if (goal.length > GOAL_MAX) {
        set({ plan: { kind: 'failed', goal, message: `The goal is ${goal.length} characters long; shorten it to at most ${GOAL_MAX}.` } });
        return;
      }
      const previous = get().plan;
      set({ plan: { kind: 'planning', goal }, run: { kind: 'idle' } });
      // A plan that was never run is replaced, not kept waiting on the server.
      if (previous.kind === 'ready') void cancelPlanned(api, previous.plan.task_id);
      try {
        const plan = await api.call('POST', API_PATHS.agentPlan, Plan, { goal });
        set({ plan: { kind: 'ready', goal, plan } });
      } catch (err) {
        set({ plan: { kind: 'failed', goal, message: explain(err) } });
      }
    },
    async runPlan(api) {
      const plan = get().plan;
      if (plan.kind !== 'ready' || get().run.kind === 'starting') return null;
      set({ run: { kind: 'starting' } });
      try {
        const task = await api.call('POST', API_PATHS.agentExecute, TaskStatusView, { task_id: plan.plan.task_id });
        // The goal is now a task; the box is free for the next one.
        write(storage, '');
        set({ run: { kind: 'started', task }, plan: { kind: 'idle' }, draft: '' });
        return task;
      } catch (err) {
        set({ run: { kind: 'failed', message: explain(err) } });
        return null;
      }
    },
    async discard(api) {
      const plan = get().plan;
      set({ plan: { kind: 'idle' }, run: { kind: 'idle' } });
      if (plan.kind === 'ready') await cancelPlanned(api, plan.plan.task_id);
    },
  }));
}

export type GoalStore = ReturnType<typeof createGoalStore>;
