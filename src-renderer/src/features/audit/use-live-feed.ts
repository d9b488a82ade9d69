// Runs the live feed while the page holds a token and hands back a stable "reconnect now" action.
import { useCallback, useEffect, useRef } from 'react';
import { streamUrl, type ApiClient, type StreamHandle } from '../../lib/api';
import { startLiveFeed } from './live';
import type { AuditStore } from './store';

export function useLiveFeed(store: AuditStore, api: ApiClient, token: string | null, onUnauthorized: () => void): () => void {
  const feed = useRef<StreamHandle | null>(null);
  useEffect(() => {
    if (token === null) return undefined;
    const handle = startLiveFeed({ store, api, token, url: streamUrl(window.location), onUnauthorized });
    feed.current = handle;
    return () => {
      handle.close();
      if (feed.current === handle) feed.current = null;
    };
  }, [store, api, token, onUnauthorized]);
  return useCallback(() => feed.current?.retryNow(), []);
}
