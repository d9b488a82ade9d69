// The memory explorer's state: the list with its kind filter, a search with each lane's rank, one memory open, adding and forgetting.
import { createStore } from 'zustand/vanilla';
import { MemoryAddRequest, MemoryQueryRequest, type Memory, type MemoryIndexStatus, type MemoryKind, type MemoryQueryMode, type MemoryQueryResult } from '../../../../src-shared/contract';
import { describeError, fieldProblems } from '../settings/errors';
import type { MemoryApi } from './api';

export type KindFilter = MemoryKind | 'all';

export interface SearchState {
  text: string;
  mode: MemoryQueryMode;
  status: 'idle' | 'searching' | 'done' | 'failed';
  results: MemoryQueryResult[];
  warnings: string[];
  model: string | null;
  error: string | null;
}

export interface AddForm {
  content: string;
  kind: MemoryKind;
  status: 'idle' | 'saving' | 'saved' | 'failed';
  /** The server's reason next to the content field (a refused secret, a bad length). */
  contentProblem: string | null;
  message: string | null;
}

export interface MemoryState {
  memories: Memory[];
  total: number;
  index: MemoryIndexStatus | null;
  kind: KindFilter;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  search: SearchState;
  /** The memory shown in full. */
  openId: string | null;
  /** The memory whose forgetting waits for a confirmation. */
  confirming: string | null;
  forgetting: string | null;
  forgetError: string | null;
  add: AddForm;
  load(): Promise<void>;
  setKind(kind: KindFilter): Promise<void>;
  setSearch(patch: Partial<Pick<SearchState, 'text' | 'mode'>>): void;
  runSearch(): Promise<void>;
  clearSearch(): void;
  open(id: string | null): void;
  askToForget(id: string | null): void;
  forget(id: string): Promise<void>;
  setAdd(patch: Partial<Pick<AddForm, 'content' | 'kind'>>): void;
  submitAdd(): Promise<void>;
}

const emptySearch = (): SearchState => ({ text: '', mode: 'hybrid', status: 'idle', results: [], warnings: [], model: null, error: null });
const emptyAdd = (kind: MemoryKind = 'semantic'): AddForm => ({ content: '', kind, status: 'idle', contentProblem: null, message: null });

/** Each lane's place in words, e.g. "vector #1 (0.83) · text #2"; a lane that did not find it says so. */
export function describeLanes(result: Pick<MemoryQueryResult, 'vector' | 'text'>, mode: MemoryQueryMode): string {
  const parts: string[] = [];
  if (mode !== 'text') parts.push(result.vector ? `vector #${result.vector.rank} (similarity ${result.vector.similarity.toFixed(2)})` : 'vector: not found');
  if (mode !== 'vector') parts.push(result.text ? `text #${result.text.rank}` : 'text: not found');
  return parts.join(' · ');
}

/** The memory with the given id among the list and the search results. */
export function findMemory(state: Pick<MemoryState, 'memories' | 'search'>, id: string | null): Memory | null {
  if (id === null) return null;
  return state.memories.find((m) => m.id === id) ?? state.search.results.find((r) => r.memory.id === id)?.memory ?? null;
}

export function createMemoryStore(api: MemoryApi) {
  return createStore<MemoryState>()((set, get) => ({
    memories: [],
    total: 0,
    index: null,
    kind: 'all',
    status: 'idle',
    error: null,
    search: emptySearch(),
    openId: null,
    confirming: null,
    forgetting: null,
    forgetError: null,
    add: emptyAdd(),

    async load() {
      set({ status: 'loading', error: null });
      const kind = get().kind;
      try {
        const list = await api.list(kind === 'all' ? null : kind);
        // A filter changed while this answer travelled: the newer load wins.
        if (get().kind !== kind) return;
        set({ memories: list.memories, total: list.total, index: list.index, status: 'ready' });
      } catch (err) {
        set({ status: 'failed', error: describeError(err) });
      }
    },

    async setKind(kind) {
      set({ kind });
      await get().load();
      if (get().search.status === 'done') await get().runSearch();
    },

    setSearch(patch) {
      set({ search: { ...get().search, ...patch, error: null, status: get().search.status === 'failed' ? 'idle' : get().search.status } });
    },

    async runSearch() {
      const { search, kind } = get();
      const parsed = MemoryQueryRequest.safeParse({ text: search.text, mode: search.mode, k: 10, ...(kind === 'all' ? {} : { kinds: [kind] }) });
      if (!parsed.success) {
        set({ search: { ...search, status: 'failed', error: 'Type what to look for first.' } });
        return;
      }
      set({ search: { ...search, status: 'searching', error: null } });
      try {
        const answer = await api.query(parsed.data);
        set({ search: { ...get().search, status: 'done', results: answer.results, warnings: answer.warnings, model: answer.model, mode: answer.mode } });
      } catch (err) {
        set({ search: { ...get().search, status: 'failed', results: [], warnings: [], error: describeError(err) } });
      }
    },

    clearSearch() {
      set({ search: emptySearch() });
    },

    open(id) {
      set({ openId: id });
    },

    askToForget(id) {
      set({ confirming: id, forgetError: null });
    },

    async forget(id) {
      if (get().forgetting) return;
      set({ forgetting: id, forgetError: null });
      try {
        await api.forget(id);
        const search = get().search;
        set({
          memories: get().memories.filter((m) => m.id !== id),
          total: Math.max(0, get().total - 1),
          search: { ...search, results: search.results.filter((r) => r.memory.id !== id) },
          confirming: null,
          openId: get().openId === id ? null : get().openId,
        });
      } catch (err) {
        set({ forgetError: describeError(err) });
      } finally {
        set({ forgetting: null });
      }
    },

    setAdd(patch) {
      const add = get().add;
      set({ add: { ...add, ...patch, contentProblem: patch.content !== undefined ? null : add.contentProblem, status: add.status === 'saving' ? 'saving' : 'idle', message: null } });
    },

    async submitAdd() {
      const form = get().add;
      if (form.status === 'saving') return;
      const parsed = MemoryAddRequest.safeParse({ content: form.content, kind: form.kind });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        set({ add: { ...form, status: 'failed', contentProblem: issue?.message ?? 'content is not valid', message: 'Nothing was stored.' } });
        return;
      }
      set({ add: { ...form, status: 'saving', contentProblem: null, message: null } });
      try {
        const memory = await api.add(parsed.data);
        set({ add: { ...emptyAdd(form.kind), status: 'saved', message: `Remembered as ${memory.kind} (${memory.id}).` } });
        await get().load();
      } catch (err) {
        // A refusal about what was typed (a secret, a length) goes next to the field in the server's words; anything else under the button.
        const aboutField = Object.keys(fieldProblems(err)).length > 0;
        const reason = describeError(err);
        set({ add: { ...get().add, status: 'failed', contentProblem: aboutField ? reason : null, message: aboutField ? 'Nothing was stored.' : `${reason} Nothing was stored.` } });
      }
    },
  }));
}

export type MemoryStore = ReturnType<typeof createMemoryStore>;
