// timer.set: a one-shot timer that notifies the person when it goes off.
import { z } from 'zod';
import { NO_PERMISSIONS, type ToolDefinition } from '../types';

export interface TimerControl {
  create(input: { amount: number; unit: 'second' | 'minute' | 'hour'; label?: string | undefined; traceId: string }): { id: string; due_at: string; label: string };
}

const Input = z.strictObject({
  amount: z.number().positive().max(1_000_000),
  unit: z.enum(['second', 'minute', 'hour']),
  label: z.string().min(1).max(200).optional(),
});

export function timerTool(timers: TimerControl): ToolDefinition {
  return {
    name: 'timer.set',
    version: '1.0.0',
    description: 'Sets a timer; Jarvis notifies you when it goes off, even after a restart.',
    input: Input,
    output: z.object({ timer_id: z.string(), due_at: z.string(), label: z.string() }),
    permissions: NO_PERMISSIONS,
    risk: 'low',
    idempotent: false,
    runner: {
      kind: 'inline',
      run: (raw, ctx) => {
        const input = Input.parse(raw);
        const t = timers.create({ amount: input.amount, unit: input.unit, label: input.label, traceId: ctx.traceId });
        return { timer_id: t.id, due_at: t.due_at, label: t.label };
      },
    },
    source: 'builtin',
    review: 'none',
  };
}
