// The memory explorer inside settings: search by meaning and by words with each lane's rank, open one, add one, forget one after a confirmation.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { MEMORY_KINDS, MEMORY_QUERY_MODES, type Memory, type MemoryKind, type MemoryQueryMode } from '../../../../src-shared/contract';
import { AreaField, Outcome, SelectField, TextField } from '../llm/fields';
import type { SectionProps } from '../settings/sections';
import { memoryApi } from './api';
import { createMemoryStore, describeLanes, findMemory, type KindFilter, type MemoryStore } from './store';
import './memory.css';

const KIND_OPTIONS = MEMORY_KINDS.map((k) => ({ value: k, label: k }));
const FILTER_OPTIONS: { value: KindFilter; label: string }[] = [{ value: 'all', label: 'all kinds' }, ...KIND_OPTIONS];
const MODE_LABEL: Record<MemoryQueryMode, string> = { hybrid: 'Both (hybrid)', vector: 'By meaning (vector)', text: 'By words (text)' };

function Search({ store }: { store: MemoryStore }) {
  const search = useStore(store, (s) => s.search);
  const kind = useStore(store, (s) => s.kind);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().runSearch();
  };
  return (
    <form className="mem-search" role="search" aria-label="Search memories" onSubmit={submit} noValidate>
      <TextField label="Look for" testId="memory-search-text" value={search.text} onChange={(text) => store.getState().setSearch({ text })} problem={search.status === 'failed' ? search.error : null} hint="Words or a description; Enter searches." />
      <SelectField label="Search by" testId="memory-search-mode" value={search.mode} options={MEMORY_QUERY_MODES.map((m) => ({ value: m, label: MODE_LABEL[m] }))} onChange={(mode) => store.getState().setSearch({ mode })} hint="Hybrid fuses both rankings." />
      <SelectField label="Kind" testId="memory-kind-filter" value={kind} options={FILTER_OPTIONS} onChange={(k) => void store.getState().setKind(k)} hint="Filters the list and the search." />
      <div className="fx-actions mem-search-actions">
        <button type="submit" aria-disabled={search.status === 'searching'} data-testid="memory-search">
          {search.status === 'searching' ? 'Searching…' : 'Search'}
        </button>
        {search.status === 'done' && (
          <button type="button" className="link-button" onClick={() => store.getState().clearSearch()}>
            Clear search
          </button>
        )}
      </div>
    </form>
  );
}

function MemoryRow({ store, memory, lanes }: { store: MemoryStore; memory: Memory; lanes: string | null }) {
  const open = useStore(store, (s) => s.openId === memory.id);
  return (
    <li className="mem-row" data-testid="memory-row" data-id={memory.id} data-kind={memory.kind}>
      <button type="button" className="mem-open" aria-expanded={open} aria-controls="memory-detail" onClick={() => store.getState().open(open ? null : memory.id)}>
        <span className="mem-kind">{memory.kind}</span>
        <span className="mem-text">{memory.content}</span>
      </button>
      {lanes !== null && (
        <span className="small muted mem-lanes" data-testid="memory-lanes">
          {lanes}
        </span>
      )}
    </li>
  );
}

function Results({ store }: { store: MemoryStore }) {
  const search = useStore(store, (s) => s.search);
  const memories = useStore(store, (s) => s.memories);
  const total = useStore(store, (s) => s.total);
  const status = useStore(store, (s) => s.status);
  const showingSearch = search.status === 'done';
  return (
    <div className="mem-results">
      <p className="small muted mem-caption" aria-live="polite" data-testid="memory-caption">
        {showingSearch
          ? `${search.results.length} found for “${search.text}” (${MODE_LABEL[search.mode]}${search.model ? `, embedded with ${search.model}` : ''}).`
          : status === 'loading'
            ? 'Loading…'
            : `${total} ${total === 1 ? 'memory' : 'memories'}${memories.length < total ? `, newest ${memories.length} shown` : ''}.`}
      </p>
      {showingSearch &&
        search.warnings.map((w) => (
          <p key={w} className="notice notice-warn small">
            {w}
          </p>
        ))}
      <ul className="mem-list" aria-label={showingSearch ? 'Search results' : 'Memories'}>
        {showingSearch
          ? search.results.map((r) => <MemoryRow key={r.memory.id} store={store} memory={r.memory} lanes={describeLanes(r, search.mode)} />)
          : memories.map((m) => <MemoryRow key={m.id} store={store} memory={m} lanes={null} />)}
      </ul>
      {!showingSearch && status === 'ready' && memories.length === 0 && <p className="muted">Nothing remembered{total ? ' of this kind' : ''} yet.</p>}
    </div>
  );
}

