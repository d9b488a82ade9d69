// Task detail: its steps with attempts and outputs, the readable log, and the trace's audit rows with the chain's verification.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { StepState, TaskDetail } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { formatTimestamp, shortHash } from '../audit/format';
import { ErrorNotice, JsonBlock, RiskBadge, StatusBadge } from '../shared/ui';
import { trailOf, type DetailStore } from './detail-store';
import { describeEvent } from './log-format';
import { isFinal, type TasksStore } from './store';
import './tasks.css';

function StepRow({ step, attempts }: { step: StepState; attempts: TaskDetail['attempts'] }) {
  const mine = attempts.filter((a) => a.step_id === step.id);
  return (
    <li className="detail-step" data-testid="detail-step" data-step-id={step.id} data-status={step.status}>
      <div className="plan-step-head">
        <code className="tool-name">{step.id}</code>
        <code>{step.action}</code>
        <RiskBadge risk={step.risk} />
        <StatusBadge status={step.status} testId="step-status" />
      </div>
      <dl className="facts">
        <dt>Attempts</dt>
        <dd>
          {mine.length === 0
            ? 'none yet'
            : mine.map((a) => `#${a.attempt} ${a.status}${a.error ? ` (${a.error.message})` : ''}`).join(' · ')}
        </dd>
        <dt>Started</dt>
        <dd>{step.started_at ? formatTimestamp(step.started_at) : '—'}</dd>
        <dt>Finished</dt>
        <dd>{step.finished_at ? formatTimestamp(step.finished_at) : '—'}</dd>
        {step.error && (
          <>
            <dt>Error</dt>
            <dd className="tone-bad">
              {step.error.kind}: {step.error.message}
            </dd>
          </>
        )}
      </dl>
      <details>
        <summary>Input</summary>
        <JsonBlock value={step.input} label={`Input of step ${step.id}`} />
      </details>
      {step.output !== undefined && (
        <details open>
          <summary>Output</summary>
          <JsonBlock value={step.output} label={`Output of step ${step.id}`} />
        </details>
      )}
    </li>
  );
}

