// Autonomy level: how much Jarvis may do without asking. Chosen, then applied with a button, so a stray key never changes it.
import { useState } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { AUTONOMY, AUTONOMY_MEANING, type Autonomy, type ControlsStore } from '../shared/controls-store';

export function AutonomyControl({ store, api }: { store: ControlsStore; api: ApiClient }) {
  const current = useStore(store, (s) => s.controls?.autonomy ?? null);
  const pending = useStore(store, (s) => s.pending === 'autonomy');
  // The person's pick until they apply it; null follows the server's level.
  const [picked, setPicked] = useState<Autonomy | null>(null);
  const shown = picked ?? current ?? 'A2';
  const changed = current !== null && shown !== current;
  return (
    <section className="panel autonomy" aria-labelledby="autonomy-title">
      <h2 id="autonomy-title">
        Autonomy{' '}
        <span className="badge" data-testid="autonomy-current">
          {current ?? '…'}
        </span>
      </h2>
      <form
        className="autonomy-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!changed || pending) return;
          await store.getState().setAutonomy(api, shown);
          setPicked(null);
        }}
      >
        <label htmlFor="autonomy-select">Level</label>
        <select id="autonomy-select" data-testid="autonomy-select" value={shown} onChange={(e) => setPicked(e.target.value as Autonomy)} disabled={current === null}>
          {AUTONOMY.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
        <button type="submit" data-testid="autonomy-apply" aria-disabled={!changed || pending} aria-busy={pending}>
          {pending ? 'Applying…' : 'Apply'}
        </button>
      </form>
      <p className="muted small autonomy-meaning">{AUTONOMY_MEANING[shown]}</p>
    </section>
  );
}
