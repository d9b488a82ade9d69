// The explorer's filters (checked before sending, local times sent as instants), stale answers dropped, paging back, verify and export.
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditList, Verification } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { ExplorerApi, ExplorerQuery } from './api';
import { createExplorerStore, EMPTY_FILTERS, filtersFromHash, localToIso, toQuery } from './store';

function event(id: number, trace = `trace-${id}`): AuditEvent {
  return { id, ts: new Date(Date.UTC(2025, 0, 1, 0, 0, id)).toISOString(), trace_id: trace, parent_id: null, type: 'test.happened', actor: 'test', subject: null, payload: {}, prev_hash: 'p', hash: `h${id}` };
}

/** An API over a fixed trail of `count` rows that answers like the server: newest `limit` matching rows, oldest first. */
function trailApi(count: number, calls: ExplorerQuery[] = []): ExplorerApi {
  const all = Array.from({ length: count }, (_, i) => event(i + 1, i % 2 === 0 ? 'even' : 'odd'));
  return {
    async list(q) {
      calls.push(q);
      const matching = all.filter((e) => (q.trace_id === undefined || e.trace_id === q.trace_id) && (q.before === undefined || e.id < q.before));
      return { events: matching.slice(-q.limit), next_after: null };
    },
    types: async () => ({ types: [{ type: 'test.happened', count }] }),
    verify: async () => ({ ok: true, rows: count, head_hash: 'h', checked_at: '2025-01-01T00:00:00Z', checkpoint: null, broken: null }),
    exportTrace: async (traceId) => ({ filename: `trace-${traceId}.jsonl`, lines: ['{"kind":"event"}', '{"kind":"event"}', '{"kind":"verification"}'] }),
  };
}

describe('toQuery', () => {
  it('trims text filters and leaves empty ones out', () => {
    expect(toQuery({ ...EMPTY_FILTERS, trace_id: '  abc ', type: '' })).toEqual({ ok: true, query: { trace_id: 'abc' } });
  });

  it('sends local times as the instants they name', () => {
    const result = toQuery({ ...EMPTY_FILTERS, since: '2025-03-01T09:30', until: '2025-03-01T10:00' });
    expect(result).toEqual({ ok: true, query: { since: new Date('2025-03-01T09:30').toISOString(), until: new Date('2025-03-01T10:00').toISOString() } });
  });

  it('names the field that is wrong before anything is sent', () => {
    expect(toQuery({ ...EMPTY_FILTERS, since: '2025-03-01' })).toMatchObject({ ok: false, field: 'since' });
    expect(toQuery({ ...EMPTY_FILTERS, since: '2025-03-01T10:00', until: '2025-03-01T10:00' })).toMatchObject({ ok: false, field: 'until', message: expect.stringMatching(/later/) });
    expect(toQuery({ ...EMPTY_FILTERS, type: 'x'.repeat(129) })).toMatchObject({ ok: false, field: 'type' });
    expect(localToIso('not a time')).toBeNull();
  });
});

describe('filtersFromHash', () => {
  it('reads filters from the route’s query and nothing else', () => {
    expect(filtersFromHash('#/audit?trace_id=abc&type=gate.required&since=2025-03-01T09:30&x=1')).toEqual({ trace_id: 'abc', type: 'gate.required', since: '2025-03-01T09:30', until: '' });
    expect(filtersFromHash('#/audit')).toEqual(EMPTY_FILTERS);
  });

  it('a store started from a link applies those filters on its first load', async () => {
    const calls: ExplorerQuery[] = [];
    const store = createExplorerStore(trailApi(4, calls), 100, filtersFromHash('#/audit?trace_id=odd'));
    await store.getState().apply();
    expect(calls).toEqual([{ trace_id: 'odd', limit: 100 }]);
    expect(store.getState().rows.map((r) => r.id)).toEqual([4, 2]);
  });
});

