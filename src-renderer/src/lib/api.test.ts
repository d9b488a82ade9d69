// The API client: error envelopes, the 401 sign-out hook, answers checked against the contract, and stream reconnects.
import { describe, expect, it, vi } from 'vitest';
import { STREAM_BEARER_PREFIX, STREAM_PROTOCOL } from '../../../src-shared/contract';
import {
  ApiError,
  backoffDelay,
  connectStream,
  createApiClient,
  errorFromResponse,
  streamUrl,
  type SocketEvents,
  type StreamStatus,
  type Timers,
} from './api';

describe('backoff', () => {
  it('doubles from 1 s and stays at 15 s', () => {
    expect(Array.from({ length: 8 }, (_, i) => backoffDelay(i))).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
  });
});

describe('errorFromResponse', () => {
  it('keeps the server’s code and words', () => {
    const err = errorFromResponse(401, JSON.stringify({ error: { code: 'unauthorized', message: 'This sign-in link was already used.' } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'This sign-in link was already used.' });
  });

  it('keeps the envelope’s details, so a screen can put each problem next to its field', () => {
    const details = [{ path: 'steps[0].tool', message: 'unknown tool "x"' }];
    const err = errorFromResponse(400, JSON.stringify({ error: { code: 'bad_request', message: 'Invalid workflow: 1 problem(s).', details } }));
    expect(err.details).toEqual(details);
    expect(errorFromResponse(404, JSON.stringify({ error: { code: 'not_found', message: 'gone' } })).details).toBeUndefined();
  });

  it('says what happened when the body is not the envelope', () => {
    expect(errorFromResponse(502, '<html>')).toMatchObject({ status: 502, code: 'internal', message: expect.stringContaining('502') });
    expect(errorFromResponse(401, '')).toMatchObject({ code: 'unauthorized' });
  });
});

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('createApiClient', () => {
  it('sends the bearer token and validates the answer', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => jsonResponse(200, { events: [], next_after: null }));
    const api = createApiClient({ getToken: () => 'tok', onUnauthorized: () => undefined, fetch });
    await expect(api.auditList({ limit: 50 })).resolves.toEqual({ events: [], next_after: null });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/v1/audit?limit=50');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer tok');
  });

  it('signs out on a 401 from an authenticated call, not from the code exchange', async () => {
    const onUnauthorized = vi.fn();
    const refused = { error: { code: 'unauthorized', message: 'no' } };
    const api = createApiClient({ getToken: () => 'tok', onUnauthorized, fetch: async () => jsonResponse(401, refused) });
    await expect(api.verify()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(api.exchangeCode('x'.repeat(20))).rejects.toMatchObject({ message: 'no' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('posts the code as JSON and returns the token', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => jsonResponse(200, { token: 'tok' }));
    const api = createApiClient({ getToken: () => null, onUnauthorized: () => undefined, fetch });
    await expect(api.exchangeCode('c'.repeat(20))).resolves.toBe('tok');
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: 'POST', body: JSON.stringify({ code: 'c'.repeat(20) }) });
  });

  it('refuses to call an authenticated route without a token', async () => {
    const fetch = vi.fn();
    const api = createApiClient({ getToken: () => null, onUnauthorized: () => undefined, fetch });
    await expect(api.verify()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reports unreachable servers and answers that break the contract', async () => {
    const down = createApiClient({ getToken: () => null, onUnauthorized: () => undefined, fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(down.health()).rejects.toMatchObject({ code: 'network', status: 0 });
    const odd = createApiClient({ getToken: () => null, onUnauthorized: () => undefined, fetch: async () => jsonResponse(200, { status: 'fine' }) });
    await expect(odd.health()).rejects.toMatchObject({ code: 'bad_response' });
  });
});

describe('streamUrl', () => {
  it('follows the page’s scheme and host', () => {
    expect(streamUrl({ protocol: 'http:', host: '127.0.0.1:7723' })).toBe('ws://127.0.0.1:7723/v1/stream');
    expect(streamUrl({ protocol: 'https:', host: 'example.test' })).toBe('wss://example.test/v1/stream');
  });
});

class FakeTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clear(id: unknown): void {
    this.pending.delete(id as number);
  }
  /** Fires the one pending timer and returns its delay. */
  fire(): number {
    const [first] = this.pending;
    if (!first) throw new Error('no timer pending');
    const [id, { fn, ms }] = first;
    this.pending.delete(id);
    fn();
    return ms;
  }
}

function harness() {
  const sockets: { url: string; protocols: string[]; events: SocketEvents; close: ReturnType<typeof vi.fn> }[] = [];
  const statuses: StreamStatus[] = [];
  const timers = new FakeTimers();
  const onOpen = vi.fn();
  const onFailedAttempt = vi.fn();
  const onMessage = vi.fn();
  const handle = connectStream({
    url: 'ws://127.0.0.1:1/v1/stream',
    token: 'tok',
    onMessage,
    onStatus: (s) => statuses.push(s),
    onOpen,
    onFailedAttempt,
    timers,
    createSocket: (url, protocols, events) => {
      const close = vi.fn();
      sockets.push({ url, protocols, events, close });
      return { close };
    },
  });
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  return { sockets, statuses, timers, onOpen, onFailedAttempt, onMessage, handle, last };
}

describe('connectStream', () => {
  it('offers the stream protocol and the bearer token as subprotocols', () => {
    const h = harness();
    expect(h.last().protocols).toEqual([STREAM_PROTOCOL, `${STREAM_BEARER_PREFIX}tok`]);
    expect(h.statuses).toEqual([{ kind: 'connecting', attempt: 0 }]);
  });

  it('retries with growing delays while it cannot connect, and starts over after a success', () => {
    const h = harness();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      h.last().events.close(1006, '');
      delays.push(h.timers.fire());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(h.onFailedAttempt).toHaveBeenCalledTimes(6);
    expect(h.statuses.at(-2)).toEqual({ kind: 'waiting', attempt: 6, retryInMs: 15000, reason: 'could not connect' });

    h.last().events.open();
    expect(h.onOpen).toHaveBeenCalledTimes(1);
    expect(h.statuses.at(-1)).toEqual({ kind: 'open' });
    h.last().events.close(1001, 'going away');
    expect(h.onFailedAttempt).toHaveBeenCalledTimes(6);
    expect(h.statuses.at(-1)).toEqual({ kind: 'waiting', attempt: 1, retryInMs: 1000, reason: 'connection lost: going away' });
  });

  it('passes frames through only from the current socket', () => {
    const h = harness();
    const first = h.last();
    first.events.open();
    first.events.message('one');
    first.events.close(1006, '');
    h.timers.fire();
    first.events.message('stale');
    first.events.close(1006, '');
    expect(h.onMessage.mock.calls).toEqual([['one']]);
    expect(h.timers.pending.size).toBe(0);
  });

  it('reconnects at once on request, and stops for good when closed', () => {
    const h = harness();
    h.last().events.close(1006, '');
    expect(h.timers.pending.size).toBe(1);
    h.handle.retryNow();
    expect(h.timers.pending.size).toBe(0);
    expect(h.sockets).toHaveLength(2);
    h.handle.retryNow();
    expect(h.sockets).toHaveLength(2);

    h.last().events.open();
    h.handle.close();
    expect(h.last().close).toHaveBeenCalledWith(1000, expect.any(String));
    h.last().events.close(1000, '');
    expect(h.timers.pending.size).toBe(0);
    expect(h.statuses.at(-1)).toEqual({ kind: 'stopped' });
  });

  it('counts a socket that cannot even be created as a failed attempt', () => {
    const timers = new FakeTimers();
    const statuses: StreamStatus[] = [];
    connectStream({
      url: 'ws://x',
      token: 'bad token',
      onMessage: () => undefined,
      onStatus: (s) => statuses.push(s),
      timers,
      createSocket: () => {
        throw new SyntaxError('invalid subprotocol');
      },
    });
    expect(statuses.at(-1)).toMatchObject({ kind: 'waiting', retryInMs: 1000, reason: 'could not connect: invalid subprotocol' });
  });
});
