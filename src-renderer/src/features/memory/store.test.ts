// The memory explorer's state: lanes in words, a refused secret kept next to the content field, forgetting removing it everywhere, the kind filter.
import { describe, expect, it } from 'vitest';
import type { Memory, MemoryQueryRequest } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { MemoryApi } from './api';
import { createMemoryStore, describeLanes, findMemory } from './store';

const memory = (id: string, content: string, kind: Memory['kind'] = 'semantic'): Memory => ({ id, kind, content, metadata: {}, created_at: '2026-01-01T00:00:00Z', expires_at: null, embedding_model: 'offline:test' });
const index = { model: 'offline:test', provider: 'offline', pending: 0 };

/** A small in-memory server: the list, a query that matches by substring, add refusing "sk-" keys the way the API does. */
function server(initial: Memory[]): MemoryApi & { queries: MemoryQueryRequest[] } {
  let stored = [...initial];
  const queries: MemoryQueryRequest[] = [];
  return {
    queries,
    list: async (kind) => {
      const memories = stored.filter((m) => kind === null || m.kind === kind);
      return { memories, total: memories.length, index };
    },
    query: async (request) => {
      queries.push(request);
      const hits = stored.filter((m) => m.content.includes(request.text) && (!request.kinds || request.kinds.includes(m.kind)));
      return { mode: request.mode ?? 'hybrid', model: 'offline:test', warnings: [], results: hits.map((m, i) => ({ memory: m, score: 1 / (61 + i), vector: { rank: i + 1, similarity: 0.9 }, text: i === 0 ? { rank: 1 } : null })) };
    },
    add: async (request) => {
      if (request.content.includes('sk-')) throw new ApiError(422, 'unprocessable', 'Refused: content holds what looks like an API key (sk-…).', [{ field: 'content', problem: 'looks like an API key (sk-…)' }]);
      const m = memory(`mem_${stored.length + 1}`, request.content, request.kind);
      stored = [m, ...stored];
      return m;
    },
    forget: async (id) => {
      if (!stored.some((m) => m.id === id)) throw new ApiError(404, 'not_found', `No memory "${id}".`);
      stored = stored.filter((m) => m.id !== id);
      return { forgotten: id, kind: 'semantic' };
    },
  };
}

describe('lanes in words', () => {
  it('names each lane the mode uses, and a lane that missed', () => {
    expect(describeLanes({ vector: { rank: 2, similarity: 0.8312 }, text: { rank: 1 } }, 'hybrid')).toBe('vector #2 (similarity 0.83) · text #1');
    expect(describeLanes({ vector: null, text: { rank: 3 } }, 'hybrid')).toBe('vector: not found · text #3');
    expect(describeLanes({ vector: { rank: 1, similarity: 0.5 }, text: null }, 'vector')).toBe('vector #1 (similarity 0.50)');
    expect(describeLanes({ vector: null, text: { rank: 4 } }, 'text')).toBe('text #4');
  });
});

describe('memory store', () => {
  it('adds, then a refused secret keeps the server’s reason for the content field and stores nothing', async () => {
    const api = server([]);
    const store = createMemoryStore(api);
    await store.getState().load();
    store.getState().setAdd({ content: 'Ada likes tea', kind: 'preference' });
    await store.getState().submitAdd();
    expect(store.getState().add).toMatchObject({ status: 'saved', content: '', kind: 'preference', message: expect.stringMatching(/^Remembered as preference/) });
    expect(store.getState().memories.map((m) => m.content)).toEqual(['Ada likes tea']);

    store.getState().setAdd({ content: 'key sk-abc' });
    await store.getState().submitAdd();
    expect(store.getState().add).toMatchObject({ status: 'failed', content: 'key sk-abc', message: 'Nothing was stored.', contentProblem: expect.stringMatching(/^Refused: content holds what looks like an API key/) });
    expect(store.getState().total).toBe(1);
    // Typing again clears the problem.
    store.getState().setAdd({ content: 'key removed' });
    expect(store.getState().add.contentProblem).toBeNull();
  });

  it('a failure not about the text is said under the button, not on the field', async () => {
    const store = createMemoryStore({ ...server([]), add: () => Promise.reject(new ApiError(502, 'upstream_unavailable', 'The embedding provider did not answer.')) });
    store.getState().setAdd({ content: 'Ada likes tea' });
    await store.getState().submitAdd();
    expect(store.getState().add).toMatchObject({ status: 'failed', contentProblem: null, message: expect.stringMatching(/did not answer\. .*Nothing was stored\.$/) });
  });

  it('an empty memory is named before anything is sent', async () => {
    const store = createMemoryStore(server([]));
    store.getState().setAdd({ content: '   ' });
    await store.getState().submitAdd();
    expect(store.getState().add).toMatchObject({ status: 'failed', contentProblem: 'content must not be empty' });
  });

  it('searches with the kind filter, and forgetting removes the memory from the list and the results', async () => {
    const api = server([memory('m1', 'shed key under the pot'), memory('m2', 'shed is green', 'preference')]);
    const store = createMemoryStore(api);
    await store.getState().load();
    store.getState().setSearch({ text: 'shed', mode: 'vector' });
    await store.getState().runSearch();
    expect(api.queries.at(-1)).toEqual({ text: 'shed', mode: 'vector', k: 10 });
    expect(store.getState().search.results.map((r) => r.memory.id)).toEqual(['m1', 'm2']);

    await store.getState().setKind('preference');
    expect(api.queries.at(-1)).toEqual({ text: 'shed', mode: 'vector', k: 10, kinds: ['preference'] });
    expect(store.getState().memories.map((m) => m.id)).toEqual(['m2']);
    expect(store.getState().search.results.map((r) => r.memory.id)).toEqual(['m2']);

    store.getState().open('m2');
    expect(findMemory(store.getState(), 'm2')?.content).toBe('shed is green');
    store.getState().askToForget('m2');
    await store.getState().forget('m2');
    expect(store.getState()).toMatchObject({ memories: [], confirming: null, openId: null, forgetError: null });
    expect(store.getState().search.results).toEqual([]);

    // Forgetting what is already gone says so in words.
    await store.getState().forget('m2');
    expect(store.getState().forgetError).toMatch(/No memory "m2"\. It may have been removed meanwhile/);
  });

  it('an empty search is refused before it is sent; a failed one says what to do', async () => {
    const api = server([]);
    const store = createMemoryStore({ ...api, query: () => Promise.reject(new ApiError(502, 'upstream_unavailable', 'The embedding provider did not answer.')) });
    await store.getState().runSearch();
    expect(store.getState().search).toMatchObject({ status: 'failed', error: 'Type what to look for first.' });
    store.getState().setSearch({ text: 'tea' });
    await store.getState().runSearch();
    expect(store.getState().search.error).toMatch(/did not answer\. A service Jarvis relies on/);
  });
});
