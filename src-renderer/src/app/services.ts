// The page's single instances of each store and the API client, wired so a refused token signs the page out everywhere.
import { createApiClient } from '../lib/api';
import { createAuditStore } from '../features/audit/store';
import { createHealthStore } from '../features/health/store';
import { createSessionStore, SESSION_ENDED_NOTICE, type KeyValueStorage } from '../features/session/store';

function pageSessionStorage(): KeyValueStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    // Reading the property itself throws where storage is blocked.
    return null;
  }
}

export const sessionStore = createSessionStore(pageSessionStorage());
export const healthStore = createHealthStore();
export const auditStore = createAuditStore();

export const api = createApiClient({
  getToken: () => sessionStore.getState().token,
  onUnauthorized: () => {
    if (sessionStore.getState().token !== null) sessionStore.getState().signOut(SESSION_ENDED_NOTICE);
  },
});

// Rows and chain results belong to the token that fetched them.
sessionStore.subscribe((state, previous) => {
  if (state.token !== previous.token) auditStore.getState().reset();
});
