// Timer surface: legacy stored timers, and timer.set as a one-shot schedule.
export { TimerService } from './service';
export type { TimerRow, TimerUnit } from './service';
export { scheduledTimers } from './scheduled';
