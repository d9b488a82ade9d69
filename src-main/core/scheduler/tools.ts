// The scheduler's tools for the fastpath: schedule.create / list / cancel / pause / resume, as ordinary gated tools.
import { z } from 'zod';
import { NO_PERMISSIONS, type ToolDefinition } from '../tools/types';
import type { Scheduler } from './service';
import { phraseToPayload, phraseToTiming } from './phrases';

const inline = (name: string, description: string, input: z.ZodType, output: z.ZodType, risk: ToolDefinition['risk'], run: (input: never, ctx: { traceId: string }) => unknown): ToolDefinition => ({
  name,
  version: '1.0.0',
  description,
  input,
  output,
  permissions: NO_PERMISSIONS,
  risk,
  idempotent: false,
  runner: { kind: 'inline', run: (raw, ctx) => run(input.parse(raw) as never, ctx) },
  source: 'builtin',
  review: 'none',
});

const Ref = z.strictObject({ schedule: z.string().trim().min(1).max(200) });
const Changed = z.object({ schedule_id: z.string(), name: z.string(), status: z.string() });

export function schedulerTools(scheduler: Scheduler): ToolDefinition[] {
  const need = (ref: string) => {
    const row = scheduler.find(ref);
    if (!row) throw new Error(`no schedule "${ref}" (say "list schedules" to see them)`);
    return row;
  };
  const CreateInput = z.strictObject({ every: z.string().min(1).max(60), at: z.string().max(20).optional(), goal: z.string().trim().min(1).max(2000) });
  return [
    inline(
      'schedule.create',
      'Creates a recurring schedule from words: every weekday at 8am, every 30 minutes…',
      CreateInput,
      z.object({ schedule_id: z.string(), name: z.string(), describe: z.string(), next_runs: z.array(z.string()), first_run: z.string() }),
      'low',
      (input: z.infer<typeof CreateInput>) => {
        const timing = phraseToTiming(input.every, input.at);
        const view = scheduler.create({ name: input.goal.slice(0, 200), timing, payload: phraseToPayload(input.goal), missed_policy: 'skip', staleness_ms: null }, 'fastpath');
        return { schedule_id: view.id, name: view.name, describe: view.describe, next_runs: view.next_runs, first_run: view.next_runs[0] ?? 'never' };
      },
    ),
    inline('schedule.list', 'Lists the schedules', z.strictObject({}), z.object({ count: z.number(), summary: z.string() }), 'none', () => {
      const all = scheduler.list();
      const summary = all.length === 0 ? 'No schedules yet.' : all.map((s) => `${s.id.slice(0, 8)} ${s.status} ${s.name} — ${s.describe}${s.next_run_at ? `, next ${s.next_run_at}` : ''}`).join('\n');
      return { count: all.length, summary };
    }),
    inline('schedule.cancel', 'Deletes a schedule (by id, id prefix or name)', Ref, Changed, 'low', (input: z.infer<typeof Ref>) => {
      const row = need(input.schedule);
      scheduler.delete(row.id, 'fastpath');
      return { schedule_id: row.id, name: row.name, status: 'deleted' };
    }),
    inline('schedule.pause', 'Pauses a schedule', Ref, Changed, 'low', (input: z.infer<typeof Ref>) => {
      const row = need(input.schedule);
      const v = scheduler.update(row.id, { status: 'paused' }, 'fastpath');
      return { schedule_id: v.id, name: v.name, status: v.status };
    }),
    inline('schedule.resume', 'Resumes a paused schedule', Ref, Changed, 'low', (input: z.infer<typeof Ref>) => {
      const row = need(input.schedule);
      const v = scheduler.update(row.id, { status: 'active' }, 'fastpath');
      return { schedule_id: v.id, name: v.name, status: v.status };
    }),
  ];
}
