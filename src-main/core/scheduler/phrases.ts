// Spoken schedules ("every weekday at 8am", "every 30 minutes") → a timing; the fastpath's schedule.create reads these.
import type { ScheduleTiming, SchedulePayload } from '../../../src-shared/contract/schedules';

const DAYS: Record<string, string> = { sunday: '0', monday: '1', tuesday: '2', wednesday: '3', thursday: '4', friday: '5', saturday: '6' };

/** "8am", "7:30", "18:05", "noon" → [hour, minute], or null. */
export function parseClock(text: string): [number, number] | null {
  const t = text.trim().toLowerCase();
  if (t === 'noon') return [12, 0];
  if (t === 'midnight') return [0, 0];
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (m[3] === 'pm' && h < 12) h += 12;
  if (m[3] === 'am' && h === 12) h = 0;
  if (h > 23 || min > 59 || (m[3] && Number(m[1]) > 12)) return null;
  return [h, min];
}

/** The local zone of this machine, for schedules a person says in words. */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

/**
 * "weekday" | "day" | "monday" | "weekend" | "30 minutes" | "hour", with an optional "at 8am" → a timing.
 * Throws with words when it cannot tell.
 */
export function phraseToTiming(every: string, at: string | undefined, timezone = localZone()): ScheduleTiming {
  const e = every.trim().toLowerCase().replace(/s$/, '');
  const interval = /^(?:(\d+)\s+)?(second|sec|minute|min|hour|hr)$/.exec(e);
  if (interval) {
    if (at) throw new Error(`"every ${every} at ${at}" mixes an interval with a time of day; say one or the other.`);
    const unit = interval[2]?.startsWith('s') ? 'second' : interval[2]?.startsWith('m') ? 'minute' : 'hour';
    return { every_ms: Number(interval[1] ?? 1) * (UNIT_MS[unit] ?? 60_000) };
  }
  const clock = at === undefined ? [9, 0] : parseClock(at);
  if (!clock) throw new Error(`"${at ?? ''}" is not a time of day I understand (try 8am, 7:30 or 18:00).`);
  const [h, m] = clock as [number, number];
  const dow = e === 'weekday' ? '1-5' : e === 'weekend' ? '0,6' : e === 'day' || e === 'morning' || e === 'night' ? '*' : DAYS[e];
  if (dow === undefined) throw new Error(`"every ${every}" is not a schedule I understand (try "every weekday at 8am" or "every 30 minutes").`);
  return { cron: `${m} ${h} * * ${dow}`, timezone };
}

/** "remind me to X" becomes a reminder notification; anything else is a goal routed when it fires. */
export function phraseToPayload(goal: string): SchedulePayload {
  const remind = /^remind\s+me\s+(?:to\s+)?(?<what>.+)$/i.exec(goal.trim());
  if (remind?.groups?.what) return { kind: 'notify', text: `Reminder: ${remind.groups.what}` };
  return { kind: 'goal', goal: goal.trim() };
}
