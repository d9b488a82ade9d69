// Timers: stored with their due time, armed in memory, re-armed at start-up; firing is audited in the timer's own trace.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';

const UNIT_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;
export type TimerUnit = keyof typeof UNIT_MS;

export interface TimerRow {
  id: string;
  trace_id: string;
  label: string;
  due_at: string;
  status: 'pending' | 'fired' | 'cancelled';
}

// setTimeout's longest delay; longer timers are re-armed in steps.
const MAX_DELAY_MS = 2_147_483_647;

export class TimerService {
  private readonly armed = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly onFire: (timer: TimerRow) => void,
    private readonly now: () => number = Date.now,
  ) {}

  create(input: { amount: number; unit: TimerUnit; label?: string | undefined; traceId: string }): TimerRow {
    const due = new Date(this.now() + input.amount * UNIT_MS[input.unit]);
    const timer: TimerRow = { id: newId(), trace_id: input.traceId, label: input.label ?? `${input.amount} ${input.unit}(s)`, due_at: due.toISOString(), status: 'pending' };
    stmt(this.db, 'INSERT INTO timers (id, trace_id, label, due_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(timer.id, timer.trace_id, timer.label, timer.due_at, 'pending', new Date(this.now()).toISOString());
    this.arm(timer);
    return timer;
  }

  /** Arms every pending timer; ones that fell due while Jarvis was stopped fire now. */
  start(): void {
    for (const t of stmt(this.db, "SELECT id, trace_id, label, due_at, status FROM timers WHERE status = 'pending'").all() as TimerRow[]) this.arm(t);
  }

  stop(): void {
    for (const handle of this.armed.values()) clearTimeout(handle);
    this.armed.clear();
  }

  pending(): TimerRow[] {
    return stmt(this.db, "SELECT id, trace_id, label, due_at, status FROM timers WHERE status = 'pending' ORDER BY due_at").all() as TimerRow[];
  }

  private arm(timer: TimerRow): void {
    const delay = Math.max(0, Date.parse(timer.due_at) - this.now());
    const handle = setTimeout(() => (delay > MAX_DELAY_MS ? this.arm(timer) : this.fire(timer.id)), Math.min(delay, MAX_DELAY_MS));
    handle.unref();
    this.armed.set(timer.id, handle);
  }

  private fire(id: string): void {
    this.armed.delete(id);
    try {
      this.fireNow(id);
    } catch (err) {
      // A locked or full store must not take the process down: try again shortly.
      console.error(`timer ${id} could not fire yet:`, (err as Error).message);
      const retry = setTimeout(() => this.fire(id), 5000);
      retry.unref();
      this.armed.set(id, retry);
    }
  }

  private fireNow(id: string): void {
    const fired = this.audit.transaction(() => {
      const timer = stmt(this.db, "SELECT id, trace_id, label, due_at, status FROM timers WHERE id = ? AND status = 'pending'").get(id) as TimerRow | undefined;
      if (!timer) return null;
      stmt(this.db, "UPDATE timers SET status = 'fired' WHERE id = ?").run(id);
      this.audit.append({ type: 'timer.fired', actor: 'system', subject: id, traceId: timer.trace_id, payload: { timer_id: id, label: timer.label, due_at: timer.due_at } });
      return { ...timer, status: 'fired' as const };
    });
    if (fired) this.onFire(fired);
  }
}
