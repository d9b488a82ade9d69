// Runs the live feed while the page holds a token and hands back a stable "reconnect now" action.
import { useCallback, useEffect, useRef } from 'react';
import { streamUrl, type ApiClient, type StreamHandle } from '../../lib/api';
import { startLiveFeed, type LiveFeedOptions } from './live';
import type { AuditStore } from './store';

/** What the rest of the page does with the stream: stable for the page's life, or the stream reconnects. */
export type LiveListeners = Pick<LiveFeedOptions, 'onMessages' | 'onOpen'>;

export function useLiveFeed(store: AuditStore, api: ApiClient, token: string | null, onUnauthorized: () => void, listeners: LiveListeners = {}): () => void {
  const feed = useRef<StreamHandle | null>(null);
  const { onMessages, onOpen } = listeners;
  useEffect(() => {
    if (token === null) return undefined;
    const handle = startLiveFeed({
      store,
      api,
      token,
      url: streamUrl(window.location),
      onUnauthorized,
      ...(onMessages === undefined ? {} : { onMessages }),
      ...(onOpen === undefined ? {} : { onOpen }),
    });
    feed.current = handle;
    return () => {
      handle.close();
      if (feed.current === handle) feed.current = null;
    };
  }, [store, api, token, onUnauthorized, onMessages, onOpen]);
  return useCallback(() => feed.current?.retryNow(), []);
}
