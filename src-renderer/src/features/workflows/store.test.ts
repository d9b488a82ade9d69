// Editing a workflow: JSON mistakes caught before sending, the server's problems kept beside the editor, save, run and the runs' tasks.
import { describe, expect, it } from 'vitest';
import type { StoredWorkflow, TaskStatusView } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { WorkflowsApi } from './api';
import { createWorkflowsStore, hasLiveRuns, isDirty, NEW_TEMPLATE, parseJsonObject, pretty } from './store';

function stored(id: string, name: string, version = 1): StoredWorkflow {
  return { id, name, version, definition: { name, steps: [{ id: 's', tool: 'echo', input: { text: 'x' } }] }, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };
}

function task(id: string, workflowId: string | null, status: TaskStatusView['status'] = 'pending', created = '2025-01-01T00:00:00Z'): TaskStatusView {
  return { task_id: id, trace_id: `tr-${id}`, kind: 'workflow', workflow_id: workflowId, goal: 'workflow', intent: null, status, steps: [], reply: null, error: null, created_at: created, updated_at: created };
}

const invalid = (problems: { path: string; message: string }[]) => Object.assign(new ApiError(400, 'bad_request', `Invalid workflow: ${problems.length} problem(s).`), { details: problems });

/** A small in-memory server: names must be unique, a step's tool must be "echo". */
function fakeServer() {
  const workflows: StoredWorkflow[] = [stored('w1', 'alpha')];
  const tasks: TaskStatusView[] = [task('t-other', 'w9')];
  const calls: string[] = [];
  const check = (def: Record<string, unknown>) => {
    const steps = def.steps as { tool?: string }[];
    const problems = steps.flatMap((s, i) => (s.tool === 'echo' ? [] : [{ path: `steps[${i}].tool`, message: `no tool named "${s.tool}"` }]));
    if (problems.length) throw invalid(problems);
  };
  const api: WorkflowsApi = {
    list: async () => ({ workflows: [...workflows] }),
    async create(def) {
      calls.push('create');
      const d = def as Record<string, unknown>;
      check(d);
      if (workflows.some((w) => w.name === d.name)) throw new ApiError(409, 'conflict', `A workflow named "${String(d.name)}" exists already.`);
      const wf = { ...stored(`w${workflows.length + 1}`, String(d.name)), definition: d };
      workflows.push(wf);
      return wf;
    },
    async update(id, def) {
      calls.push(`update ${id}`);
      check(def as Record<string, unknown>);
      const i = workflows.findIndex((w) => w.id === id);
      const wf = { ...stored(id, String((def as { name: string }).name), (workflows[i]?.version ?? 0) + 1), definition: def as Record<string, unknown> };
      workflows[i] = wf;
      return wf;
    },
    async run(id, input) {
      calls.push(`run ${id} ${JSON.stringify(input)}`);
      const t = task(`t${tasks.length}`, id, 'pending', `2025-01-02T00:00:0${tasks.length}Z`);
      tasks.push(t);
      return t;
    },
    recentTasks: async () => ({ tasks: [...tasks] }),
  };
  return { api, calls, tasks };
}

