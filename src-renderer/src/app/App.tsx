// The dashboard shell: top bar with navigation and the kill switch, the connection strip, and the screen the address names.
// The base styles come first, so each screen's own stylesheet, imported after, builds on them.
import './app.css';
import './shell.css';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../lib/api';
import { ConnectionBanner } from '../features/audit/ConnectionBanner';
import type { AuditStore } from '../features/audit/store';
import { useLiveFeed } from '../features/audit/use-live-feed';
import { HealthCard } from '../features/health/HealthCard';
import type { HealthStore } from '../features/health/store';
import { SignInPanel } from '../features/session/SignInPanel';
import { SESSION_ENDED_NOTICE, type SessionStore } from '../features/session/store';
import { KillSwitch, KillSwitchBanner } from '../features/shared/KillSwitch';
import { createLiveSync } from './live-sync';
import { Nav } from './Nav';
import { navigate, routeHref, useRoute } from './router';
import { Screen } from './Screen';
import { approvalsStore, controlsStore, detailStore, tasksStore } from './services';

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
  const sync = useMemo(() => createLiveSync({ tasks: tasksStore, details: detailStore, approvals: approvalsStore, controls: controlsStore }, api), [api]);
  useEffect(() => () => sync.close(), [sync]);
  const retry = useLiveFeed(audit, api, token, signOut, sync);
  const signedIn = token !== null;
  const route = useRoute();
  const main = useRef<HTMLElement>(null);

  // A new screen is announced by moving focus to its region, as a page load would, without scrolling the bar away;
  // unless the screen already placed focus itself (a dialog it opened).
  const href = routeHref(route);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const region = main.current;
    if (region && !region.contains(document.activeElement)) region.focus({ preventScroll: true });
  }, [href]);

  // The desktop shell's goal window shows the goal box alone: no bar, no navigation.
  if (route.page === 'quick_goal') {
    return (
      <main id="main" ref={main} tabIndex={-1} className="main quick">
        {signedIn ? <Screen route={route} api={api} navigate={navigate} health={health} audit={audit} /> : <SignInPanel session={session} />}
      </main>
    );
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        main.current?.focus();
      }}>
        Skip to content
      </a>
      <header className="topbar">
        <h1 className="brand">Jarvis</h1>
        {signedIn && <Nav route={route} approvals={approvalsStore} />}
        {signedIn && <KillSwitch store={controlsStore} api={api} />}
      </header>
      <div className="statusbar">
        <ConnectionBanner store={audit} signedIn={signedIn} onRetry={retry} />
        {signedIn && <KillSwitchBanner store={controlsStore} />}
      </div>
      <main id="main" ref={main} tabIndex={-1} className="main" aria-label="Screen">
        {signedIn && notice !== null && (
          <div className="notice notice-row" role="alert" data-testid="signin-notice">
            <span>{notice}</span>
            <button type="button" className="link-button" onClick={() => session.getState().dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
        {signedIn ? (
          <Screen route={route} api={api} navigate={navigate} health={health} audit={audit} />
        ) : (
          <div className="layout">
            <div className="content">
              <SignInPanel session={session} />
            </div>
            <aside className="side">
              <HealthCard store={health} api={api} />
            </aside>
          </div>
        )}
      </main>
    </div>
  );
}
