// The workflows screen's calls: definitions (list, read, create, update), runs, and the tasks those runs became.
import type { z } from 'zod';
import { API_PATHS, StoredWorkflow, TaskList, TaskStatusView, WorkflowList } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';

/** How many recent tasks are searched for a workflow's runs. */
export const RUNS_WINDOW = 200;

export interface WorkflowsApi {
  list(): Promise<WorkflowList>;
  create(definition: unknown): Promise<StoredWorkflow>;
  update(id: string, definition: unknown): Promise<StoredWorkflow>;
  run(id: string, input: Record<string, unknown>): Promise<TaskStatusView>;
  /** Recent tasks of every kind; the store keeps those of one workflow. */
  recentTasks(): Promise<z.infer<typeof TaskList>>;
}

const one = (id: string) => `${API_PATHS.workflows}/${encodeURIComponent(id)}`;

export function workflowsApi(api: ApiClient): WorkflowsApi {
  return {
    list: () => api.call('GET', API_PATHS.workflows, WorkflowList),
    create: (definition) => api.call('POST', API_PATHS.workflows, StoredWorkflow, definition),
    update: (id, definition) => api.call('PUT', one(id), StoredWorkflow, definition),
    run: (id, input) => api.call('POST', `${one(id)}/run`, TaskStatusView, { input }),
    recentTasks: () => api.call('GET', `${API_PATHS.tasks}?limit=${RUNS_WINDOW}`, TaskList),
  };
}
