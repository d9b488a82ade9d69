// The tools screen: every tool with its risk, permissions and review state; enabling one that needs review takes a confirmation.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ToolInfo } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { toolsApi } from './api';
import { createToolsStore, describePermissions, REVIEW_LABEL, reviewState, visibleTools, type ToolsStore } from './store';
import './tools.css';

export interface ToolsPageProps {
  api: ApiClient;
  navigate: (route: string) => void;
}

function Decision({ store, tool }: { store: ToolsStore; tool: ToolInfo }) {
  const busy = useStore(store, (s) => s.busy[tool.name] === true);
  const confirming = useStore(store, (s) => s.confirming === tool.name);
  const error = useStore(store, (s) => s.rowErrors[tool.name] ?? null);
  if (tool.review === 'none') return <span className="muted small">Always on</span>;
  const perms = describePermissions(tool.permissions);
  return (
    <div className="tl-decision">
      {tool.enabled ? (
        <button type="button" className="tl-secondary" aria-disabled={busy} onClick={() => void store.getState().setEnabled(tool.name, false)} data-testid={`disable-${tool.name}`}>
          {busy ? 'Disabling…' : 'Disable'}
        </button>
      ) : confirming ? (
        <div className="tl-confirm" role="group" aria-label={`Confirm enabling ${tool.name}`}>
          <p className="small" id={`tl-confirm-${tool.name}`}>
            Allow <strong>{tool.name}</strong> to: {perms.length ? perms.join('; ') : 'run'}?
          </p>
          <div className="tl-confirm-buttons">
            <button type="button" aria-disabled={busy} aria-describedby={`tl-confirm-${tool.name}`} onClick={() => void store.getState().setEnabled(tool.name, true)} data-testid={`confirm-enable-${tool.name}`}>
              {busy ? 'Enabling…' : 'Enable'}
            </button>
            <button type="button" className="link-button" onClick={() => store.getState().askToEnable(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => store.getState().askToEnable(tool.name)} data-testid={`enable-${tool.name}`}>
          Enable…
        </button>
      )}
      <p className={error ? 'tl-row-error tone-bad' : 'tl-row-error'} role={error ? 'alert' : undefined}>
        {error ?? ''}
      </p>
    </div>
  );
}

function ToolRow({ store, tool }: { store: ToolsStore; tool: ToolInfo }) {
  const state = reviewState(tool);
  const perms = describePermissions(tool.permissions);
  return (
    <li className="tl-tool" data-testid="tool-row" data-name={tool.name} data-review={state}>
      <div className="tl-main">
        <h3 className="tl-name">
          <code>{tool.name}</code> <span className="muted small">v{tool.version}</span>
        </h3>
        <p className="tl-description">{tool.description}</p>
        <p className="small muted">
          {tool.source === 'builtin' ? 'Built in' : 'Your tool'} · {tool.runner === 'process' ? 'runs in its own sandboxed process' : 'runs inside Jarvis'} · {tool.idempotent ? 'safe to retry' : 'runs at most once'}
        </p>
      </div>
      <div className="tl-facts">
        <span className={`tl-risk tl-risk-${tool.risk}`} title="Base risk; arguments can raise it">
          {tool.risk} risk
        </span>
        <ul className="tl-perms" aria-label={`Permissions of ${tool.name}`}>
          {perms.length ? perms.map((p) => <li key={p}>{p}</li>) : <li className="muted">No network, files or programs</li>}
        </ul>
      </div>
      <div className="tl-review">
        <span className={`tl-state tl-state-${state}`} data-testid={`review-${tool.name}`}>
          {REVIEW_LABEL[state]}
        </span>
        {tool.disabled_reason && <p className="small muted">{tool.disabled_reason}</p>}
        <Decision store={store} tool={tool} />
      </div>
    </li>
  );
}

export function ToolsPage({ api }: ToolsPageProps) {
  const [store] = useState(() => createToolsStore(toolsApi(api)));
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  const filter = useStore(store, (s) => s.filter);
  const tools = useStore(store, (s) => s.tools);
  const manifestErrors = useStore(store, (s) => s.manifestErrors);
  const shown = visibleTools({ tools, filter });
  const waiting = tools.filter((t) => reviewState(t) === 'needs_review').length;

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  return (
    <section className="tl-page" aria-labelledby="tl-title" data-testid="page-tools" aria-busy={status === 'loading'}>
      <div className="tl-head">
        <h2 id="tl-title">Tools</h2>
        <p className="muted small" role="status">
          {status === 'ready' ? `${tools.length} tools · ${waiting} waiting for your review` : status === 'loading' ? 'Loading…' : ' '}
        </p>
        <fieldset className="tl-filter">
          <legend className="visually-hidden">Show</legend>
          <label>
            <input type="radio" name="tl-filter" checked={filter === 'all'} onChange={() => store.getState().setFilter('all')} /> All tools
          </label>
          <label>
            <input type="radio" name="tl-filter" checked={filter === 'review'} onChange={() => store.getState().setFilter('review')} /> Only those that need review
          </label>
        </fieldset>
        <button type="button" className="link-button" onClick={() => void store.getState().load()}>
          Reload
        </button>
      </div>
      <p className="muted small tl-intro">
        Tools that ask for files or other programs stay off until you enable them; editing one turns it off again until you review it anew.
      </p>
      {error !== null && (
        <p className="notice" role="alert" data-testid="tools-error">
          Could not load the tools: {error}
        </p>
      )}
      {manifestErrors.length > 0 && (
        <section className="panel tl-broken" aria-labelledby="tl-broken-title">
          <h3 id="tl-broken-title">Manifests that did not load</h3>
          <ul>
            {manifestErrors.map((e) => (
              <li key={e.file}>
                <code>{e.file}</code>: {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ul className="tl-list" aria-label="Tools">
        {shown.map((tool) => (
          <ToolRow key={tool.name} store={store} tool={tool} />
        ))}
      </ul>
      {status === 'ready' && shown.length === 0 && <p className="muted">No tool needs a review.</p>}
    </section>
  );
}
