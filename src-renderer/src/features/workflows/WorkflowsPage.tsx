// The workflows screen: list and pick a definition, edit it as JSON with the server's problems beside it, run it and follow its tasks.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { TaskStatusView } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { workflowsApi } from './api';
import { createWorkflowsStore, followRuns, isDirty, type WorkflowsStore } from './store';
import './workflows.css';

export interface WorkflowsPageProps {
  api: ApiClient;
  navigate: (route: string) => void;
}

const taskRoute = (id: string) => `#/tasks/${encodeURIComponent(id)}`;
const when = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

function WorkflowList({ store }: { store: WorkflowsStore }) {
  const workflows = useStore(store, (s) => s.workflows);
  const selection = useStore(store, (s) => s.selection);
  const listStatus = useStore(store, (s) => s.listStatus);
  const listError = useStore(store, (s) => s.listError);
  return (
    <nav className="panel wf-list" aria-labelledby="wf-list-title">
      <h3 id="wf-list-title">Definitions</h3>
      <button type="button" onClick={() => store.getState().startNew()} aria-pressed={selection.kind === 'new'} data-testid="workflow-new">
        New workflow
      </button>
      {listError !== null && (
        <p className="notice small" role="alert">
          Could not load the workflows: {listError}
        </p>
      )}
      <ul>
        {workflows.map((wf) => {
          const current = selection.kind === 'existing' && selection.id === wf.id;
          return (
            <li key={wf.id}>
              <button type="button" className="wf-item" aria-current={current ? 'true' : undefined} onClick={() => store.getState().select(wf.id)} data-testid="workflow-item" data-name={wf.name}>
                <span className="wf-item-name">{wf.name}</span>
                <span className="muted small">v{wf.version}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {listStatus === 'ready' && workflows.length === 0 && <p className="muted small">No workflows yet. Start one with “New workflow”.</p>}
    </nav>
  );
}

function Problems({ store, id }: { store: WorkflowsStore; id: string }) {
  const problems = useStore(store, (s) => s.problems);
  const parseError = useStore(store, (s) => s.parseError);
  const saveError = useStore(store, (s) => s.saveError);
  const savedNote = useStore(store, (s) => s.savedNote);
  const empty = problems.length === 0 && parseError === null && saveError === null;
  return (
    <section className="wf-problems" id={id} aria-labelledby={`${id}-title`} data-testid="workflow-problems" data-count={problems.length + (parseError ? 1 : 0)}>
      <h4 id={`${id}-title`}>Problems</h4>
      <div role="alert" className="wf-problem-list">
        {parseError !== null && <p className="tone-bad">{parseError}</p>}
        {saveError !== null && <p className="tone-bad">{saveError}</p>}
        {problems.length > 0 && (
          <ul>
            {problems.map((p) => (
              <li key={`${p.path}\u0000${p.message}`} data-testid="workflow-problem">
                <code>{p.path || '(the whole definition)'}</code> {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <p role="status" className={savedNote ? 'tone-ok' : 'muted small'}>
        {savedNote ?? (empty ? 'None found at the last save. Jarvis checks the whole definition when you save: tools, step references, conditions, retries.' : '')}
      </p>
    </section>
  );
}

function Editor({ store }: { store: WorkflowsStore }) {
  const id = useId();
  const selection = useStore(store, (s) => s.selection);
  const draft = useStore(store, (s) => s.draft);
  const dirty = useStore(store, isDirty);
  const saving = useStore(store, (s) => s.saving);
  const invalid = useStore(store, (s) => s.problems.length > 0 || s.parseError !== null);
  const current = useStore(store, (s) => {
    const sel = s.selection;
    return sel.kind === 'existing' ? (s.workflows.find((w) => w.id === sel.id) ?? null) : null;
  });
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void store.getState().save();
    }
  };
  if (selection.kind === 'none') {
    return (
      <section className="panel wf-editor wf-empty" aria-label="Editor">
        <p className="muted">Pick a workflow to edit or run it, or start a new one.</p>
      </section>
    );
  }
  const title = current ? `${current.name} · version ${current.version}` : 'New workflow';
  return (
    <section className="panel wf-editor" aria-labelledby={`${id}-title`}>
      <div className="wf-editor-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <span className={dirty ? 'wf-dirty' : 'wf-dirty wf-clean'} aria-live="polite">
          {dirty ? 'Unsaved changes' : 'Saved'}
        </span>
      </div>
      <div className="wf-editor-grid">
        <div className="wf-field">
          <label htmlFor={`${id}-def`}>Definition (JSON)</label>
          <textarea
            id={`${id}-def`}
            className="wf-code"
            value={draft}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={invalid}
            aria-describedby={`${id}-problems ${id}-keys`}
            onChange={(e) => store.getState().setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            data-testid="workflow-editor"
          />
          <p id={`${id}-keys`} className="muted small">
            Ctrl+S (⌘S) saves. Tab leaves the editor.
          </p>
        </div>
        <Problems store={store} id={`${id}-problems`} />
      </div>
      <div className="wf-buttons">
        <button type="button" aria-disabled={saving} onClick={() => void store.getState().save()} data-testid="workflow-save">
          {saving ? 'Saving…' : selection.kind === 'new' ? 'Create' : 'Save'}
        </button>
      </div>
    </section>
  );
}

function RunRow({ task, navigate }: { task: TaskStatusView; navigate: (route: string) => void }) {
  const done = task.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  return (
    <tr data-testid="workflow-run" data-status={task.status} data-task={task.task_id}>
      <td>{when(task.created_at)}</td>
      <td>
        <span className={`wf-status wf-status-${task.status}`}>{task.status.replace('_', ' ')}</span>
      </td>
      <td className="num">{task.steps.length ? `${done}/${task.steps.length}` : '—'}</td>
      <td className="wf-run-note" title={task.error?.message ?? task.reply ?? undefined}>
        {task.error?.message ?? task.reply ?? ''}
      </td>
      <td>
        <button type="button" className="link-button" onClick={() => navigate(taskRoute(task.task_id))} aria-label={`Follow task ${task.task_id}`}>
          Follow
        </button>
      </td>
    </tr>
  );
}

function Runs({ store, navigate }: { store: WorkflowsStore; navigate: (route: string) => void }) {
  const id = useId();
  const selection = useStore(store, (s) => s.selection);
  const runInput = useStore(store, (s) => s.runInput);
  const runInputError = useStore(store, (s) => s.runInputError);
  const running = useStore(store, (s) => s.running);
  const runError = useStore(store, (s) => s.runError);
  const lastRun = useStore(store, (s) => s.lastRun);
  const runs = useStore(store, (s) => s.runs);
  const runsError = useStore(store, (s) => s.runsError);
  if (selection.kind !== 'existing') return null;
  return (
    <section className="panel wf-runs" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Run</h3>
      <div className="wf-run-form">
        <div className="wf-field">
          <label htmlFor={`${id}-input`}>Input (JSON object)</label>
          <textarea id={`${id}-input`} className="wf-code wf-input" value={runInput} spellCheck={false} aria-invalid={runInputError !== null} aria-describedby={`${id}-input-note`} onChange={(e) => store.getState().setRunInput(e.target.value)} data-testid="workflow-run-input" />
          <p id={`${id}-input-note`} className={runInputError ? 'tone-bad small' : 'muted small'} role={runInputError ? 'alert' : undefined}>
            {runInputError ?? 'Steps read it as input references.'}
          </p>
        </div>
        <div className="wf-run-action">
          <button type="button" aria-disabled={running} onClick={() => void store.getState().run()} data-testid="workflow-run">
            {running ? 'Starting…' : 'Run'}
          </button>
          <p className="wf-run-status" role="status" data-testid="workflow-run-status">
            {runError !== null ? (
              <span className="tone-bad">{runError}</span>
            ) : lastRun !== null ? (
              <>
                Task <code>{lastRun.task_id.slice(0, 8)}</code>: {lastRun.status.replace('_', ' ')}.{' '}
                <button type="button" className="link-button" onClick={() => navigate(taskRoute(lastRun.task_id))} data-testid="workflow-follow">
                  Follow it
                </button>
              </>
            ) : (
              <span className="muted">A run becomes a durable task; follow it to see each step.</span>
            )}
          </p>
        </div>
      </div>
      <h4>Recent runs</h4>
      {runsError !== null && (
        <p className="notice small" role="alert">
          Could not load the runs: {runsError}
        </p>
      )}
      <div className="table-scroll wf-runs-scroll" tabIndex={0} role="region" aria-label="Recent runs">
        <table className="wf-runs-table">
          <colgroup>
            <col className="wf-col-when" />
            <col className="wf-col-status" />
            <col className="wf-col-steps" />
            <col />
            <col className="wf-col-follow" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Steps
              </th>
              <th scope="col">Reply or error</th>
              <th scope="col">
                <span className="visually-hidden">Follow</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((task) => (
              <RunRow key={task.task_id} task={task} navigate={navigate} />
            ))}
          </tbody>
        </table>
        {runs.length === 0 && <p className="muted small wf-no-runs">No runs among the recent tasks.</p>}
      </div>
    </section>
  );
}

export function WorkflowsPage({ api, navigate }: WorkflowsPageProps) {
  const [store] = useState(() => createWorkflowsStore(workflowsApi(api)));
  useEffect(() => {
    void store.getState().load();
    return followRuns(store);
  }, [store]);
  return (
    <section className="wf-page" aria-labelledby="wf-title" data-testid="page-workflows">
      <div className="wf-head">
        <h2 id="wf-title">Workflows</h2>
        <p className="muted small">Named, versioned step lists. Each run is a durable task that survives restarts.</p>
      </div>
      <div className="wf-body">
        <WorkflowList store={store} />
        <div className="wf-main">
          <Editor store={store} />
          <Runs store={store} navigate={navigate} />
        </div>
      </div>
    </section>
  );
}
