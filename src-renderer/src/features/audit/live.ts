// Keeps the audit store in step with the server: one stream, a catch-up load on every open, frames applied in batches.
import type { ServerMessage } from '../../../../src-shared/contract';
import { connectStream, type ApiClient, type SocketFactory, type StreamHandle } from '../../lib/api';
import { fetchCatchUp, type AuditStore } from './store';

/** Frames arriving together are applied in one store update, so a burst costs one render, not hundreds. */
const BATCH_MS = 50;

export interface LiveFeedOptions {
  store: AuditStore;
  api: ApiClient;
  token: string;
  url: string;
  /** The stream said the token is no good. */
  onUnauthorized: () => void;
  /** Every batch of valid messages, after the audit store took its rows: the other screens follow tasks and approvals here. */
  onMessages?: (messages: ServerMessage[]) => void;
  /** Each (re)connection, so the other screens can catch up on what they missed while it was down. */
  onOpen?: () => void;
  createSocket?: SocketFactory;
}

export function startLiveFeed(options: LiveFeedOptions): StreamHandle {
  const { store, api } = options;
  let pending: unknown[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const flush = () => {
    flushTimer = undefined;
    const frames = pending;
    pending = [];
    const messages = store.getState().receive(frames);
    if (messages.some((m) => m.type === 'error' && m.error.code === 'unauthorized')) options.onUnauthorized();
    else if (messages.length > 0) options.onMessages?.(messages);
  };

  const catchUp = async () => {
    try {
      const events = await fetchCatchUp(api.auditList, store.getState().events[0]?.id ?? null);
      if (!closed) store.getState().addEvents(events);
    } catch (err) {
      // A 401 has already signed the page out through the client; anything else is shown beside the list.
      if (!closed) store.getState().setLoadError(err instanceof Error ? err.message : String(err));
    }
  };

  const handle = connectStream({
    url: options.url,
    token: options.token,
    ...(options.createSocket === undefined ? {} : { createSocket: options.createSocket }),
    onStatus: (status) => {
      if (!closed) store.getState().setConnection(status);
    },
    onOpen: () => {
      void catchUp();
      options.onOpen?.();
    },
    onMessage: (data) => {
      pending.push(data);
      flushTimer ??= setTimeout(flush, BATCH_MS);
    },
    onFailedAttempt: () => {
      // Any authenticated call answers 401 if the token was refused, and the client then signs out.
      api.auditList({ limit: 1 }).catch(() => undefined);
    },
  });

  return {
    retryNow: () => handle.retryNow(),
    close() {
      closed = true;
      clearTimeout(flushTimer);
      pending = [];
      handle.close();
    },
  };
}
