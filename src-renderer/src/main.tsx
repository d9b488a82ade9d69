// Entry point: redeems a sign-in link if the page was opened with one, then mounts the dashboard.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { api, auditStore, healthStore, sessionStore } from './app/services';
import { hashWithoutSignin, parseSigninHash } from './features/session/store';
import './app/app.css';

// Outside React on purpose: a code works once, and a component effect may run twice.
function redeemSigninLink(): void {
  const code = parseSigninHash(window.location.hash);
  if (code === null) return;
  // Drop the code from the address first, so a reload or the history never replays it.
  const { pathname, search, hash } = window.location;
  window.history.replaceState(window.history.state, '', pathname + search + hashWithoutSignin(hash));
  void sessionStore.getState().exchange(code, api.exchangeCode);
}

redeemSigninLink();
// A link pasted into a tab that already shows the page changes only the fragment, which does not reload it.
window.addEventListener('hashchange', redeemSigninLink);

const root = document.getElementById('root');
if (root === null) throw new Error('The page is missing its #root element.');
createRoot(root).render(
  <StrictMode>
    <App session={sessionStore} health={healthStore} audit={auditStore} api={api} />
  </StrictMode>,
);
