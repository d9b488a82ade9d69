// The clock the scheduler and rules read: real time (optionally offset for tests) with setTimeout, or a manual clock tests advance.
export interface Clock {
  now(): number;
  /** Calls fn once after delayMs; the handle cancels it. Never keeps the process alive. */
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

// setTimeout's longest delay; a later due time is reached in steps.
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Real time. JARVIS_CLOCK_OFFSET_MS (tests only, like JARVIS_FAULT) shifts what "now" means, so a test can
 * stop Jarvis, restart it "two minutes later" and watch the catch-up without waiting two minutes.
 */
export function systemClock(offsetMs = Number(process.env.JARVIS_CLOCK_OFFSET_MS ?? 0) || 0): Clock {
  return {
    now: () => Date.now() + offsetMs,
    setTimer(fn, delayMs) {
      const handle = setTimeout(fn, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
      handle.unref();
      return handle;
    },
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** A clock that moves only when told: advancing runs every timer that fell due, in due order. */
export class ManualClock implements Clock {
  private timers: { due: number; fn: () => void; id: number }[] = [];
  private seq = 0;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    const id = ++this.seq;
    this.timers.push({ due: this.t + Math.max(0, delayMs), fn, id });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward by ms, firing timers at their due times along the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = end;
  }

  pending(): number {
    return this.timers.length;
  }
}
