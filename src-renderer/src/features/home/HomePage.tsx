// Home: the goal box and its plan, the live tasks, the autonomy level, health, and the live audit trail.
import type { ApiClient } from '../../lib/api';
import type { ApprovalsStore } from '../approvals/store';
import { AuditStream } from '../audit/AuditStream';
import { ChainStatus } from '../audit/ChainStatus';
import type { AuditStore } from '../audit/store';
import { HealthCard } from '../health/HealthCard';
import type { HealthStore } from '../health/store';
import type { ControlsStore } from '../shared/controls-store';
import { LiveTasks } from '../tasks/LiveTasks';
import type { TasksStore } from '../tasks/store';
import { AutonomyControl } from './AutonomyControl';
import { GoalBox } from './GoalBox';
import type { GoalStore } from './goal-store';
import { PlanView } from './PlanView';
import './home.css';

export interface HomePageProps {
  api: ApiClient;
  navigate: (route: string) => void;
  goal: GoalStore;
  tasks: TasksStore;
  approvals: ApprovalsStore;
  controls: ControlsStore;
  health: HealthStore;
  audit: AuditStore;
}

export function HomePage({ api, navigate, goal, tasks, approvals, controls, health, audit }: HomePageProps) {
  return (
    <div className="layout home-layout">
      <div className="content">
        <GoalBox store={goal} api={api} />
        <PlanView
          store={goal}
          api={api}
          onStarted={(task) => {
            tasks.getState().upsert(task);
            // It may have moved on already while the answer travelled.
            void tasks.getState().refresh(api, task.task_id);
          }}
        />
        <LiveTasks tasks={tasks} approvals={approvals} api={api} navigate={navigate} />
        <AuditStream store={audit} />
      </div>
      <aside className="side" aria-label="Status">
        <AutonomyControl store={controls} api={api} />
        <HealthCard store={health} api={api} />
        <ChainStatus store={audit} api={api} />
      </aside>
    </div>
  );
}
