// The audit explorer's state: filters as typed and as applied, the matching rows newest first, paging back, chain check, export.
import { createStore } from 'zustand/vanilla';
import type { AuditEvent, AuditExportFile, AuditTypeCounts, Verification } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import type { ExplorerApi, ExplorerQuery } from './api';

export const PAGE_SIZE = 100;

/** What the person typed; times are the `datetime-local` inputs' text, read in the page's time zone. */
export interface Filters {
  trace_id: string;
  type: string;
  since: string;
  until: string;
}
export type FilterField = keyof Filters;

export const EMPTY_FILTERS: Filters = Object.freeze({ trace_id: '', type: '', since: '', until: '' });

/** A `datetime-local` value (local wall time) as an ISO instant; null when it is not a time. */
export function localToIso(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(local)) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Filters named in the route's query (`#/audit?trace_id=…&type=…`), so other screens can link to a filtered view. */
export function filtersFromHash(hash: string): Filters {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const text = (key: string) => (params.get(key) ?? '').slice(0, 200);
  return { trace_id: text('trace_id'), type: text('type'), since: text('since'), until: text('until') };
}

export type QueryResult = { ok: true; query: Omit<ExplorerQuery, 'limit' | 'before'> } | { ok: false; field: FilterField; message: string };

/** The filters as a list query, or the first field that is wrong and why, before anything is sent. */
export function toQuery(filters: Filters): QueryResult {
  const query: Omit<ExplorerQuery, 'limit' | 'before'> = {};
  const trace = filters.trace_id.trim();
  const type = filters.type.trim();
  if (trace.length > 128) return { ok: false, field: 'trace_id', message: 'A trace id is at most 128 characters.' };
  if (type.length > 128) return { ok: false, field: 'type', message: 'An event type is at most 128 characters.' };
  if (trace) query.trace_id = trace;
  if (type) query.type = type;
  if (filters.since) {
    const since = localToIso(filters.since);
    if (since === null) return { ok: false, field: 'since', message: 'Enter a complete date and time, or clear the field.' };
    query.since = since;
  }
  if (filters.until) {
    const until = localToIso(filters.until);
    if (until === null) return { ok: false, field: 'until', message: 'Enter a complete date and time, or clear the field.' };
    if (query.since !== undefined && Date.parse(until) <= Date.parse(query.since)) {
      return { ok: false, field: 'until', message: '“To” must be later than “From”.' };
    }
    query.until = until;
  }
  return { ok: true, query };
}

export type VerifyState = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: Verification } | { kind: 'failed'; message: string };
export type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; traceId: string }
  | { kind: 'done'; traceId: string; filename: string; rows: number }
  | { kind: 'failed'; traceId: string; message: string };

export interface ExplorerState {
  draft: Filters;
  applied: Filters;
  /** Newest first. */
  rows: AuditEvent[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  fieldError: { field: FilterField; message: string } | null;
  /** The last page was full, so older matching rows may exist. */
  hasOlder: boolean;
  loadingOlder: boolean;
  types: AuditTypeCounts['types'];
  selectedId: number | null;
  verify: VerifyState;
  exporting: ExportState;
  setDraft(field: FilterField, value: string): void;
  apply(): Promise<void>;
  clear(): Promise<void>;
  filterByTrace(traceId: string): Promise<void>;
  loadOlder(): Promise<void>;
  loadTypes(): Promise<void>;
  select(id: number | null): void;
  runVerify(): Promise<void>;
  /** Fetches a trace's export; the page saves the file. Null when it failed (the state says why). */
  exportTrace(traceId: string): Promise<AuditExportFile | null>;
}

const newestFirst = (events: readonly AuditEvent[]) => [...events].sort((a, b) => b.id - a.id);

export function createExplorerStore(api: ExplorerApi, pageSize = PAGE_SIZE, initial: Filters = EMPTY_FILTERS) {
  // Only the newest request's answer may land, so a slow earlier filter never overwrites a later one.
  let generation = 0;
  return createStore<ExplorerState>()((set, get) => ({
    draft: { ...initial },
    applied: { ...EMPTY_FILTERS },
    rows: [],
    status: 'idle',
    error: null,
    fieldError: null,
    hasOlder: false,
    loadingOlder: false,
    types: [],
    selectedId: null,
    verify: { kind: 'idle' },
    exporting: { kind: 'idle' },

    setDraft(field, value) {
      const fieldError = get().fieldError;
      set({ draft: { ...get().draft, [field]: value }, fieldError: fieldError?.field === field ? null : fieldError });
    },

    async apply() {
      const draft = get().draft;
      const built = toQuery(draft);
      if (!built.ok) {
        set({ fieldError: { field: built.field, message: built.message } });
        return;
      }
      const mine = ++generation;
      set({ status: 'loading', error: null, fieldError: null });
      try {
        const page = await api.list({ ...built.query, limit: pageSize });
        if (mine !== generation) return;
        set({ rows: newestFirst(page.events), applied: { ...draft }, status: 'ready', hasOlder: page.events.length === pageSize, selectedId: null });
      } catch (err) {
        if (mine !== generation) return;
        const problems = fieldProblems(err);
        const field = (['trace_id', 'type', 'since', 'until'] as const).find((f) => problems[f] !== undefined);
        set({ status: 'failed', error: describeError(err), fieldError: field ? { field, message: problems[field] ?? '' } : null });
      }
    },

    async clear() {
      set({ draft: { ...EMPTY_FILTERS }, fieldError: null });
      await get().apply();
    },

    async filterByTrace(traceId) {
      set({ draft: { ...EMPTY_FILTERS, trace_id: traceId }, fieldError: null });
      await get().apply();
    },

    async loadOlder() {
      const state = get();
      const oldest = state.rows.at(-1);
      if (!oldest || state.loadingOlder || !state.hasOlder) return;
      const built = toQuery(state.applied);
      if (!built.ok) return;
      const mine = generation;
      set({ loadingOlder: true, error: null });
      try {
        const page = await api.list({ ...built.query, limit: pageSize, before: oldest.id });
        if (mine !== generation) return;
        const known = new Set(get().rows.map((r) => r.id));
        set({ rows: [...get().rows, ...newestFirst(page.events.filter((e) => !known.has(e.id)))], hasOlder: page.events.length === pageSize });
      } catch (err) {
        if (mine === generation) set({ error: describeError(err) });
      } finally {
        if (mine === generation) set({ loadingOlder: false });
      }
    },

    async loadTypes() {
      try {
        set({ types: (await api.types()).types });
      } catch {
        // The type box still takes typed text; the suggestions are a convenience.
      }
    },

    select(id) {
      set({ selectedId: id });
    },

    async runVerify() {
      if (get().verify.kind === 'running') return;
      set({ verify: { kind: 'running' } });
      try {
        set({ verify: { kind: 'done', result: await api.verify() } });
      } catch (err) {
        set({ verify: { kind: 'failed', message: describeError(err) } });
      }
    },

    async exportTrace(traceId) {
      if (get().exporting.kind === 'running') return null;
      set({ exporting: { kind: 'running', traceId } });
      try {
        const file = await api.exportTrace(traceId);
        // The last line is the chain's verification, not a row.
        set({ exporting: { kind: 'done', traceId, filename: file.filename, rows: file.lines.length - 1 } });
        return file;
      } catch (err) {
        set({ exporting: { kind: 'failed', traceId, message: describeError(err) } });
        return null;
      }
    },
  }));
}

export type ExplorerStore = ReturnType<typeof createExplorerStore>;
