// The dashboard shell: connection strip, sign-in panel when needed, health, chain check and the live audit trail.
import { useCallback } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../lib/api';
import { AuditStream } from '../features/audit/AuditStream';
import { ChainStatus } from '../features/audit/ChainStatus';
import { ConnectionBanner } from '../features/audit/ConnectionBanner';
import type { AuditStore } from '../features/audit/store';
import { useLiveFeed } from '../features/audit/use-live-feed';
import { HealthCard } from '../features/health/HealthCard';
import type { HealthStore } from '../features/health/store';
import { SignInPanel } from '../features/session/SignInPanel';
import { SESSION_ENDED_NOTICE, type SessionStore } from '../features/session/store';

export interface AppProps {
  session: SessionStore;
  health: HealthStore;
  audit: AuditStore;
  api: ApiClient;
}

export function App({ session, health, audit, api }: AppProps) {
  const token = useStore(session, (s) => s.token);
  const notice = useStore(session, (s) => s.notice);
  const signOut = useCallback(() => session.getState().signOut(SESSION_ENDED_NOTICE), [session]);
  const retry = useLiveFeed(audit, api, token, signOut);
  const signedIn = token !== null;

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">Jarvis</h1>
        <ConnectionBanner store={audit} signedIn={signedIn} onRetry={retry} />
      </header>
      <main className="layout">
        <aside className="side">
          <HealthCard store={health} api={api} />
          {signedIn && <ChainStatus store={audit} api={api} />}
        </aside>
        <div className="content">
          {signedIn && notice !== null && (
            <div className="notice notice-row" role="alert" data-testid="signin-notice">
              <span>{notice}</span>
              <button type="button" className="link-button" onClick={() => session.getState().dismissNotice()}>
                Dismiss
              </button>
            </div>
          )}
          {signedIn ? <AuditStream store={audit} /> : <SignInPanel session={session} />}
        </div>
      </main>
    </div>
  );
}
