// Schedules contract: cron / interval / one-shot schedules, their payload, missed-run policy, and the next-runs preview.
import { z } from 'zod';

export const SCHEDULE_PATHS = { schedules: '/v1/schedules', schedule: '/v1/schedules/:id' } as const;

export const MISSED_POLICIES = ['skip', 'run_once', 'run_all'] as const;
export type MissedPolicy = (typeof MISSED_POLICIES)[number];

/** Whether the runtime knows the IANA zone; the same check runs in the page and in the core. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"');

/** What a firing does: route a goal like a typed request, notify the person, or start a stored workflow. */
export const SchedulePayload = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('goal'), goal: z.string().trim().min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('notify'), text: z.string().trim().min(1).max(10_000) }),
  z.strictObject({ kind: z.literal('workflow'), workflow_id: z.string().min(1), input: z.record(z.string(), z.unknown()).optional() }),
]);
export type SchedulePayload = z.infer<typeof SchedulePayload>;

const CronText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => v.split(/\s+/).length === 5, 'must have exactly five fields: minute hour day-of-month month day-of-week');

/** When it runs: exactly one of cron (with an optional zone), every_ms (at least 1 s) or at (one shot). */
export const ScheduleTiming = z.union([
  z.strictObject({ cron: CronText, timezone: TimeZone.optional() }),
  z.strictObject({ every_ms: z.number().int().min(1000).max(366 * 24 * 3_600_000) }),
  z.strictObject({ at: z.iso.datetime({ offset: true }) }),
]);
export type ScheduleTiming = z.infer<typeof ScheduleTiming>;

export const ScheduleCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  timing: ScheduleTiming,
  payload: SchedulePayload,
  missed_policy: z.enum(MISSED_POLICIES).default('skip'),
  /** A missed run older than this is not worth running any more (null: never too old). */
  staleness_ms: z.number().int().min(1000).max(366 * 24 * 3_600_000).nullable().default(null),
});
export type ScheduleCreate = z.infer<typeof ScheduleCreate>;

export const SchedulePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    timing: ScheduleTiming.optional(),
    payload: SchedulePayload.optional(),
    missed_policy: z.enum(MISSED_POLICIES).optional(),
    staleness_ms: z.number().int().min(1000).max(366 * 24 * 3_600_000).nullable().optional(),
    status: z.enum(['active', 'paused']).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type SchedulePatch = z.infer<typeof SchedulePatch>;

export const ScheduleView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['cron', 'interval', 'once']),
  timing: ScheduleTiming,
  payload: SchedulePayload,
  missed_policy: z.enum(MISSED_POLICIES),
  staleness_ms: z.number().nullable(),
  status: z.enum(['active', 'paused', 'done']),
  next_run_at: z.string().nullable(),
  last_run_at: z.string().nullable(),
  run_count: z.number(),
  /** The next five runs (fewer for a one-shot), ISO times, for the preview. */
  next_runs: z.array(z.string()),
  /** The timing in words, e.g. "cron 0 8 * * 1-5 (Europe/Paris)". */
  describe: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ScheduleView = z.infer<typeof ScheduleView>;

export const ScheduleList = z.object({ schedules: z.array(ScheduleView) });
export type ScheduleList = z.infer<typeof ScheduleList>;

/** A preview without saving: POST /v1/schedules?preview=1 answers the would-be view. */
export const SchedulePreviewQuery = z.object({ preview: z.enum(['0', '1']).optional() });
