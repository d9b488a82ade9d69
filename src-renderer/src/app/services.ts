// The page's single instances of each store and the API client, wired so a refused token signs the page out everywhere.
import { createApiClient } from '../lib/api';
import { createApprovalsStore } from '../features/approvals/store';
import { createAuditStore } from '../features/audit/store';
import { createHealthStore } from '../features/health/store';
import { createGoalStore } from '../features/home/goal-store';
import { createSessionStore, SESSION_ENDED_NOTICE, type KeyValueStorage } from '../features/session/store';
import { createControlsStore } from '../features/shared/controls-store';
import { createDetailStore } from '../features/tasks/detail-store';
import { createTasksStore } from '../features/tasks/store';

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
export const controlsStore = createControlsStore();
export const tasksStore = createTasksStore();
export const detailStore = createDetailStore();
export const approvalsStore = createApprovalsStore();
// The draft outlives the token on purpose: typing is never lost, not even to a sign-out.
export const goalStore = createGoalStore(pageSessionStorage());

export const api = createApiClient({
  getToken: () => sessionStore.getState().token,
  onUnauthorized: () => {
    if (sessionStore.getState().token !== null) sessionStore.getState().signOut(SESSION_ENDED_NOTICE);
  },
});

// Rows and chain results belong to the token that fetched them.
sessionStore.subscribe((state, previous) => {
  if (state.token === previous.token) return;
  auditStore.getState().reset();
  controlsStore.getState().reset();
  tasksStore.getState().reset();
  detailStore.getState().reset();
  approvalsStore.getState().reset();
});
