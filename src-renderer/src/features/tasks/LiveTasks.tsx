// Live tasks on Home: each with its progress, steps, controls and streaming log; a task waiting for a person links to its approval.
import { useStore } from 'zustand';
import type { TaskStatusView } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import type { ApprovalsStore } from '../approvals/store';
import { ErrorNotice, StatusBadge } from '../shared/ui';
import { isFinal, progressOf, type TaskAction, type TasksStore } from './store';
import { TaskLog } from './TaskLog';
import './tasks.css';

/** Finished tasks stay on Home for a while, so the outcome of what was just run is there to read. */
const RECENT_FINISHED = 6;

function actionsFor(task: TaskStatusView): TaskAction[] {
  const status = task.status;
  switch (status) {
    case 'pending':
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      // Work the kill switch or the anomaly guard paused goes on when they are released, not task by task.
      return task.paused_by === 'kill_switch' || task.paused_by === 'anomaly' ? ['cancel'] : ['resume', 'cancel'];
    case 'waiting_approval':
      return ['cancel'];
    case 'planned':
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return [];
    default: {
      const never: never = status;
      return never;
    }
  }
}

const ACTION_WORDS: Record<TaskAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel' };

export function TaskCard({ task, tasks, approvals, api, navigate }: { task: TaskStatusView; tasks: TasksStore; approvals: ApprovalsStore; api: ApiClient; navigate: (route: string) => void }) {
  const acting = useStore(tasks, (s) => s.acting[task.task_id] ?? null);
  const actionError = useStore(tasks, (s) => s.actionErrors[task.task_id] ?? null);
  const approvalId = useStore(approvals, (s) => Object.values(s.byId).find((a) => a.task_id === task.task_id && a.status === 'pending')?.id ?? null);
  const { done, total } = progressOf(task);
  const titleId = `task-${task.task_id}-title`;
  return (
    <li className="task-card" data-testid="task-card" data-task-id={task.task_id} data-status={task.status} aria-labelledby={titleId}>
      <div className="task-head">
        <a id={titleId} className="task-goal" href={`#/tasks/${encodeURIComponent(task.task_id)}`}>
          {task.goal}
        </a>
        <StatusBadge status={task.status} testId="task-status" />
      </div>
      <div className="task-progress">
        <progress max={Math.max(total, 1)} value={done} aria-label={`Steps done for “${task.goal}”`} />
        <span className="small muted" data-testid="task-progress">
          {done} of {total} step{total === 1 ? '' : 's'}
        </span>
      </div>
      <ol className="step-chips" aria-label="Steps">
        {task.steps.map((s) => (
          <li key={s.id} className="step-chip" data-testid="task-step" data-step-id={s.id} data-status={s.status}>
            <span className="muted">{s.id}</span> <code>{s.action}</code> <StatusBadge status={s.status} testId="step-status" />
          </li>
        ))}
      </ol>
      {task.status === 'waiting_approval' && (
        <div className="notice notice-warn notice-row" role="status">
          <span>Waiting for a person: {approvalId ? 'an approval is needed before the next step runs.' : 'a step needs a decision.'}</span>
          <button type="button" data-testid="review-approval" onClick={() => navigate(approvalId ? `#/approvals/${encodeURIComponent(approvalId)}` : `#/tasks/${encodeURIComponent(task.task_id)}`)}>
            {approvalId ? 'Review approval' : 'Open task'}
          </button>
        </div>
      )}
      {task.status === 'paused' && task.paused_by && (
        <p className="small muted" data-testid="paused-by">
          {task.paused_by === 'kill_switch' ? 'Paused by the kill switch: it goes on when you press Release.' : 'Paused after unusual activity from its source; resume the source in Settings.'}
        </p>
      )}
      {isFinal(task.status) && task.reply && (
        <p className="reply" data-testid="task-reply">
          {task.reply}
        </p>
      )}
      {task.error && <p className="tone-bad small">{task.error.message}</p>}
      <TaskLog store={tasks} api={api} traceId={task.trace_id} label={`Log of “${task.goal}”`} />
      {actionError && <ErrorNotice>{actionError}</ErrorNotice>}
      <div className="button-row">
        {actionsFor(task).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'cancel' ? 'secondary danger' : 'secondary'}
            aria-disabled={acting !== null}
            onClick={() => void tasks.getState().control(api, task.task_id, action)}
          >
            {acting === action ? `${ACTION_WORDS[action]}…` : ACTION_WORDS[action]}
          </button>
        ))}
        <a className="link" href={`#/tasks/${encodeURIComponent(task.task_id)}`}>
          Details
        </a>
      </div>
    </li>
  );
}

export function LiveTasks({ tasks, approvals, api, navigate }: { tasks: TasksStore; approvals: ApprovalsStore; api: ApiClient; navigate: (route: string) => void }) {
  const byId = useStore(tasks, (s) => s.byId);
  const order = useStore(tasks, (s) => s.order);
  const loaded = useStore(tasks, (s) => s.loaded);
  const listError = useStore(tasks, (s) => s.listError);
  const all = order.map((id) => byId[id]).filter((t): t is TaskStatusView => t !== undefined && t.status !== 'planned');
  const active = all.filter((t) => !isFinal(t.status));
  const finished = all.filter((t) => isFinal(t.status)).slice(0, RECENT_FINISHED);
  const shown = [...active, ...finished];
  return (
    <section className="panel tasks" aria-labelledby="tasks-title">
      <h2 id="tasks-title">
        Live tasks <span className="badge">{active.length} active</span>
      </h2>
      {listError && <ErrorNotice>Could not load tasks: {listError}</ErrorNotice>}
      {shown.length === 0 ? (
        <p className="muted">{loaded ? 'No tasks yet. Plan a goal above and press Run.' : 'Loading tasks…'}</p>
      ) : (
        <ul className="task-list" data-testid="task-list">
          {shown.map((t) => (
            <TaskCard key={t.task_id} task={t} tasks={tasks} approvals={approvals} api={api} navigate={navigate} />
          ))}
        </ul>
      )}
    </section>
  );
}
