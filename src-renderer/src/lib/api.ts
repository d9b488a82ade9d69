// Typed client of the loopback API: JSON over fetch with the bearer token, and the live stream with reconnects.
import type { ZodType } from 'zod';
import {
  API_PATHS,
  AuditList,
  ErrorBody,
  Health,
  SessionToken,
  STREAM_BEARER_PREFIX,
  STREAM_PROTOCOL,
  Verification,
  type ErrorCode,
} from '../../../src-shared/contract';

/** The server's codes, plus two for failures that never produced a server answer. */
export type ApiErrorCode = ErrorCode | 'network' | 'bad_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The envelope's details (for example each problem with its field), for screens that mark the field. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Turns a non-2xx response body into an ApiError, keeping the server's own words when it sent the envelope. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const parsed = ErrorBody.safeParse(json);
  if (parsed.success) return new ApiError(status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  const fallback: ApiErrorCode = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'internal';
  return new ApiError(status, fallback, `Jarvis answered HTTP ${status} without an explanation.`);
}

export type AuditListQuery = { limit: number; after?: number; type?: string; trace_id?: string };

export interface ApiClientOptions {
  getToken: () => string | null;
  /** Called when an authenticated call is refused: the token is gone or was replaced. */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  /** Empty means the page's own origin, which is where the API lives. */
  baseUrl?: string;
}

export interface ApiClient {
  health(): Promise<Health>;
  exchangeCode(code: string): Promise<string>;
  auditList(query: AuditListQuery): Promise<AuditList>;
  verify(): Promise<Verification>;
  /**
   * Any authenticated call, its answer checked against the contract's schema. Features keep their own
   * endpoint functions on top of this, so adding a screen never means editing this file.
   */
  call<T>(method: HttpMethod, path: string, schema: ZodType<T>, body?: unknown): Promise<T>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(
    path: string,
    schema: ZodType<T>,
    init: { method: HttpMethod; body?: unknown; auth: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.auth) {
      const token = options.getToken();
      if (token === null) throw new ApiError(401, 'unauthorized', 'Not signed in.');
      headers.authorization = `Bearer ${token}`;
    }
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(baseUrl + path, {
        method: init.method,
        headers,
        cache: 'no-store',
        credentials: 'omit',
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (err) {
      throw new ApiError(0, 'network', `Cannot reach Jarvis (${err instanceof Error ? err.message : String(err)}). Is it still running?`);
    }
    const text = await response.text();
    if (!response.ok) {
      const error = errorFromResponse(response.status, text);
      if (init.auth && response.status === 401) options.onUnauthorized();
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'bad_response', `Jarvis sent something that is not JSON for ${path}.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(response.status, 'bad_response', `Jarvis sent an unexpected answer for ${path}; the page and the server may be different versions.`);
    }
    return parsed.data;
  }

  return {
    health: () => request(API_PATHS.health, Health, { method: 'GET', auth: false }),
    exchangeCode: async (code) =>
      (await request(API_PATHS.session, SessionToken, { method: 'POST', body: { code }, auth: false })).token,
    auditList: (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      return request(`${API_PATHS.audit}?${params.toString()}`, AuditList, { method: 'GET', auth: true });
    },
    verify: () => request(API_PATHS.auditVerify, Verification, { method: 'GET', auth: true }),
    call: (method, path, schema, body) => request(path, schema, { method, auth: true, ...(body === undefined ? {} : { body }) }),
  };
}

/** The stream lives on the page's own host; only the scheme changes. */
export function streamUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API_PATHS.stream}`;
}

export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_MAX_MS = 15_000;

/** Delay before retry number `attempt` (0-based): 1 s, 2 s, 4 s, 8 s, then 15 s for good. */
export function backoffDelay(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, attempt));
}

export type StreamStatus =
  | { kind: 'stopped' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open' }
  | { kind: 'waiting'; attempt: number; retryInMs: number; reason: string };

export interface SocketEvents {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[], events: SocketEvents) => SocketHandle;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

export interface StreamOptions {
  url: string;
  token: string;
  onMessage: (data: unknown) => void;
  onStatus: (status: StreamStatus) => void;
  /** Each time a connection is established, including after a reconnect. */
  onOpen?: () => void;
  /**
   * A connection failed before it opened. Browsers hide the HTTP status of a refused upgrade,
   * so this is the cue to check by other means whether the token is still good.
   */
  onFailedAttempt?: () => void;
  createSocket?: SocketFactory;
  timers?: Timers;
}

export interface StreamHandle {
  /** Skips the remaining wait and tries at once. */
  retryNow(): void;
  close(): void;
}

const browserSocket: SocketFactory = (url, protocols, events) => {
  const ws = new WebSocket(url, protocols);
  ws.onopen = () => events.open();
  ws.onmessage = (ev) => events.message(ev.data);
  ws.onclose = (ev) => events.close(ev.code, ev.reason);
  return { close: (code, reason) => ws.close(code, reason) };
};

const browserTimers: Timers = {
  set: (fn, ms) => globalThis.setTimeout(fn, ms),
  clear: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

export function connectStream(options: StreamOptions): StreamHandle {
  const createSocket = options.createSocket ?? browserSocket;
  const timers = options.timers ?? browserTimers;
  let attempt = 0;
  // Stale sockets may still report a close after a newer one took over; the generation tells them apart.
  let generation = 0;
  let socket: SocketHandle | null = null;
  let timer: unknown = null;
  let stopped = false;

  const scheduleRetry = (reason: string) => {
    const retryInMs = backoffDelay(attempt);
    attempt += 1;
    options.onStatus({ kind: 'waiting', attempt, retryInMs, reason });
    timer = timers.set(connect, retryInMs);
  };

  function connect(): void {
    timer = null;
    const mine = ++generation;
    let opened = false;
    options.onStatus({ kind: 'connecting', attempt });
    const events: SocketEvents = {
      open: () => {
        if (mine !== generation || stopped) return;
        opened = true;
        attempt = 0;
        options.onStatus({ kind: 'open' });
        options.onOpen?.();
      },
      message: (data) => {
        if (mine === generation && !stopped) options.onMessage(data);
      },
      close: (code, reason) => {
        if (mine !== generation || stopped) return;
        socket = null;
        if (!opened) options.onFailedAttempt?.();
        const why = opened ? 'connection lost' : 'could not connect';
        scheduleRetry(reason ? `${why}: ${reason}` : code === 1000 || code === 1006 ? why : `${why} (code ${code})`);
      },
    };
    try {
      socket = createSocket(options.url, [STREAM_PROTOCOL, STREAM_BEARER_PREFIX + options.token], events);
    } catch (err) {
      // The constructor throws synchronously on a malformed URL or protocol; treat it as one failed attempt.
      socket = null;
      options.onFailedAttempt?.();
      scheduleRetry(`could not connect: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  connect();

  return {
    retryNow() {
      if (stopped || socket !== null) return;
      if (timer !== null) timers.clear(timer);
      connect();
    },
    close() {
      if (stopped) return;
      stopped = true;
      if (timer !== null) timers.clear(timer);
      timer = null;
      socket?.close(1000, 'page closed the stream');
      socket = null;
      options.onStatus({ kind: 'stopped' });
    },
  };
}