function Detail({ store }: { store: MemoryStore }) {
  const memory = useStore(store, (s) => findMemory(s, s.openId));
  const confirming = useStore(store, (s) => memory !== null && s.confirming === memory.id);
  const forgetting = useStore(store, (s) => s.forgetting !== null);
  const error = useStore(store, (s) => s.forgetError);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The button that asked is gone once the question shows; focus goes to the answer, not to the page.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  if (!memory) return <div id="memory-detail" className="mem-detail mem-detail-empty muted small">Choose a memory to see it in full.</div>;
  return (
    <section id="memory-detail" className="mem-detail" aria-label="Memory" data-testid="memory-detail" data-id={memory.id}>
      <p className="mem-full">{memory.content}</p>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{memory.kind}</dd>
        <dt>Stored</dt>
        <dd>{new Date(memory.created_at).toLocaleString()}</dd>
        <dt>Forgotten by itself</dt>
        <dd>{memory.expires_at ? new Date(memory.expires_at).toLocaleString() : 'never'}</dd>
        <dt>Vector</dt>
        <dd>{memory.embedding_model ?? 'waiting to be embedded'}</dd>
        <dt>Id</dt>
        <dd>
          <code>{memory.id}</code>
        </dd>
      </dl>
      {confirming ? (
        <div className="mem-confirm" role="group" aria-label="Confirm forgetting">
          <p className="small" id="mem-confirm-text">
            Forget this memory? It is removed from the vector and text indexes for good.
          </p>
          <div className="fx-actions">
            <button type="button" ref={confirmButton} className="fx-danger" aria-disabled={forgetting} aria-describedby="mem-confirm-text" onClick={() => void store.getState().forget(memory.id)} data-testid="memory-confirm-forget">
              {forgetting ? 'Forgetting…' : 'Forget'}
            </button>
            <button type="button" className="link-button" onClick={() => store.getState().askToForget(null)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div className="fx-actions">
          <button type="button" className="fx-secondary" onClick={() => store.getState().askToForget(memory.id)} data-testid="memory-forget">
            Forget…
          </button>
        </div>
      )}
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="memory-forget-error" />
    </section>
  );
}

function AddMemory({ store }: { store: MemoryStore }) {
  const form = useStore(store, (s) => s.add);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().submitAdd();
  };
  return (
    <form className="mem-add" aria-label="Add a memory" onSubmit={submit} noValidate>
      <h4 className="small-heading">Add a memory</h4>
      <AreaField label="What to remember" testId="memory-add-content" value={form.content} onChange={(content) => store.getState().setAdd({ content })} problem={form.contentProblem} hint="Plain text; secrets such as API keys or passwords are refused." />
      <SelectField<MemoryKind> label="Kind" testId="memory-add-kind" value={form.kind} options={KIND_OPTIONS} onChange={(kind) => store.getState().setAdd({ kind })} hint="Ephemeral ones are forgotten after a day." />
      <div className="fx-actions">
        <button type="submit" aria-disabled={form.status === 'saving'} data-testid="memory-add">
          {form.status === 'saving' ? 'Saving…' : 'Remember'}
        </button>
      </div>
      <Outcome tone={form.status === 'saved' ? 'ok' : form.status === 'failed' ? 'bad' : 'muted'} text={form.message} testId="memory-add-message" />
    </form>
  );
}

export function MemoryPanel({ api }: SectionProps) {
  const [store] = useState(() => createMemoryStore(memoryApi(api)));
  const index = useStore(store, (s) => s.index);
  const error = useStore(store, (s) => s.error);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  return (
    <div className="mem-panel" data-testid="memory-panel">
      <p className="small muted mem-index" data-testid="memory-index">
        {index ? `Embedding model ${index.model} (${index.provider})${index.pending ? `; ${index.pending} waiting to be embedded` : ''}.` : ' '}
      </p>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="memory-error" slim />
      <Search store={store} />
      <div className="mem-body">
        <Results store={store} />
        <Detail store={store} />
      </div>
      <AddMemory store={store} />
    </div>
  );
}
