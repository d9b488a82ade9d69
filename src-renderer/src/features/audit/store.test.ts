// Audit rows in the page: dedupe by id, newest first, the cap, stream frames (valid and not), catch-up and verify.
import { describe, expect, it, vi } from 'vitest';
import type { AuditEvent, AuditList, Verification } from '../../../../src-shared/contract';
import type { AuditListQuery } from '../../lib/api';
import { createAuditStore, fetchCatchUp, INITIAL_LIMIT, mergeEvents, parseServerMessage } from './store';

function event(id: number, type = 'test.happened'): AuditEvent {
  return {
    id,
    ts: new Date(Date.UTC(2025, 0, 1, 0, 0, id)).toISOString(),
    trace_id: `trace-${id}`,
    parent_id: null,
    type,
    actor: 'test',
    subject: null,
    payload: {},
    prev_hash: `h${id - 1}`,
    hash: `h${id}`,
  };
}

const ids = (events: readonly AuditEvent[]) => events.map((e) => e.id);
const frame = (e: AuditEvent) => JSON.stringify({ type: 'audit', event: e });

describe('mergeEvents', () => {
  it('orders newest first whatever order rows arrive in', () => {
    expect(ids(mergeEvents([], [event(1), event(3), event(2)]))).toEqual([3, 2, 1]);
    expect(ids(mergeEvents([event(5), event(4)], [event(7), event(6), event(1)]))).toEqual([7, 6, 5, 4, 1]);
  });

  it('keeps one row per id, the one already held', () => {
    const held = event(2, 'first.copy');
    const merged = mergeEvents([held, event(1)], [event(2, 'second.copy'), event(3), event(3)]);
    expect(ids(merged)).toEqual([3, 2, 1]);
    expect(merged[1]).toBe(held);
  });

  it('drops the oldest rows beyond the cap', () => {
    const many = Array.from({ length: 20 }, (_, i) => event(i + 1));
    expect(ids(mergeEvents([], many, 5))).toEqual([20, 19, 18, 17, 16]);
    expect(ids(mergeEvents(mergeEvents([], many, 5), [event(21)], 5))).toEqual([21, 20, 19, 18, 17]);
    // A late, older row does not push out newer ones.
    expect(ids(mergeEvents(mergeEvents([], many, 5), [event(3)], 5))).toEqual([20, 19, 18, 17, 16]);
  });
});

describe('parseServerMessage', () => {
  it('accepts each kind of server message', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'hello', version: '1.2.3' }))).toEqual({ type: 'hello', version: '1.2.3' });
    expect(parseServerMessage(frame(event(1)))?.type).toBe('audit');
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(parseServerMessage('{"type":"error","error":{"code":"unauthorized","message":"no"}}')?.type).toBe('error');
  });

  it.each([
    ['bad JSON', '{"type":'],
    ['binary', new ArrayBuffer(4)],
    ['unknown type', '{"type":"gossip"}'],
    ['audit without an event', '{"type":"audit"}'],
    ['audit with a bad id', JSON.stringify({ type: 'audit', event: { ...event(1), id: -1 } })],
    ['error with an unknown code', '{"type":"error","error":{"code":"teapot","message":"x"}}'],
    ['a bare number', '42'],
  ])('rejects %s', (_name, data) => {
    expect(parseServerMessage(data)).toBeNull();
  });
});

describe('audit store', () => {
  it('applies a batch of frames: live rows merged, junk counted, hello and errors remembered', () => {
    const store = createAuditStore();
    store.getState().addEvents([event(1), event(2)]);
    const valid = store.getState().receive([
      JSON.stringify({ type: 'hello', version: '9.9.9' }),
      frame(event(3)),
      'not json',
      frame(event(2)),
      '{"type":"audit","event":{}}',
      frame(event(4)),
      '{"type":"pong","id":"p1"}',
    ]);
    expect(valid.map((m) => m.type)).toEqual(['hello', 'audit', 'audit', 'audit', 'pong']);
    const state = store.getState();
    expect(ids(state.events)).toEqual([4, 3, 2, 1]);
    expect(state.invalidMessages).toBe(2);
    expect(state.serverVersion).toBe('9.9.9');
    expect(state.streamError).toBeNull();

    store.getState().receive(['{"type":"error","error":{"code":"bad_request","message":"Messages must be JSON text."}}', 7]);
    expect(store.getState().streamError).toBe('Messages must be JSON text.');
    expect(store.getState().invalidMessages).toBe(3);
  });

  it('keeps the list at its cap as live rows keep coming', () => {
    const store = createAuditStore(10);
    store.getState().receive(Array.from({ length: 25 }, (_, i) => frame(event(i + 1))));
    expect(ids(store.getState().events)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
  });

  it('does not replace the list when a batch carries no rows', () => {
    const store = createAuditStore();
    store.getState().addEvents([event(1)]);
    const before = store.getState().events;
    store.getState().receive(['{"type":"pong"}']);
    expect(store.getState().events).toBe(before);
  });

  it('runs one verification at a time and records the outcome or the failure', async () => {
    const store = createAuditStore();
    const result: Verification = { ok: true, rows: 3, head_hash: 'h3', checked_at: '2025-01-01T00:00:00Z', checkpoint: null, broken: null };
    let resolve: (v: Verification) => void = () => undefined;
    const verify = vi.fn(() => new Promise<Verification>((r) => (resolve = r)));
    const first = store.getState().runVerify(verify);
    void store.getState().runVerify(verify);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(store.getState().verify).toEqual({ kind: 'running' });
    resolve(result);
    await first;
    expect(store.getState().verify).toEqual({ kind: 'done', result });

    await store.getState().runVerify(() => Promise.reject(new Error('Jarvis answered HTTP 500')));
    expect(store.getState().verify).toEqual({ kind: 'failed', message: 'Jarvis answered HTTP 500' });
  });

  it('forgets everything on reset', () => {
    const store = createAuditStore();
    store.getState().addEvents([event(1)]);
    store.getState().receive(['junk']);
    store.getState().setConnection({ kind: 'open' });
    store.getState().reset();
    expect(store.getState()).toMatchObject({ events: [], invalidMessages: 0, connection: { kind: 'stopped' }, verify: { kind: 'idle' } });
  });
});

describe('fetchCatchUp', () => {
  const page = (events: AuditEvent[]): AuditList => ({ events, next_after: events.at(-1)?.id ?? null });

  it('loads the newest few on a fresh page', async () => {
    const list = vi.fn(async (_q: AuditListQuery) => page([event(9), event(10)]));
    expect(ids(await fetchCatchUp(list, null))).toEqual([9, 10]);
    expect(list).toHaveBeenCalledWith({ limit: INITIAL_LIMIT });
  });

  it('after a reconnect, fills the gap from the newest held id', async () => {
    const list = vi.fn(async (_q: AuditListQuery) => page([event(11), event(12)]));
    expect(ids(await fetchCatchUp(list, 10, 5))).toEqual([11, 12]);
    expect(list).toHaveBeenCalledExactlyOnceWith({ after: 10, limit: 5 });
  });

  it('when more was missed than the page keeps, takes the newest rows instead', async () => {
    const list = vi.fn(async (q: AuditListQuery) =>
      q.after === undefined ? page([96, 97, 98, 99, 100].map((id) => event(id))) : page([11, 12, 13, 14, 15].map((id) => event(id))),
    );
    expect(ids(await fetchCatchUp(list, 10, 5))).toEqual([96, 97, 98, 99, 100]);
    expect(list.mock.calls.map(([q]) => q)).toEqual([{ after: 10, limit: 5 }, { limit: 5 }]);
  });
});