function Trail({ store, api, taskId, final }: { store: DetailStore; api: ApiClient; taskId: string; final: boolean }) {
  const entry = useStore(store, (s) => s.entries[taskId]);
  const state = entry?.trail ?? { kind: 'idle' as const };
  const trail = trailOf(state);
  const newRows = entry?.newRows ?? 0;

  // Verified once on open, and again when the task reaches its end, so the record shown is complete.
  useEffect(() => {
    void store.getState().loadTrail(api, taskId);
  }, [store, api, taskId, final]);

  const v = trail?.verification;
  const allVerified = trail !== null && trail.events.every((e) => e.verified);
  const ok = v?.ok === true && allVerified;
  const summary =
    state.kind === 'loading' && trail === null
      ? 'Verifying the audit chain…'
      : state.kind === 'failed' && trail === null
        ? `Could not verify: ${state.message}`
        : !v || !trail
          ? 'Not verified yet.'
          : ok
            ? `Verified: all ${trail.events.length} rows of this task are in an intact chain of ${v.rows} rows (head ${shortHash(v.head_hash)}, checked ${formatTimestamp(v.checked_at)}).`
            : `Not verified: ${v.broken ? `the chain breaks at row #${v.broken.id ?? '?'} [${v.broken.reason}]: ${v.broken.message}` : 'some rows do not match their hashes'}.`;
  return (
    <section className="panel" aria-labelledby="trail-title">
      <div className="audit-head">
        <h2 id="trail-title">Audit trail of this task</h2>
        <button type="button" className="secondary" aria-busy={state.kind === 'loading'} aria-disabled={state.kind === 'loading'} onClick={() => void store.getState().loadTrail(api, taskId)}>
          {state.kind === 'loading' ? 'Verifying…' : 'Verify again'}
        </button>
      </div>
      <p className={`verify-result ${ok ? 'tone-ok' : trail ? 'tone-bad' : 'tone-muted'}`} role="status" data-testid="trail-verification" data-state={trail === null ? state.kind : ok ? 'ok' : 'broken'}>
        {summary}
        {newRows > 0 && ` ${newRows} newer row${newRows === 1 ? '' : 's'} arrived since; verify again to include them.`}
      </p>
      {state.kind === 'failed' && trail !== null && <ErrorNotice>{state.message}</ErrorNotice>}
      {trail && (
        <div className="table-scroll" role="region" aria-labelledby="trail-title" tabIndex={0}>
          <table className="audit-table trail-table">
            <caption className="visually-hidden">Audit rows of this task’s trace, oldest first</caption>
            <colgroup>
              <col className="col-id" />
              <col className="col-time" />
              <col className="col-type" />
              <col className="col-subject" />
              <col className="col-hash" />
              <col className="col-verified" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Time</th>
                <th scope="col">Type</th>
                <th scope="col">What happened</th>
                <th scope="col">Hash</th>
                <th scope="col">Verified</th>
              </tr>
            </thead>
            <tbody>
              {trail.events.map((e) => (
                <tr key={e.id} data-testid="trail-row" data-type={e.type} data-verified={e.verified}>
                  <td className="num">{e.id}</td>
                  <td>
                    <time dateTime={e.ts}>{formatTimestamp(e.ts)}</time>
                  </td>
                  <td className="type">{e.type}</td>
                  <td title={describeEvent(e)}>{describeEvent(e)}</td>
                  <td>
                    <code title={e.hash}>{shortHash(e.hash)}</code>
                  </td>
                  <td className={e.verified ? 'tone-ok' : 'tone-bad'}>{e.verified ? '✓ yes' : '✗ no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function TaskDetailPage({ taskId, store, tasks, api }: { taskId: string; store: DetailStore; tasks: TasksStore; api: ApiClient }) {
  const entry = useStore(store, (s) => s.entries[taskId]);
  const acting = useStore(tasks, (s) => s.acting[taskId] ?? null);
  const actionError = useStore(tasks, (s) => s.actionErrors[taskId] ?? null);
  useEffect(() => {
    void store.getState().loadDetail(api, taskId);
  }, [store, api, taskId]);
  const detail = entry?.detail ?? null;
  const final = detail !== null && isFinal(detail.status);

  if (detail === null) {
    return (
      <div className="page">
        <section className="panel">
          <h2>Task {taskId}</h2>
          {entry?.detailError ? <ErrorNotice>{entry.detailError}</ErrorNotice> : <p className="muted">Loading the task…</p>}
          <a href="#/">Back to Home</a>
        </section>
      </div>
    );
  }

  const control = (action: 'pause' | 'resume' | 'cancel') => async () => {
    await tasks.getState().control(api, taskId, action);
    await store.getState().loadDetail(api, taskId);
  };

  return (
    <div className="page">
      <section className="panel" aria-labelledby="detail-title" data-testid="task-detail" data-status={detail.status}>
        <div className="task-head">
          <h2 id="detail-title">{detail.goal}</h2>
          <StatusBadge status={detail.status} testId="detail-status" />
        </div>
        <dl className="facts">
          <dt>Task</dt>
          <dd>
            <code>{detail.task_id}</code>
          </dd>
          <dt>Trace</dt>
          <dd>
            <code>{detail.trace_id}</code>
          </dd>
          <dt>Kind</dt>
          <dd>{detail.intent ? `${detail.kind} (${detail.intent})` : detail.kind}</dd>
          <dt>Created</dt>
          <dd>{formatTimestamp(detail.created_at)}</dd>
          <dt>Updated</dt>
          <dd>{formatTimestamp(detail.updated_at)}</dd>
          {detail.reply && (
            <>
              <dt>Reply</dt>
              <dd data-testid="detail-reply">{detail.reply}</dd>
            </>
          )}
          {detail.error && (
            <>
              <dt>Error</dt>
              <dd className="tone-bad">{detail.error.message}</dd>
            </>
          )}
        </dl>
        {actionError && <ErrorNotice>{actionError}</ErrorNotice>}
        {!final && (
          <div className="button-row">
            {(detail.status === 'running' || detail.status === 'pending') && (
              <button type="button" className="secondary" aria-disabled={acting !== null} onClick={control('pause')}>
                Pause
              </button>
            )}
            {detail.status === 'paused' && !detail.paused_by && (
              <button type="button" className="secondary" aria-disabled={acting !== null} onClick={control('resume')}>
                Resume
              </button>
            )}
            <button type="button" className="secondary danger" aria-disabled={acting !== null} onClick={control('cancel')}>
              Cancel task
            </button>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="steps-title">
        <h2 id="steps-title">Steps</h2>
        <ol className="plan-steps">
          {detail.steps.map((s) => (
            <StepRow key={s.id} step={s} attempts={detail.attempts} />
          ))}
        </ol>
      </section>
      <section className="panel" aria-labelledby="logs-title">
        <h2 id="logs-title">Log</h2>
        <ol className="log log-tall" aria-labelledby="logs-title" tabIndex={0} data-testid="detail-log">
          {detail.logs.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      </section>
      <Trail store={store} api={api} taskId={taskId} final={final} />
    </div>
  );
}