describe('parseJsonObject', () => {
  it('says where the JSON breaks, in lines and columns', () => {
    const result = parseJsonObject('{\n  "name": "x",\n  "steps": [}\n}', 'definition');
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^The definition is not valid JSON at line 3, column 13: /) });
    expect(parseJsonObject('[1]', 'run input')).toEqual({ ok: false, message: 'The run input must be a JSON object ({ … }).' });
    expect(parseJsonObject('{"a":1}', 'x')).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe('workflows store', () => {
  it('a new definition with a problem shows it beside the editor; fixed, it is created and selected', async () => {
    const server = fakeServer();
    const store = createWorkflowsStore(server.api);
    await store.getState().load();
    store.getState().startNew();
    expect(store.getState().draft).toBe(NEW_TEMPLATE);
    store.getState().setDraft(pretty({ name: 'beta', steps: [{ id: 'a', tool: 'echo' }, { id: 'b', tool: 'nope' }] }));
    await store.getState().save();
    expect(store.getState().problems).toEqual([{ path: 'steps[1].tool', message: 'no tool named "nope"' }]);
    expect(store.getState().saveError).toMatch(/Not saved: 1 problem in the definition.*Fix it and save again/);
    expect(store.getState().selection).toEqual({ kind: 'new' });

    store.getState().setDraft(pretty({ name: 'beta', steps: [{ id: 'a', tool: 'echo' }, { id: 'b', tool: 'echo' }] }));
    await store.getState().save();
    const s = store.getState();
    expect(s.problems).toEqual([]);
    expect(s.saveError).toBeNull();
    expect(s.savedNote).toBe('Created “beta” (version 1).');
    expect(s.selection).toEqual({ kind: 'existing', id: 'w2' });
    expect(s.workflows.map((w) => w.name)).toEqual(['alpha', 'beta']);
    expect(isDirty(s)).toBe(false);
  });

  it('broken JSON is caught before anything is sent', async () => {
    const server = fakeServer();
    const store = createWorkflowsStore(server.api);
    store.getState().startNew();
    store.getState().setDraft('{ "name": ');
    await store.getState().save();
    expect(store.getState().parseError).toMatch(/not valid JSON/);
    expect(server.calls).toEqual([]);
    store.getState().setDraft('{}');
    expect(store.getState().parseError).toBeNull();
  });

  it('a taken name is shown as a problem of the name', async () => {
    const store = createWorkflowsStore(fakeServer().api);
    store.getState().startNew();
    store.getState().setDraft(pretty({ name: 'alpha', steps: [{ id: 'a', tool: 'echo' }] }));
    await store.getState().save();
    expect(store.getState().problems).toEqual([{ path: 'name', message: expect.stringMatching(/exists already/) }]);
  });

  it('editing an existing one saves a new version; a run needs the changes saved first', async () => {
    const server = fakeServer();
    const store = createWorkflowsStore(server.api);
    await store.getState().load();
    store.getState().select('w1');
    expect(store.getState().draft).toBe(pretty(stored('w1', 'alpha').definition));
    store.getState().setDraft(pretty({ name: 'alpha', description: 'changed', steps: [{ id: 's', tool: 'echo' }] }));
    await store.getState().run();
    expect(store.getState().runError).toMatch(/Save your changes first/);
    await store.getState().save();
    expect(store.getState().savedNote).toBe('Saved as version 2.');
    expect(server.calls).toEqual(['update w1']);
  });

  it('runs with the given input and follows only this workflow’s tasks, newest first', async () => {
    const server = fakeServer();
    const store = createWorkflowsStore(server.api);
    await store.getState().load();
    store.getState().select('w1');
    store.getState().setRunInput('{"who": "me"}');
    await store.getState().run();
    await store.getState().run();
    expect(server.calls).toEqual(['run w1 {"who":"me"}', 'run w1 {"who":"me"}']);
    await store.getState().refreshRuns();
    expect(store.getState().runs.map((t) => t.task_id)).toEqual(['t2', 't1']);
    expect(store.getState().lastRun?.task_id).toBe('t2');
    expect(hasLiveRuns(store.getState().runs)).toBe(true);

    server.tasks.forEach((t) => (t.status = 'succeeded'));
    await store.getState().refreshRuns();
    expect(store.getState().lastRun?.status).toBe('succeeded');
    expect(hasLiveRuns(store.getState().runs)).toBe(false);

    store.getState().setRunInput('[]');
    await store.getState().run();
    expect(store.getState().runInputError).toMatch(/must be a JSON object/);
  });

  it('without problem details a refusal still says what was wrong and what to do', async () => {
    const server = fakeServer();
    const store = createWorkflowsStore({ ...server.api, create: () => Promise.reject(new ApiError(0, 'network', 'Cannot reach Jarvis.')) });
    store.getState().startNew();
    await store.getState().save();
    expect(store.getState().saveError).toMatch(/^Not saved: Cannot reach Jarvis\. Check that Jarvis is still running/);
    expect(store.getState().problems).toEqual([]);
  });
});
