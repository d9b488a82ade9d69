// The goal box: type what Jarvis should do, Enter asks for a plan; the text is kept across reloads and lost connections.
import { useId } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { GOAL_MAX, type GoalStore } from './goal-store';

export function GoalBox({ store, api }: { store: GoalStore; api: ApiClient }) {
  const draft = useStore(store, (s) => s.draft);
  const planning = useStore(store, (s) => s.plan.kind === 'planning');
  const hintId = useId();
  const submit = () => void store.getState().makePlan(api);
  return (
    <section className="panel goal" aria-labelledby="goal-title">
      <h2 id="goal-title">What should Jarvis do?</h2>
      <form
        className="goal-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor="goal-input" className="visually-hidden">
          Goal
        </label>
        <textarea
          id="goal-input"
          data-testid="goal-input"
          rows={2}
          maxLength={GOAL_MAX}
          value={draft}
          placeholder="For example: take a screenshot"
          aria-describedby={hintId}
          onChange={(e) => store.getState().setDraft(e.target.value)}
          onKeyDown={(e) => {
            // Enter plans; Shift+Enter makes a new line. Planning never runs anything.
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" data-testid="plan-button" aria-disabled={planning} aria-busy={planning}>
          {planning ? 'Planning…' : 'Plan'}
        </button>
      </form>
      <p id={hintId} className="muted small">
        Enter shows the plan first; nothing runs until you press Run. Shift+Enter adds a line.
      </p>
    </section>
  );
}
