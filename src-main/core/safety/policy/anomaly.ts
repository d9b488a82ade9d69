// The anomaly guard: notices a source calling a tool far faster than it usually does, or being refused again and again.

export interface AnomalyOptions {
  /** A burst is this many times the usual rate… */
  burstFactor: number;
  /** …and never fewer calls than this in a minute. */
  minBurstPerMinute: number;
  /** This many refusals of one source within denialWindowMs is an anomaly. */
  denialsToPause: number;
  denialWindowMs: number;
}

export const DEFAULT_ANOMALY_OPTIONS: Readonly<AnomalyOptions> = Object.freeze({ burstFactor: 10, minBurstPerMinute: 30, denialsToPause: 5, denialWindowMs: 60_000 });

export type AnomalyFinding =
  | { kind: 'burst'; source: string; tool: string; rate_per_minute: number; usual_per_minute: number }
  | { kind: 'repeated_denials'; source: string; denials: number; window_ms: number };

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;
const SLOTS = MINUTE_MS / SECOND_MS;
/** Weight of the newest completed minute in the usual rate: slow, so a burst barely moves it. */
const USUAL_WEIGHT = 0.1;
/** A tool never seen before is taken to run about once a minute, not never. */
const USUAL_FLOOR = 1;
/** Forgotten state is swept out every this many calls, so the guard's memory stays bounded. */
const SWEEP_EVERY = 1024;

interface CallState {
  usual: number;
  /** The minute (now / 60 000, floored) being counted, and its calls so far. */
  minute: number;
  minuteCount: number;
  /** Calls per second over the last minute: slot i holds second `second[i]`. Bounded however fast calls come. */
  slotCount: number[];
  slotSecond: number[];
  last: number;
  inBurst: boolean;
}

interface DenialState {
  /** The newest refusals, at most denialsToPause of them: older ones cannot change a verdict. */
  times: number[];
  last: number;
  inEpisode: boolean;
}

/**
 * Pure state over an injected clock: the gate feeds it every call it lets through and every refusal,
 * and acts on what it returns. Each finding is reported once per episode; an episode ends when the
 * rate falls back to half of what set it off.
 */
export class AnomalyGuard {
  private readonly opts: AnomalyOptions;
  private readonly calls = new Map<string, CallState>();
  private readonly denials = new Map<string, DenialState>();
  private sinceSweep = 0;

  constructor(opts: Partial<AnomalyOptions> = {}) {
    this.opts = { ...DEFAULT_ANOMALY_OPTIONS, ...definedOnly(opts) };
    const { burstFactor, minBurstPerMinute, denialsToPause, denialWindowMs } = this.opts;
    if (!(Number.isFinite(burstFactor) && burstFactor >= 1)) throw new RangeError(`burstFactor must be a number, at least 1 (got ${String(burstFactor)})`);
    if (!(Number.isFinite(minBurstPerMinute) && minBurstPerMinute >= 1)) throw new RangeError(`minBurstPerMinute must be at least 1 (got ${String(minBurstPerMinute)})`);
    if (!(Number.isInteger(denialsToPause) && denialsToPause >= 1)) throw new RangeError(`denialsToPause must be a whole number, at least 1 (got ${String(denialsToPause)})`);
    if (!(Number.isFinite(denialWindowMs) && denialWindowMs > 0)) throw new RangeError(`denialWindowMs must be a positive number (got ${String(denialWindowMs)})`);
  }