describe('explorer store', () => {
  it('applies the filters, shows newest first and remembers what was applied', async () => {
    const calls: ExplorerQuery[] = [];
    const store = createExplorerStore(trailApi(10, calls), 100);
    store.getState().setDraft('trace_id', 'even');
    await store.getState().apply();
    const s = store.getState();
    expect(s.rows.map((r) => r.id)).toEqual([9, 7, 5, 3, 1]);
    expect(s.applied.trace_id).toBe('even');
    expect(s.status).toBe('ready');
    expect(s.hasOlder).toBe(false);
    expect(calls).toEqual([{ trace_id: 'even', limit: 100 }]);
  });

  it('a bad field is shown and nothing is sent; editing that field clears the message', async () => {
    const calls: ExplorerQuery[] = [];
    const store = createExplorerStore(trailApi(3, calls));
    store.getState().setDraft('since', '2025-13-45T99:99');
    await store.getState().apply();
    expect(store.getState().fieldError).toMatchObject({ field: 'since' });
    expect(calls).toEqual([]);
    store.getState().setDraft('type', 'x');
    expect(store.getState().fieldError).not.toBeNull();
    store.getState().setDraft('since', '');
    expect(store.getState().fieldError).toBeNull();
  });

  it('pages back with `before` until a page comes back short', async () => {
    const calls: ExplorerQuery[] = [];
    const store = createExplorerStore(trailApi(25, calls), 10);
    await store.getState().apply();
    expect(store.getState().rows.map((r) => r.id)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(store.getState().hasOlder).toBe(true);
    await store.getState().loadOlder();
    await store.getState().loadOlder();
    expect(calls.map((c) => c.before)).toEqual([undefined, 16, 6]);
    expect(store.getState().rows.map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(store.getState().hasOlder).toBe(false);
    await store.getState().loadOlder();
    expect(calls.length).toBe(3);
  });

  it('a slower earlier answer never replaces a later one', async () => {
    const resolvers: ((list: AuditList) => void)[] = [];
    const api: ExplorerApi = { ...trailApi(0), list: () => new Promise((r) => resolvers.push(r)) };
    const store = createExplorerStore(api);
    const first = store.getState().apply();
    store.getState().setDraft('trace_id', 'b');
    const second = store.getState().apply();
    resolvers[1]?.({ events: [event(2, 'b')], next_after: null });
    await second;
    resolvers[0]?.({ events: [event(1, 'a')], next_after: null });
    await first;
    expect(store.getState().rows.map((r) => r.trace_id)).toEqual(['b']);
    expect(store.getState().applied.trace_id).toBe('b');
  });

  it('a refused list keeps the rows, says what to do, and marks the field the server named', async () => {
    const store = createExplorerStore(trailApi(2));
    await store.getState().apply();
    const failing = createExplorerStore({
      ...trailApi(0),
      list: () => Promise.reject(Object.assign(new ApiError(400, 'bad_request', 'Invalid audit query: since: must be an ISO 8601 time.'), { details: [{ field: 'since', problem: 'must be an ISO 8601 time' }] })),
    });
    await failing.getState().apply();
    expect(failing.getState().status).toBe('failed');
    expect(failing.getState().error).toBe('Invalid audit query: since: must be an ISO 8601 time. Correct it and try again.');
    expect(failing.getState().fieldError).toEqual({ field: 'since', message: 'must be an ISO 8601 time' });

    const offline = createExplorerStore({ ...trailApi(0), list: () => Promise.reject(new ApiError(0, 'network', 'Cannot reach Jarvis.')) });
    await offline.getState().apply();
    expect(offline.getState().error).toMatch(/^Cannot reach Jarvis\. Check that Jarvis is still running/);
  });

  it('filtering by a row’s trace replaces the other filters', async () => {
    const calls: ExplorerQuery[] = [];
    const store = createExplorerStore(trailApi(4, calls));
    store.getState().setDraft('type', 'test.happened');
    await store.getState().filterByTrace('odd');
    expect(calls.at(-1)).toEqual({ trace_id: 'odd', limit: 100 });
    expect(store.getState().draft).toEqual({ ...EMPTY_FILTERS, trace_id: 'odd' });
  });

  it('verifies once at a time and reports the export’s rows without the verification line', async () => {
    let release: (v: Verification) => void = () => undefined;
    let asked = 0;
    const store = createExplorerStore({
      ...trailApi(1),
      verify: () => {
        asked += 1;
        return new Promise((r) => (release = r));
      },
    });
    const first = store.getState().runVerify();
    void store.getState().runVerify();
    expect(asked).toBe(1);
    release({ ok: false, rows: 4, head_hash: 'h', checked_at: 'now', checkpoint: null, broken: { id: 3, reason: 'hash_mismatch', message: 'row 3 was edited' } });
    await first;
    expect(store.getState().verify).toMatchObject({ kind: 'done', result: { ok: false } });

    const file = await store.getState().exportTrace('odd');
    expect(file?.filename).toBe('trace-odd.jsonl');
    expect(store.getState().exporting).toEqual({ kind: 'done', traceId: 'odd', filename: 'trace-odd.jsonl', rows: 2 });
  });
});
