// The rules' condition language compiled once at creation: equality, numbers, regex, time windows, an HA entity's state.
import type { Condition } from '../../../src-shared/contract/rules';
import type { MessageEvent } from '../../../src-shared/contract/events';

/** A rule the person got wrong, naming the field; `status` 403 for what the policy forbids. */
export class RuleInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 403 = 400,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface ConditionContext {
  event: MessageEvent;
  now: number;
  /** An HA entity's last known state, if the daemon reported one. */
  entity(id: string): { state: string } | undefined;
}

export type Predicate = (ctx: ConditionContext) => boolean;

/** Local wall time in a zone: minutes since midnight and the weekday (0 = Sunday). */
export function localTime(now: number, timezone: string): { minutes: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { minutes: Number(get('hour')) * 60 + Number(get('minute')), day };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether now is inside [start, end) in the zone; a window past midnight (22:00–07:00) belongs to the day
 * it started on. Also answers how many minutes remain until it ends.
 */
export function inWindow(now: number, start: string, end: string, timezone: string, days: readonly number[] = []): { inside: boolean; minutesLeft: number } {
  const { minutes, day } = localTime(now, timezone);
  const s = toMinutes(start);
  const e = toMinutes(end);
  const wraps = s > e;
  const inside = s === e ? true : wraps ? minutes >= s || minutes < e : minutes >= s && minutes < e;
  const startDay = wraps && minutes < e ? (day + 6) % 7 : day;
  const dayOk = days.length === 0 || days.includes(startDay);
  const minutesLeft = (e - minutes + 1440) % 1440 || 1440;
  return { inside: inside && dayOk, minutesLeft };
}

function read(event: MessageEvent, path: string): unknown {
  let value: unknown = event;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** Compiles one condition; everything that could fail at fire time (a bad regex) fails here instead. */
export function compileCondition(c: Condition, field: string): Predicate {
  if ('all' in c) {
    const parts = c.all.map((x, i) => compileCondition(x, `${field}.all.${i}`));
    return (ctx) => parts.every((p) => p(ctx));
  }
  if ('any' in c) {
    const parts = c.any.map((x, i) => compileCondition(x, `${field}.any.${i}`));
    return (ctx) => parts.some((p) => p(ctx));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not, `${field}.not`);
    return (ctx) => !inner(ctx);
  }
  switch (c.op) {
    case 'eq':
      return (ctx) => read(ctx.event, c.path) === c.value;
    case 'ne':
      return (ctx) => read(ctx.event, c.path) !== c.value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = c.op;
      return (ctx) => {
        const v = num(read(ctx.event, c.path));
        if (v === null) return false;
        return op === 'gt' ? v > c.value : op === 'gte' ? v >= c.value : op === 'lt' ? v < c.value : v <= c.value;
      };
    }
    case 'regex': {
      // Nested quantifiers are how a pattern backtracks for ever; refused rather than risked on every event.
      if (/\([^)]*[+*][^)]*\)[+*{]/.test(c.pattern)) throw new RuleInputError(`${field}.pattern`, 'nested quantifiers such as (a+)+ are not allowed');
      let re: RegExp;
      try {
        re = new RegExp(c.pattern, c.flags ?? '');
      } catch (err) {
        throw new RuleInputError(`${field}.pattern`, `not a valid regular expression (${(err as Error).message})`);
      }
      return (ctx) => {
        const v = read(ctx.event, c.path);
        return (typeof v === 'string' || typeof v === 'number') && re.test(String(v).slice(0, 10_000));
      };
    }
    case 'time':
      return (ctx) => inWindow(ctx.now, c.after, c.before, c.timezone ?? 'UTC', c.days).inside;
    case 'state':
      if (c.equals === undefined && c.above === undefined && c.below === undefined) throw new RuleInputError(field, 'a state condition needs equals, above or below');
      return (ctx) => {
        const state = ctx.entity(c.entity_id)?.state;
        if (state === undefined) return false;
        if (c.equals !== undefined && state !== c.equals) return false;
        const n = num(state);
        if (c.above !== undefined && (n === null || n <= c.above)) return false;
        if (c.below !== undefined && (n === null || n >= c.below)) return false;
        return true;
      };
    default: {
      const never: never = c;
      throw new RuleInputError(field, `unknown condition ${JSON.stringify(never)}`);
    }
  }
}

export function compileConditions(list: readonly Condition[]): Predicate {
  const parts = list.map((c, i) => compileCondition(c, `conditions.${i}`));
  return (ctx) => parts.every((p) => p(ctx));
}

/** A trigger's match pattern: MQTT filters (+, #) on mqtt, "*" globs elsewhere; null means any. */
export function compileMatch(channel: string, pattern: string | undefined): ((key: string) => boolean) | null {
  if (pattern === undefined) return null;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (channel === 'mqtt') {
    const parts = pattern.split('/');
    if (parts.some((p, i) => (p.includes('#') && (p !== '#' || i !== parts.length - 1)) || (p.includes('+') && p !== '+'))) throw new RuleInputError('trigger.match', 'an MQTT filter uses + for one level and # only as the last level');
    const re = new RegExp(`^${parts.map((p) => (p === '+' ? '[^/]+' : p === '#' ? '.*' : esc(p))).join('/')}$`.replace('/.*$', '(?:/.*)?$'));
    return (key) => re.test(key);
  }
  const re = new RegExp(`^${pattern.split('*').map(esc).join('.*')}$`);
  return (key) => re.test(key);
}

/** Whether the pattern names exactly one key (so the trigger index can look it up directly). */
export const isExact = (channel: string, pattern: string | undefined): pattern is string =>
  pattern !== undefined && !pattern.includes('*') && !(channel === 'mqtt' && (pattern.includes('+') || pattern.includes('#')));
