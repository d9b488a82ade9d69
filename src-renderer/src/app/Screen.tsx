// Picks the screen for the current route; the audit, tools, workflows and settings screens take { api, navigate } only.
import type { ApiClient } from '../lib/api';
import { ApprovalsPage } from '../features/approvals/ApprovalsPage';
import type { AuditStore } from '../features/audit/store';
import { AuditExplorerPage } from '../features/explorer/AuditExplorerPage';
import type { HealthStore } from '../features/health/store';
import { HomePage } from '../features/home/HomePage';
import { QuickGoal } from '../features/home/QuickGoal';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TaskDetailPage } from '../features/tasks/TaskDetailPage';
import { ToolsPage } from '../features/tools/ToolsPage';
import { WorkflowsPage } from '../features/workflows/WorkflowsPage';
import type { Route } from './router';
import { approvalsStore, controlsStore, detailStore, goalStore, tasksStore } from './services';

function Placeholder({ title, text }: { title: string; text: string }) {
  return (
    <div className="page">
      <section className="panel" aria-labelledby="placeholder-title">
        <h2 id="placeholder-title">{title}</h2>
        <p className="muted">{text}</p>
      </section>
    </div>
  );
}

export function Screen({ route, api, navigate, health, audit }: { route: Route; api: ApiClient; navigate: (route: string) => void; health: HealthStore; audit: AuditStore }) {
  switch (route.page) {
    case 'home':
      return <HomePage api={api} navigate={navigate} goal={goalStore} tasks={tasksStore} approvals={approvalsStore} controls={controlsStore} health={health} audit={audit} />;
    case 'approvals':
      return <ApprovalsPage store={approvalsStore} api={api} approvalId={route.approvalId} navigate={navigate} />;
    case 'task':
      return <TaskDetailPage key={route.taskId} taskId={route.taskId} store={detailStore} tasks={tasksStore} api={api} />;
    case 'audit':
      return <AuditExplorerPage api={api} navigate={navigate} />;
    case 'tools':
      return <ToolsPage api={api} navigate={navigate} />;
    case 'workflows':
      return <WorkflowsPage api={api} navigate={navigate} />;
    case 'settings':
      return <SettingsPage api={api} navigate={navigate} />;
    case 'quick_goal':
      return <QuickGoal store={goalStore} api={api} navigate={navigate} />;
    case 'not_found':
      return <Placeholder title="No such screen" text={`Nothing lives at “${route.path}”. Use the navigation above.`} />;
    default: {
      const never: never = route;
      return never;
    }
  }
}
