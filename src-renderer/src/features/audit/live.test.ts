// The live feed: catch-up on every open, frames applied in batches, and a refused stream signing the page out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent, AuditList } from '../../../../src-shared/contract';
import type { ApiClient, AuditListQuery, SocketEvents } from '../../lib/api';
import { startLiveFeed } from './live';
import { createAuditStore, INITIAL_LIMIT } from './store';

const event = (id: number): AuditEvent => ({
  id,
  ts: '2025-01-01T00:00:00.000Z',
  trace_id: 't',
  parent_id: null,
  type: 'test.happened',
  actor: 'test',
  subject: null,
  payload: {},
  prev_hash: '',
  hash: `h${id}`,
});

function setup(list: (q: AuditListQuery) => Promise<AuditList>, listeners: { onMessages?: (m: unknown[]) => void; onOpen?: () => void } = {}) {
  const store = createAuditStore();
  const sockets: SocketEvents[] = [];
  const auditList = vi.fn(list);
  const api: ApiClient = {
    health: () => Promise.reject(new Error('unused')),
    exchangeCode: () => Promise.reject(new Error('unused')),
    verify: () => Promise.reject(new Error('unused')),
    call: () => Promise.reject(new Error('unused')),
    auditList,
  };
  const onUnauthorized = vi.fn();
  const feed = startLiveFeed({
    store,
    api,
    token: 'tok',
    url: 'ws://127.0.0.1:1/v1/stream',
    onUnauthorized,
    ...listeners,
    createSocket: (_url, _protocols, events) => {
      sockets.push(events);
      return { close: () => undefined };
    },
  });
  const socket = () => sockets.at(-1) ?? (() => { throw new Error('no socket'); })();
  return { store, auditList, onUnauthorized, feed, socket };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('startLiveFeed', () => {
  it('loads the newest rows on open, then merges live frames in one batch', async () => {
    const s = setup(async () => ({ events: [event(1), event(2)], next_after: 2 }));
    s.socket().open();
    await vi.waitFor(() => expect(s.store.getState().events).toHaveLength(2));
    expect(s.auditList).toHaveBeenCalledWith({ limit: INITIAL_LIMIT });
    expect(s.store.getState().connection).toEqual({ kind: 'open' });

    const receive = vi.spyOn(s.store.getState(), 'receive');
    s.socket().message(JSON.stringify({ type: 'audit', event: event(3) }));
    s.socket().message(JSON.stringify({ type: 'audit', event: event(2) }));
    s.socket().message('garbage');
    expect(s.store.getState().events).toHaveLength(2);
    vi.advanceTimersByTime(60);
    expect(receive).toHaveBeenCalledTimes(1);
    expect(s.store.getState().events.map((e) => e.id)).toEqual([3, 2, 1]);
    expect(s.store.getState().invalidMessages).toBe(1);
    s.feed.close();
  });

  it('after a reconnect asks only for what it missed', async () => {
    const s = setup(async (q) => (q.after === undefined ? { events: [event(5)], next_after: 5 } : { events: [event(6)], next_after: 6 }));
    s.socket().open();
    await vi.waitFor(() => expect(s.store.getState().events).toHaveLength(1));
    s.socket().close(1006, '');
    vi.advanceTimersByTime(1000);
    s.socket().open();
    await vi.waitFor(() => expect(s.store.getState().events).toHaveLength(2));
    expect(s.auditList).toHaveBeenLastCalledWith({ after: 5, limit: 500 });
    s.feed.close();
  });

  it('checks the token when the stream is refused, and signs out on an unauthorized error message', () => {
    const s = setup(async () => ({ events: [], next_after: null }));
    s.socket().close(1006, '');
    expect(s.auditList).toHaveBeenCalledWith({ limit: 1 });
    vi.advanceTimersByTime(1000);
    s.socket().open();
    s.socket().message(JSON.stringify({ type: 'error', error: { code: 'unauthorized', message: 'wrong token' } }));
    vi.advanceTimersByTime(60);
    expect(s.onUnauthorized).toHaveBeenCalledTimes(1);
    s.feed.close();
  });

  it('hands every batch of valid messages to the other screens, and tells them of each (re)connection', async () => {
    const onMessages = vi.fn();
    const onOpen = vi.fn();
    const s = setup(async () => ({ events: [], next_after: null }), { onMessages, onOpen });
    s.socket().open();
    expect(onOpen).toHaveBeenCalledTimes(1);
    const task = { task_id: 't', trace_id: 'x', status: 'running', step_id: null, step_status: null, message: 'task running' };
    s.socket().message(JSON.stringify({ type: 'task', task }));
    s.socket().message('garbage');
    vi.advanceTimersByTime(60);
    expect(onMessages).toHaveBeenCalledWith([{ type: 'task', task }]);
    s.socket().close(1006, '');
    vi.advanceTimersByTime(1000);
    s.socket().open();
    expect(onOpen).toHaveBeenCalledTimes(2);
    s.feed.close();
  });

  it('shows why the recent rows could not be loaded', async () => {
    const s = setup(() => Promise.reject(new Error('Jarvis answered HTTP 500')));
    s.socket().open();
    await vi.waitFor(() => expect(s.store.getState().loadError).toBe('Jarvis answered HTTP 500'));
    s.feed.close();
  });
});
