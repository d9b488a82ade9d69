// The main navigation: one link per screen, the current one marked, and how many approvals wait.
import { useStore } from 'zustand';
import { pendingCount, type ApprovalsStore } from '../features/approvals/store';
import type { Route } from './router';

const LINKS: readonly { page: Route['page']; href: string; label: string }[] = [
  { page: 'home', href: '#/', label: 'Home' },
  { page: 'approvals', href: '#/approvals', label: 'Approvals' },
  { page: 'audit', href: '#/audit', label: 'Audit' },
  { page: 'tools', href: '#/tools', label: 'Tools' },
  { page: 'workflows', href: '#/workflows', label: 'Workflows' },
  { page: 'settings', href: '#/settings', label: 'Settings' },
];

export function Nav({ route, approvals }: { route: Route; approvals: ApprovalsStore }) {
  const waiting = useStore(approvals, (s) => pendingCount(s.byId));
  // A task's page belongs under Home, where tasks are started and followed.
  const current = route.page === 'task' ? 'home' : route.page;
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {LINKS.map((l) => (
          <li key={l.page}>
            <a href={l.href} aria-current={current === l.page ? 'page' : undefined} data-testid={`nav-${l.page}`}>
              {l.label}
              {l.page === 'approvals' && (
                <span className={waiting > 0 ? 'count count-on' : 'count'} data-testid="approvals-count" aria-label={`${waiting} waiting`}>
                  {waiting}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
