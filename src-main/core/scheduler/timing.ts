// Schedule timing: validating cron (croner, five fields, a zone), intervals and one-shots, and listing their occurrences.
import { Cron } from 'croner';
import { isTimeZone, type ScheduleTiming } from '../../../src-shared/contract/schedules';

export type ScheduleKind = 'cron' | 'interval' | 'once';

/** A timing the person got wrong, naming the field. */
export class ScheduleInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface StoredTiming {
  kind: ScheduleKind;
  cron: string | null;
  timezone: string | null;
  interval_ms: number | null;
  run_at: string | null;
}

export function toStored(t: ScheduleTiming): StoredTiming {
  if ('cron' in t) return { kind: 'cron', cron: t.cron.trim().split(/\s+/).join(' '), timezone: t.timezone ?? 'UTC', interval_ms: null, run_at: null };
  if ('every_ms' in t) return { kind: 'interval', cron: null, timezone: null, interval_ms: t.every_ms, run_at: null };
  return { kind: 'once', cron: null, timezone: null, interval_ms: null, run_at: new Date(t.at).toISOString() };
}

export function toTiming(s: StoredTiming): ScheduleTiming {
  if (s.kind === 'cron') return { cron: s.cron ?? '', timezone: s.timezone ?? 'UTC' };
  if (s.kind === 'interval') return { every_ms: s.interval_ms ?? 0 };
  return { at: s.run_at ?? '' };
}

const crons = new Map<string, Cron>();

/** A parsed cron, cached by text and zone; throws ScheduleInputError naming timing.cron or timing.timezone. */
export function cronOf(expr: string, timezone: string): Cron {
  const key = `${timezone} ${expr}`;
  const cached = crons.get(key);
  if (cached) return cached;
  if (expr.split(/\s+/).length !== 5) throw new ScheduleInputError('timing.cron', 'must have exactly five fields: minute hour day-of-month month day-of-week');
  if (!isTimeZone(timezone)) throw new ScheduleInputError('timing.timezone', `"${timezone}" is not an IANA time zone`);
  let cron: Cron;
  try {
    cron = new Cron(expr, { timezone, paused: true });
  } catch (err) {
    throw new ScheduleInputError('timing.cron', `"${expr}" is not a valid cron expression (${(err as Error).message.replace(/^CronPattern: /, '')})`);
  }
  if (cron.nextRun(new Date()) === null) throw new ScheduleInputError('timing.cron', `"${expr}" never runs`);
  if (crons.size > 50_000) crons.clear();
  crons.set(key, cron);
  return cron;
}

/** The first occurrence strictly after `after` (ms), or null when there is none (a one-shot already past). */
export function nextAfter(s: StoredTiming, after: number, anchor: number): number | null {
  switch (s.kind) {
    case 'cron':
      return cronOf(s.cron ?? '', s.timezone ?? 'UTC').nextRun(new Date(after))?.getTime() ?? null;
    case 'interval': {
      const iv = s.interval_ms ?? 1000;
      // Occurrences sit on the anchor's grid, so a restart does not drift the schedule.
      const k = Math.floor((after - anchor) / iv) + 1;
      return anchor + Math.max(1, k) * iv;
    }
    case 'once': {
      const at = Date.parse(s.run_at ?? '');
      return at > after ? at : null;
    }
    default: {
      const never: never = s.kind;
      throw new Error(`unknown schedule kind ${String(never)}`);
    }
  }
}

/** Occurrences from `first` (an occurrence itself) up to and including `until`: their count and the last `cap` of them. */
export function occurrencesUntil(s: StoredTiming, first: number, until: number, anchor: number, cap = 1000): { count: number; times: number[] } {
  if (first > until) return { count: 0, times: [] };
  if (s.kind === 'once') return { count: 1, times: [first] };
  if (s.kind === 'interval') {
    const iv = s.interval_ms ?? 1000;
    const count = Math.floor((until - first) / iv) + 1;
    const from = Math.max(0, count - cap);
    const times: number[] = [];
    for (let i = from; i < count; i++) times.push(first + i * iv);
    return { count, times };
  }
  const times: number[] = [first];
  let count = 1;
  let t: number | null = first;
  for (;;) {
    t = nextAfter(s, t, anchor);
    if (t === null || t > until) break;
    count++;
    times.push(t);
    if (times.length > cap) times.shift();
  }
  return { count, times };
}

/** The next n runs after `after`, as ISO strings (the preview). */
export function nextRuns(s: StoredTiming, after: number, anchor: number, n = 5): string[] {
  const out: string[] = [];
  let t: number | null = after;
  if (s.kind === 'once') {
    const at = Date.parse(s.run_at ?? '');
    return at > after ? [new Date(at).toISOString()] : [];
  }
  while (out.length < n) {
    t = nextAfter(s, t, anchor);
    if (t === null) break;
    out.push(new Date(t).toISOString());
  }
  return out;
}

export function describeTiming(s: StoredTiming): string {
  if (s.kind === 'cron') return `cron ${s.cron ?? ''} (${s.timezone ?? 'UTC'})`;
  if (s.kind === 'interval') {
    const ms = s.interval_ms ?? 0;
    const [n, unit] = ms % 3_600_000 === 0 ? [ms / 3_600_000, 'hour'] : ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [ms / 1000, 'second'];
    return `every ${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return `once at ${s.run_at ?? ''}`;
}

/** Checks a timing fully (cron syntax, zone, a one-shot in the future); throws ScheduleInputError. */
export function validateTiming(s: StoredTiming, now: number): void {
  if (s.kind === 'cron') cronOf(s.cron ?? '', s.timezone ?? 'UTC');
  if (s.kind === 'once' && Date.parse(s.run_at ?? '') <= now) throw new ScheduleInputError('timing.at', `${s.run_at ?? ''} is in the past`);
}
