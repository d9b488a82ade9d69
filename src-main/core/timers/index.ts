// Timer surface.
export { TimerService } from './service';
export type { TimerRow, TimerUnit } from './service';
