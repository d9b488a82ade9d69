// Hash routes (`#/tasks/<id>`): parsed into a typed route, so every screen links the same way and a sign-in fragment is left alone.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'home' }
  | { page: 'approvals'; approvalId: string | null }
  | { page: 'task'; taskId: string }
  | { page: 'audit' }
  | { page: 'tools' }
  | { page: 'workflows' }
  | { page: 'settings' }
  /** The desktop shell's small goal window (global hotkey): the goal box alone. */
  | { page: 'quick_goal' }
  | { page: 'not_found'; path: string };

const SIMPLE = { '': 'home', approvals: 'approvals', audit: 'audit', tools: 'tools', workflows: 'workflows', settings: 'settings', 'quick-goal': 'quick_goal' } as const;

function decode(part: string): string | null {
  try {
    const value = decodeURIComponent(part);
    return value.trim() === '' ? null : value;
  } catch {
    return null;
  }
}

/** The route a fragment names. Anything that is not a `#/` path (empty, or a `#signin=` link) is Home. */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw.startsWith('/')) return { page: 'home' };
  // Query parameters after the path belong to the screen (filters), not to the route.
  const path = raw.split('?')[0] ?? '';
  const parts = path.split('/').filter((p) => p !== '');
  const [head = '', second, ...rest] = parts;
  if (rest.length > 0) return { page: 'not_found', path };
  if (head === 'tasks' && second !== undefined) {
    const taskId = decode(second);
    return taskId === null ? { page: 'not_found', path } : { page: 'task', taskId };
  }
  if (head === 'approvals') {
    if (second === undefined) return { page: 'approvals', approvalId: null };
    const approvalId = decode(second);
    return approvalId === null ? { page: 'not_found', path } : { page: 'approvals', approvalId };
  }
  if (second !== undefined || !(head in SIMPLE)) return { page: 'not_found', path };
  const page = SIMPLE[head as keyof typeof SIMPLE];
  return page === 'approvals' ? { page, approvalId: null } : { page };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'approvals':
      return route.approvalId === null ? '#/approvals' : `#/approvals/${encodeURIComponent(route.approvalId)}`;
    case 'task':
      return `#/tasks/${encodeURIComponent(route.taskId)}`;
    case 'audit':
    case 'tools':
    case 'workflows':
    case 'settings':
      return `#/${route.page}`;
    case 'quick_goal':
      return '#/quick-goal';
    case 'not_found':
      return `#${route.path}`;
    default: {
      const never: never = route;
      return never;
    }
  }
}

export const taskHref = (taskId: string) => routeHref({ page: 'task', taskId });
export const approvalHref = (approvalId: string) => routeHref({ page: 'approvals', approvalId });

/** Goes to a `#/…` route; the hashchange event updates every subscriber. */
export function navigate(route: string): void {
  const target = route.startsWith('#') ? route : `#${route}`;
  if (window.location.hash !== target) window.location.hash = target;
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return parseRoute(hash);
}