  recordCall(source: string, tool: string, now: number): AnomalyFinding | null {
    this.maybeSweep(now);
    const key = JSON.stringify([source, tool]);
    let s = this.calls.get(key);
    if (!s) {
      const start = Number.isFinite(now) ? now : 0;
      s = { usual: USUAL_FLOOR, minute: minuteOf(start), minuteCount: 0, slotCount: new Array<number>(SLOTS).fill(0), slotSecond: new Array<number>(SLOTS).fill(-Infinity), last: start, inBurst: false };
      this.calls.set(key, s);
    }
    // A clock that steps back must not hide calls: they count as happening at the latest time seen.
    const t = Number.isFinite(now) ? Math.max(now, s.last) : s.last;
    s.last = t;
    settle(s, minuteOf(t));
    s.minuteCount += 1;
    const second = Math.floor(t / SECOND_MS);
    const slot = ((second % SLOTS) + SLOTS) % SLOTS;
    if (s.slotSecond[slot] !== second) {
      s.slotSecond[slot] = second;
      s.slotCount[slot] = 0;
    }
    s.slotCount[slot] = (s.slotCount[slot] ?? 0) + 1;

    const rate = lastMinuteCount(s, second);
    const threshold = Math.max(this.opts.minBurstPerMinute, this.opts.burstFactor * s.usual);
    if (s.inBurst && rate <= threshold / 2) s.inBurst = false;
    if (s.inBurst || rate <= threshold) return null;
    s.inBurst = true;
    return { kind: 'burst', source, tool, rate_per_minute: rate, usual_per_minute: Math.round(s.usual * 100) / 100 };
  }

  recordDenial(source: string, now: number): AnomalyFinding | null {
    this.maybeSweep(now);
    let d = this.denials.get(source);
    if (!d) {
      d = { times: [], last: Number.isFinite(now) ? now : 0, inEpisode: false };
      this.denials.set(source, d);
    }
    const t = Number.isFinite(now) ? Math.max(now, d.last) : d.last;
    d.last = t;
    d.times.push(t);
    if (d.times.length > this.opts.denialsToPause) d.times.splice(0, d.times.length - this.opts.denialsToPause);
    const count = d.times.filter((x) => t - x < this.opts.denialWindowMs).length;
    if (d.inEpisode && count <= Math.floor(this.opts.denialsToPause / 2)) d.inEpisode = false;
    if (d.inEpisode || count < this.opts.denialsToPause) return null;
    d.inEpisode = true;
    return { kind: 'repeated_denials', source, denials: count, window_ms: this.opts.denialWindowMs };
  }

  /** The usual calls per minute for a source and tool, as the guard sees it now (the floor if never seen). */
  usualRate(source: string, tool: string, now: number): number {
    const s = this.calls.get(JSON.stringify([source, tool]));
    if (!s) return USUAL_FLOOR;
    return settled(s, minuteOf(Number.isFinite(now) ? Math.max(now, s.last) : s.last)).usual;
  }

  // State that has decayed to what a newcomer would get is dropped; nothing is lost by forgetting it.
  private maybeSweep(now: number): void {
    this.sinceSweep += 1;
    if (this.sinceSweep < SWEEP_EVERY || !Number.isFinite(now)) return;
    this.sinceSweep = 0;
    for (const [key, s] of this.calls) {
      if (now - s.last < MINUTE_MS) continue;
      if (settled(s, minuteOf(now)).usual <= USUAL_FLOOR + 1e-6) this.calls.delete(key);
    }
    for (const [key, d] of this.denials) if (now - d.last >= this.opts.denialWindowMs) this.denials.delete(key);
  }
}

function minuteOf(t: number): number {
  return Math.floor(t / MINUTE_MS);
}

/** The usual rate after folding in every minute completed before `minute` (quiet minutes count as zero). */
function settled(s: CallState, minute: number): { usual: number; minute: number; minuteCount: number } {
  if (minute <= s.minute) return { usual: s.usual, minute: s.minute, minuteCount: s.minuteCount };
  let usual = USUAL_WEIGHT * s.minuteCount + (1 - USUAL_WEIGHT) * s.usual;
  usual *= (1 - USUAL_WEIGHT) ** (minute - s.minute - 1);
  return { usual: Math.max(USUAL_FLOOR, usual), minute, minuteCount: 0 };
}

function settle(s: CallState, minute: number): void {
  const next = settled(s, minute);
  s.usual = next.usual;
  s.minute = next.minute;
  s.minuteCount = next.minuteCount;
}

function lastMinuteCount(s: CallState, second: number): number {
  let total = 0;
  for (let i = 0; i < SLOTS; i += 1) if (second - (s.slotSecond[i] ?? -Infinity) < SLOTS) total += s.slotCount[i] ?? 0;
  return total;
}

function definedOnly(opts: Partial<AnomalyOptions>): Partial<AnomalyOptions> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<AnomalyOptions>;
}
