// Scheduler surface.
export { Scheduler, ScheduleNotFoundError, ScheduleInputError, MISSED_GRACE_MS } from './service';
export type { Fired, ScheduleRow, SchedulerDeps } from './service';
export { systemClock, ManualClock, type Clock } from './clock';
export { nextRuns, describeTiming, cronOf } from './timing';
export { schedulerTools } from './tools';
export { phraseToTiming, phraseToPayload, parseClock } from './phrases';
