// The audit explorer: filter the trail by trace, type and time, page back through it, check the chain and export a trace.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { AuditEvent, AuditExportFile } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { explorerApi } from './api';
import { createExplorerStore, filtersFromHash, PAGE_SIZE, type ExplorerStore, type FilterField, type VerifyState } from './store';
import './explorer.css';

export interface AuditExplorerPageProps {
  api: ApiClient;
  navigate: (route: string) => void;
}

const pad = (n: number) => String(n).padStart(2, '0');
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Saves the export as a file; a plain link could not have carried the bearer token. */
function saveFile(file: AuditExportFile): void {
  const url = URL.createObjectURL(new Blob([`${file.lines.join('\n')}\n`], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function verifyText(verify: VerifyState): { tone: 'ok' | 'bad' | 'muted'; text: string } {
  switch (verify.kind) {
    case 'idle':
      return { tone: 'muted', text: 'Not checked yet. Verifying re-hashes every row and compares the signed checkpoints.' };
    case 'running':
      return { tone: 'muted', text: 'Checking every row’s hash…' };
    case 'failed':
      return { tone: 'bad', text: `Could not verify: ${verify.message}` };
    case 'done': {
      const r = verify.result;
      if (r.ok) return { tone: 'ok', text: `Chain intact: ${r.rows} rows checked at ${localTime(r.checked_at)}${r.checkpoint ? `, matching the signed checkpoint of ${r.checkpoint.count} rows` : ''}.` };
      const where = r.broken?.id === null || r.broken === null ? '' : ` at row #${r.broken.id}`;
      return { tone: 'bad', text: `Chain broken${where}: ${r.broken?.message ?? 'no detail'} (${r.broken?.reason ?? 'unknown'}). Export the affected trace and keep the data folder as it is.` };
    }
    default: {
      const never: never = verify;
      return never;
    }
  }
}

function Field({ store, field, label, type, hint, list }: { store: ExplorerStore; field: FilterField; label: string; type: 'text' | 'datetime-local'; hint: string; list?: string }) {
  const id = useId();
  const value = useStore(store, (s) => s.draft[field]);
  const error = useStore(store, (s) => (s.fieldError?.field === field ? s.fieldError.message : null));
  return (
    <div className="ex-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={field}
        type={type}
        step={type === 'datetime-local' ? 1 : undefined}
        value={value}
        list={list}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error !== null}
        aria-describedby={`${id}-note`}
        data-testid={`filter-${field}`}
        onChange={(e) => store.getState().setDraft(field, e.target.value)}
      />
      <span id={`${id}-note`} className={error ? 'ex-note tone-bad' : 'ex-note muted'} role={error ? 'alert' : undefined}>
        {error ?? hint}
      </span>
    </div>
  );
}

function Filters({ store }: { store: ExplorerStore }) {
  const types = useStore(store, (s) => s.types);
  const loading = useStore(store, (s) => s.status === 'loading');
  const listId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().apply();
  };
  return (
    <form className="panel ex-filters" role="search" aria-label="Filter the audit trail" onSubmit={submit}>
      <Field store={store} field="trace_id" label="Trace" type="text" hint="A trace id: one event and everything it caused." />
      <Field store={store} field="type" label="Event type" type="text" hint="Exact type, e.g. tool_call.succeeded." list={listId} />
      <datalist id={listId}>
        {types.map((t) => (
          <option key={t.type} value={t.type}>{`${t.count} rows`}</option>
        ))}
      </datalist>
      <Field store={store} field="since" label="From" type="datetime-local" hint="Your local time; included." />
      <Field store={store} field="until" label="To" type="datetime-local" hint="Your local time; not included." />
      <div className="ex-actions">
        <button type="submit" aria-disabled={loading} data-testid="filter-apply">
          {loading ? 'Filtering…' : 'Apply filters'}
        </button>
        <button type="button" className="link-button" onClick={() => void store.getState().clear()}>
          Clear
        </button>
      </div>
    </form>
  );
}

function ChainPanel({ store }: { store: ExplorerStore }) {
  const verify = useStore(store, (s) => s.verify);
  const { tone, text } = verifyText(verify);
  const running = verify.kind === 'running';
  return (
    <section className="panel ex-chain" aria-labelledby="ex-chain-title">
      <h3 id="ex-chain-title">Chain status</h3>
      <button type="button" aria-disabled={running} aria-describedby="ex-chain-result" onClick={() => void store.getState().runVerify()} data-testid="explorer-verify">
        {running ? 'Verifying…' : 'Verify chain'}
      </button>
      <p id="ex-chain-result" role="status" className={`ex-chain-result tone-${tone}`} data-testid="explorer-chain" data-state={verify.kind === 'done' ? (verify.result.ok ? 'ok' : 'broken') : verify.kind}>
        {text}
      </p>
    </section>
  );
}

function ExportPanel({ store, traceId }: { store: ExplorerStore; traceId: string | null }) {
  const exporting = useStore(store, (s) => s.exporting);
  const running = exporting.kind === 'running';
  const status =
    exporting.kind === 'done'
      ? { tone: 'ok', text: `Saved ${exporting.filename}: ${exporting.rows} rows and the chain’s verification.` }
      : exporting.kind === 'failed'
        ? { tone: 'bad', text: `Could not export: ${exporting.message}` }
        : traceId === null
          ? { tone: 'muted', text: 'Filter by a trace, or pick a row, to export its trace as JSON lines.' }
          : { tone: 'muted', text: `Exports every row of trace ${traceId.slice(0, 8)} with the chain’s verification.` };
  return (
    <section className="panel ex-export" aria-labelledby="ex-export-title">
      <h3 id="ex-export-title">Export</h3>
      <button
        type="button"
        aria-disabled={traceId === null || running}
        data-testid="explorer-export"
        onClick={() => {
          if (traceId === null || running) return;
          void store.getState().exportTrace(traceId).then((file) => file && saveFile(file));
        }}
      >
        {running ? 'Exporting…' : 'Export trace'}
      </button>
      <p role="status" className={`ex-chain-result tone-${status.tone}`} data-testid="explorer-export-status">
        {status.text}
      </p>
    </section>
  );
}

function Row({ event, selected, store }: { event: AuditEvent; selected: boolean; store: ExplorerStore }) {
  return (
    <tr data-testid="explorer-row" data-id={event.id} data-type={event.type} data-trace={event.trace_id} aria-selected={selected} className={selected ? 'ex-selected' : undefined}>
      <td className="num">
        <button type="button" className="ex-cell-button" aria-pressed={selected} aria-label={`Details of row ${event.id}`} onClick={() => store.getState().select(selected ? null : event.id)}>
          {event.id}
        </button>
      </td>
      <td>
        <time dateTime={event.ts} title={event.ts}>
          {localTime(event.ts)}
        </time>
      </td>
      <td className="ex-type" title={event.type}>
        {event.type}
      </td>
      <td title={event.actor}>{event.actor}</td>
      <td title={event.subject ?? undefined}>{event.subject ?? <span className="muted">—</span>}</td>
      <td>
        <button type="button" className="ex-cell-button ex-trace" title={`Show only trace ${event.trace_id}`} aria-label={`Show only trace ${event.trace_id}`} onClick={() => void store.getState().filterByTrace(event.trace_id)}>
          {event.trace_id.slice(0, 8)}
        </button>
      </td>
    </tr>
  );
}

function Details({ event }: { event: AuditEvent | null }) {
  return (
    <section className="panel ex-details" aria-labelledby="ex-details-title" aria-live="polite">
      <h3 id="ex-details-title">{event ? `Row #${event.id}` : 'Row details'}</h3>
      {event ? (
        <>
          <dl className="facts">
            <dt>Type</dt>
            <dd>{event.type}</dd>
            <dt>Trace</dt>
            <dd>
              <code>{event.trace_id}</code>
            </dd>
            <dt>Parent</dt>
            <dd>{event.parent_id ?? '—'}</dd>
            <dt>Hash</dt>
            <dd>
              <code>{event.hash}</code>
            </dd>
          </dl>
          <pre className="ex-payload" tabIndex={0} aria-label="Payload">
            {JSON.stringify(event.payload, null, 2)}
          </pre>
        </>
      ) : (
        <p className="muted">Choose a row’s number to see its payload and hashes here.</p>
      )}
    </section>
  );
}

function Results({ store }: { store: ExplorerStore }) {
  const rows = useStore(store, (s) => s.rows);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  const hasOlder = useStore(store, (s) => s.hasOlder);
  const loadingOlder = useStore(store, (s) => s.loadingOlder);
  const selectedId = useStore(store, (s) => s.selectedId);
  const applied = useStore(store, (s) => s.applied);
  const active = [applied.trace_id && `trace ${applied.trace_id}`, applied.type && `type ${applied.type}`, applied.since && `from ${applied.since.replace('T', ' ')}`, applied.until && `to ${applied.until.replace('T', ' ')}`].filter(Boolean);
  const summary =
    status === 'loading' && rows.length === 0
      ? 'Loading…'
      : rows.length === 0
        ? status === 'ready'
          ? 'No rows match these filters.'
          : ' '
        : `${rows.length} row${rows.length === 1 ? '' : 's'}, newest first${active.length ? ` · ${active.join(' · ')}` : ' · no filters'}${hasOlder ? ' · older rows exist' : ''}`;
  return (
    <section className="panel ex-results" aria-labelledby="ex-results-title" aria-busy={status === 'loading'}>
      <div className="ex-results-head">
        <h3 id="ex-results-title">Rows</h3>
        <p className="muted small ex-summary" role="status" data-testid="explorer-summary">
          {summary}
        </p>
      </div>
      <p className={error ? 'notice ex-error' : 'ex-error'} role={error ? 'alert' : undefined} data-testid="explorer-error">
        {error ?? ''}
      </p>
      <div className="table-scroll ex-scroll" tabIndex={0} role="region" aria-labelledby="ex-results-title">
        <table className="ex-table">
          <caption className="visually-hidden">Audit rows matching the filters, newest first</caption>
          <colgroup>
            <col className="ex-col-id" />
            <col className="ex-col-time" />
            <col className="ex-col-type" />
            <col className="ex-col-actor" />
            <col />
            <col className="ex-col-trace" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Actor</th>
              <th scope="col">Subject</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <Row key={event.id} event={event} selected={event.id === selectedId} store={store} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="ex-more">
        <button type="button" className="link-button" disabled={!hasOlder} aria-disabled={loadingOlder} onClick={() => void store.getState().loadOlder()}>
          {loadingOlder ? 'Loading older rows…' : hasOlder ? 'Load older rows' : 'No older rows'}
        </button>
      </div>
    </section>
  );
}

export function AuditExplorerPage({ api }: AuditExplorerPageProps) {
  const [store] = useState(() => createExplorerStore(explorerApi(api), PAGE_SIZE, filtersFromHash(window.location.hash)));
  const selected = useStore(store, (s) => s.rows.find((r) => r.id === s.selectedId) ?? null);
  const appliedTrace = useStore(store, (s) => s.applied.trace_id.trim() || null);

  useEffect(() => {
    void store.getState().apply();
    void store.getState().loadTypes();
  }, [store]);

  return (
    <section className="ex-page" aria-labelledby="ex-title" data-testid="page-audit">
      <div className="ex-title-row">
        <h2 id="ex-title">Audit explorer</h2>
        <p className="muted small">Every action Jarvis took, hash-chained. Filter it, check it, export a trace.</p>
      </div>
      <Filters store={store} />
      <div className="ex-body">
        <Results store={store} />
        <aside className="ex-side" aria-label="Chain status, export and row details">
          <ChainPanel store={store} />
          <ExportPanel store={store} traceId={appliedTrace ?? selected?.trace_id ?? null} />
          <Details event={selected} />
        </aside>
      </div>
    </section>
  );
}
