// The small goal window the desktop shell opens from its global hotkey: type, Enter shows the plan, Enter again runs it.
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { desktopBridge } from '../../lib/desktop';
import { ErrorNotice, RiskBadge } from '../shared/ui';
import { GOAL_MAX, type GoalStore } from './goal-store';
import './home.css';

export function QuickGoal({ store, api, navigate }: { store: GoalStore; api: ApiClient; navigate: (route: string) => void }) {
  const draft = useStore(store, (s) => s.draft);
  const plan = useStore(store, (s) => s.plan);
  const run = useStore(store, (s) => s.run);
  const input = useRef<HTMLTextAreaElement>(null);
  const bridge = desktopBridge();
  // Enter runs only the plan shown for exactly the text in the box; an edited goal is planned again first.
  const planned = plan.kind === 'ready' && plan.goal === draft.trim();

  useEffect(() => input.current?.focus(), []);

  const openMain = (route: string) => {
    if (bridge) void bridge.openMainWindow(route);
    else navigate(route);
  };

  const submit = async () => {
    if (!planned) {
      await store.getState().makePlan(api);
      return;
    }
    const goal = plan.goal;
    const task = await store.getState().runPlan(api);
    if (!task) return;
    if (bridge) {
      await bridge.goalSubmitted({ task_id: task.task_id, goal });
      await bridge.closeQuickGoal();
    } else navigate(`#/tasks/${encodeURIComponent(task.task_id)}`);
  };

  return (
    <section
      className="panel quick-goal"
      aria-labelledby="quick-goal-title"
      data-testid="quick-goal"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && bridge) {
          e.preventDefault();
          void bridge.closeQuickGoal();
        }
      }}
    >
      <h2 id="quick-goal-title">New goal</h2>
      <label htmlFor="quick-goal-input" className="visually-hidden">
        Goal
      </label>
      <textarea
        id="quick-goal-input"
        ref={input}
        data-testid="goal-input"
        rows={2}
        maxLength={GOAL_MAX}
        value={draft}
        placeholder="For example: take a screenshot"
        aria-describedby="quick-goal-hint"
        onChange={(e) => store.getState().setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <p id="quick-goal-hint" className="muted small">
        {planned ? 'Enter runs this plan; risky steps still ask you first.' : 'Enter shows the plan.'} {bridge ? 'Esc closes.' : ''}
      </p>
      <div className="quick-goal-plan" aria-live="polite" data-testid="plan" data-state={plan.kind}>
        {plan.kind === 'planning' && <p className="muted small">Planning…</p>}
        {plan.kind === 'failed' && <ErrorNotice testId="plan-error">{plan.message}</ErrorNotice>}
        {run.kind === 'failed' && <ErrorNotice testId="run-error">{run.message}</ErrorNotice>}
        {plan.kind === 'ready' && (
          <ol className="quick-steps">
            {plan.plan.steps.map((s) => (
              <li key={s.id} data-testid="plan-step" data-tool={s.action}>
                <code>{s.action}</code> <RiskBadge risk={s.risk} />
                {(s.confirmations ?? []).length > 0 && <span className="small muted"> asks {(s.confirmations ?? []).map((c) => (c === 'app' ? 'you here' : 'on the daemon’s screen')).join(' and ')}</span>}
              </li>
            ))}
          </ol>
        )}
      </div>
      <div className="button-row">
        <button type="button" data-testid={planned ? 'run-button' : 'plan-button'} aria-busy={plan.kind === 'planning' || run.kind === 'starting'} onClick={() => void submit()}>
          {planned ? 'Run' : 'Plan'}
        </button>
        <button type="button" className="secondary" onClick={() => openMain('#/')}>
          Open Jarvis
        </button>
      </div>
    </section>
  );
}
