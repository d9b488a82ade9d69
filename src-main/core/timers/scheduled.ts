// timer.set as a one-shot schedule that notifies: it survives restarts and is caught up like any schedule.
import type { Scheduler } from '../scheduler';
import type { TimerUnit } from './service';

const UNIT_MS: Record<TimerUnit, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

export function scheduledTimers(scheduler: Scheduler, now: () => number) {
  return {
    create(input: { amount: number; unit: TimerUnit; label?: string | undefined; traceId: string }): { id: string; due_at: string; label: string } {
      const label = input.label ?? `${input.amount} ${input.unit}(s)`;
      const at = new Date(now() + input.amount * UNIT_MS[input.unit]).toISOString();
      // run_once: a timer that fell due while Jarvis was stopped still goes off once at start-up.
      const view = scheduler.create({ name: `timer: ${label}`, timing: { at }, payload: { kind: 'notify', text: `Timer done: ${label}.` }, missed_policy: 'run_once', staleness_ms: null }, 'timer');
      return { id: view.id, due_at: at, label };
    },
  };
}
