// The plan for a goal, step by step: tool, risk, what it may touch, the dry-run preview and who will be asked, then Run.
import { useStore } from 'zustand';
import type { PlanStep, TaskStatusView } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { ErrorNotice, JsonBlock, Permissions, Preview, RiskBadge } from '../shared/ui';
import type { GoalStore } from './goal-store';

function gateWords(step: PlanStep): string {
  const gate = step.gate;
  if (!gate) return step.requires_approval ? 'Asks for your approval first.' : 'Runs without asking.';
  switch (gate.decision) {
    case 'allow':
      return gate.cell === 'daemon_dialog' ? `Runs once you confirm on the daemon’s screen (${gate.reason}).` : `Runs without asking here (${gate.cell}).`;
    case 'require_approval':
      return `Asks for your approval here first (${gate.cell}).`;
    case 'deny':
      return `Will be refused: ${gate.reason}.`;
    default: {
      const never: never = gate.decision;
      return never;
    }
  }
}

function confirmWords(step: PlanStep): string {
  const who = step.confirmations ?? (step.requires_approval ? ['app'] : []);
  if (who.length === 0) return 'No confirmation needed.';
  return who.map((c) => (c === 'app' ? 'your approval in Jarvis' : 'your confirmation in the daemon’s dialog')).join(', then ');
}

function StepCard({ step, index }: { step: PlanStep; index: number }) {
  return (
    <li className="plan-step" data-testid="plan-step" data-tool={step.action} data-risk={step.risk}>
      <div className="plan-step-head">
        <span className="step-number" aria-hidden="true">
          {index + 1}
        </span>
        <code className="tool-name">{step.action}</code>
        <RiskBadge risk={step.risk} />
      </div>
      {step.description && <p className="small">{step.description}</p>}
      <dl className="facts">
        <dt>Policy</dt>
        <dd data-testid="plan-gate">{gateWords(step)}</dd>
        <dt>Confirmations</dt>
        <dd data-testid="plan-confirmations" data-confirmations={(step.confirmations ?? []).join(' ')}>
          {confirmWords(step)}
        </dd>
        <dt>Permissions</dt>
        <dd>
          <Permissions permissions={step.permissions} via={step.action.startsWith('daemon.') ? 'Nothing itself: the daemon acts, under its own whitelist' : undefined} />
        </dd>
        <dt>Preview</dt>
        <dd>
          <Preview preview={step.preview} />
        </dd>
      </dl>
      <details>
        <summary>Exact input</summary>
        <JsonBlock value={step.input} label={`Input of step ${step.id}`} />
      </details>
    </li>
  );
}

export function PlanView({ store, api, onStarted }: { store: GoalStore; api: ApiClient; onStarted: (task: TaskStatusView) => void }) {
  const plan = useStore(store, (s) => s.plan);
  const run = useStore(store, (s) => s.run);

  const body = (() => {
    switch (plan.kind) {
      case 'idle':
        return run.kind === 'started' ? (
          <p className="muted" data-testid="plan-started">
            Started: follow it under Live tasks.
          </p>
        ) : (
          <p className="muted">Type a goal and press Enter to see its plan here.</p>
        );
      case 'planning':
        return <p className="muted">Planning “{plan.goal}”…</p>;
      case 'failed':
        return <ErrorNotice testId="plan-error">{plan.message}</ErrorNotice>;
      case 'ready': {
        const refused = plan.plan.steps.some((s) => s.gate?.decision === 'deny');
        const starting = run.kind === 'starting';
        return (
          <>
            <p className="small">
              “{plan.goal}” — {plan.plan.intent ?? 'a task'} in {plan.plan.steps.length} step{plan.plan.steps.length === 1 ? '' : 's'}.
            </p>
            <ol className="plan-steps">
              {plan.plan.steps.map((step, i) => (
                <StepCard key={step.id} step={step} index={i} />
              ))}
            </ol>
            {plan.plan.memories && plan.plan.memories.length > 0 && (
              <div className="small" data-testid="plan-memories">
                <p className="muted">What Jarvis remembers that bears on this:</p>
                <ul>
                  {plan.plan.memories.map((m) => (
                    <li key={m.id}>
                      <span className="muted">{m.kind}:</span> {m.content}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {refused && <ErrorNotice>At the current autonomy level the policy will refuse a step of this plan; raise the level or change the goal.</ErrorNotice>}
            {run.kind === 'failed' && <ErrorNotice testId="run-error">{run.message}</ErrorNotice>}
            <div className="button-row">
              <button
                type="button"
                data-testid="run-button"
                aria-disabled={starting}
                aria-busy={starting}
                onClick={async () => {
                  if (starting) return;
                  const task = await store.getState().runPlan(api);
                  if (task) onStarted(task);
                }}
              >
                {starting ? 'Starting…' : 'Run'}
              </button>
              <button type="button" className="secondary" onClick={() => void store.getState().discard(api)}>
                Discard
              </button>
            </div>
          </>
        );
      }
      default: {
        const never: never = plan;
        return never;
      }
    }
  })();

  return (
    <section className="panel plan" aria-labelledby="plan-title" aria-busy={plan.kind === 'planning'} data-testid="plan" data-state={plan.kind}>
      <h2 id="plan-title">Plan</h2>
      {body}
    </section>
  );
}
