// The scheduler: stored schedules, one timer armed for the earliest due time (no polling), firings as `schedule` events, catch-up per missed-run policy.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { IngestInput, Ingested } from '../pipeline';
import { newId } from '../util/ids';
import { MAX_TIMER_MS, type Clock } from './clock';
import { describeTiming, nextAfter, nextRuns, occurrencesUntil, ScheduleInputError, toStored, toTiming, validateTiming, type StoredTiming } from './timing';
import { SchedulePayload, type MissedPolicy, type ScheduleCreate, type SchedulePatch, type ScheduleView } from '../../../src-shared/contract/schedules';

/** A run later than this after its due time counts as missed (sleep, restart), not as a normal firing. */
export const MISSED_GRACE_MS = 5000;
const RETRY_MS = 5000;

export interface ScheduleRow extends StoredTiming {
  id: string;
  name: string;
  payload: string;
  missed_policy: MissedPolicy;
  staleness_ms: number | null;
  status: 'active' | 'paused' | 'done';
  next_run_at: string | null;
  last_run_at: string | null;
  run_count: number;
  anchor_at: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export type Fired = { schedule: ScheduleRow; payload: SchedulePayload; ingested: Extract<Ingested, { deduped: false }> };

export interface SchedulerDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  ingest(input: IngestInput): Ingested;
  /** After the firing committed: route the goal, notify, or start the workflow. */
  dispatch(fired: Fired): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const COLUMNS = 'id, name, kind, cron, timezone, interval_ms, run_at, payload, missed_policy, staleness_ms, status, next_run_at, last_run_at, run_count, anchor_at, created_by, created_at, updated_at';

export class ScheduleNotFoundError extends Error {}

export class Scheduler {
  private timer: unknown = null;
  private armedFor: number | null = null;
  private running = false;

  constructor(private readonly d: SchedulerDeps) {}

  start(): void {
    this.running = true;
    this.wake();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  list(): ScheduleView[] {
    return (stmt(this.d.db, `SELECT ${COLUMNS} FROM schedules ORDER BY created_at, id`).all() as ScheduleRow[]).map((r) => this.view(r));
  }

  row(id: string): ScheduleRow | undefined {
    return stmt(this.d.db, `SELECT ${COLUMNS} FROM schedules WHERE id = ?`).get(id) as ScheduleRow | undefined;
  }

  get(id: string): ScheduleView | undefined {
    const r = this.row(id);
    return r ? this.view(r) : undefined;
  }

  /** What the schedule would look like, without saving (the screen's preview). Throws ScheduleInputError. */
  preview(input: ScheduleCreate): ScheduleView {
    const now = this.d.clock.now();
    const t = toStored(input.timing);
    validateTiming(t, now);
    const at = iso(now);
    return this.view({ id: '', name: input.name, ...t, payload: JSON.stringify(input.payload), missed_policy: input.missed_policy, staleness_ms: input.staleness_ms, status: 'active', next_run_at: iso(nextAfter(t, now, now) ?? now), last_run_at: null, run_count: 0, anchor_at: at, created_by: '', created_at: at, updated_at: at });
  }

  create(input: ScheduleCreate, actor: string): ScheduleView {
    const now = this.d.clock.now();
    const t = toStored(input.timing);
    validateTiming(t, now);
    const id = newId();
    const next = nextAfter(t, now, now);
    this.d.audit.transaction(() => {
      stmt(this.d.db, `INSERT INTO schedules (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL, 0, ?, ?, ?, ?)`).run(
        id, input.name, t.kind, t.cron, t.timezone, t.interval_ms, t.run_at, JSON.stringify(input.payload), input.missed_policy, input.staleness_ms, next === null ? null : iso(next), iso(now), actor, iso(now), iso(now),
      );
      this.d.audit.append({ type: 'schedule.created', actor, subject: id, payload: { schedule_id: id, name: input.name, timing: describeTiming(t), payload_kind: input.payload.kind, missed_policy: input.missed_policy, staleness_ms: input.staleness_ms, next_run_at: next === null ? null : iso(next) } });
    });
    this.rearm();
    return this.get(id) as ScheduleView;
  }

  /** Edits, pauses or resumes; a new timing or a resume starts the grid afresh from now. */
  update(id: string, patch: SchedulePatch, actor: string): ScheduleView {
    const now = this.d.clock.now();
    const out = this.d.audit.transaction(() => {
      const row = this.row(id);
      if (!row) throw new ScheduleNotFoundError(`No schedule "${id}".`);
      const t = patch.timing ? toStored(patch.timing) : row;
      if (patch.timing) validateTiming(t, now);
      const status = patch.status ?? (row.status === 'done' && patch.timing ? 'active' : row.status);
      const restart = patch.timing !== undefined || (patch.status === 'active' && row.status !== 'active');
      const anchor = restart ? now : Date.parse(row.anchor_at);
      const next = restart ? nextAfter(t, now, anchor) : row.next_run_at === null ? null : Date.parse(row.next_run_at);
      stmt(this.d.db, 'UPDATE schedules SET name = ?, kind = ?, cron = ?, timezone = ?, interval_ms = ?, run_at = ?, payload = ?, missed_policy = ?, staleness_ms = ?, status = ?, next_run_at = ?, anchor_at = ?, updated_at = ? WHERE id = ?').run(
        patch.name ?? row.name, t.kind, t.cron, t.timezone, t.interval_ms, t.run_at, patch.payload ? JSON.stringify(patch.payload) : row.payload, patch.missed_policy ?? row.missed_policy,
        patch.staleness_ms === undefined ? row.staleness_ms : patch.staleness_ms, next === null && status === 'active' ? 'done' : status, next === null ? null : iso(next), iso(anchor), iso(now), id,
      );
      const type = patch.status === 'paused' && row.status !== 'paused' ? 'schedule.paused' : patch.status === 'active' && row.status === 'paused' ? 'schedule.resumed' : 'schedule.updated';
      this.d.audit.append({ type, actor, subject: id, payload: { schedule_id: id, changed: Object.keys(patch), status, next_run_at: next === null ? null : iso(next) } });
      return this.get(id) as ScheduleView;
    });
    this.rearm();
    return out;
  }

  delete(id: string, actor: string): boolean {
    const gone = this.d.audit.transaction(() => {
      const row = this.row(id);
      if (!row) return false;
      stmt(this.d.db, 'DELETE FROM schedules WHERE id = ?').run(id);
      this.d.audit.append({ type: 'schedule.deleted', actor, subject: id, payload: { schedule_id: id, name: row.name } });
      return true;
    });
    this.rearm();
    return gone;
  }

  /** Finds a schedule by id, id prefix or name (the fastpath's words). */
  find(ref: string): ScheduleRow | undefined {
    const byId = this.row(ref) ?? (stmt(this.d.db, `SELECT ${COLUMNS} FROM schedules WHERE id LIKE ? || '%' LIMIT 2`).all(ref) as ScheduleRow[]);
    if (!Array.isArray(byId)) return byId;
    if (byId.length === 1) return byId[0];
    return stmt(this.d.db, `SELECT ${COLUMNS} FROM schedules WHERE lower(name) = lower(?) ORDER BY created_at DESC LIMIT 1`).get(ref.trim()) as ScheduleRow | undefined;
  }

  view(r: ScheduleRow): ScheduleView {
    const now = this.d.clock.now();
    const active = r.status === 'active';
    const anchor = Date.parse(r.anchor_at);
    const from = r.next_run_at ? Date.parse(r.next_run_at) - 1 : now;
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      timing: toTiming(r),
      payload: SchedulePayload.parse(JSON.parse(r.payload)),
      missed_policy: r.missed_policy,
      staleness_ms: r.staleness_ms,
      status: r.status,
      next_run_at: active ? r.next_run_at : null,
      last_run_at: r.last_run_at,
      run_count: r.run_count,
      next_runs: r.status === 'done' ? [] : nextRuns(r, active ? from : now, anchor),
      describe: describeTiming(r),
      created_by: r.created_by,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  /** Fires whatever is due, catching up per policy, then arms the timer for the next due time. */
  wake(): void {
    this.timer = null;
    this.armedFor = null;
    if (!this.running) return;
    try {
      this.fireDue();
    } catch (err) {
      // A locked or unreadable store must not take the process down: look again shortly.
      console.error('the scheduler could not read its schedules:', (err as Error).message);
      this.timer = this.d.clock.setTimer(() => this.wake(), RETRY_MS);
    }
  }

  private fireDue(): void {
    const now = this.d.clock.now();
    const due = stmt(this.d.db, `SELECT ${COLUMNS} FROM schedules WHERE status = 'active' AND next_run_at <= ? ORDER BY next_run_at LIMIT 500`).all(iso(now)) as ScheduleRow[];
    let failed = false;
    for (const row of due) {
      try {
        this.catchUp(row, now);
      } catch (err) {
        // One broken schedule must not stop the others; it is tried again shortly (a locked store clears up).
        failed = true;
        console.error(`schedule ${row.id} could not fire yet:`, (err as Error).message);
      }
    }
    this.rearm(failed ? RETRY_MS : due.length === 500 ? 0 : undefined);
  }

  private catchUp(row: ScheduleRow, now: number): void {
    const anchor = Date.parse(row.anchor_at);
    const first = Date.parse(row.next_run_at ?? '');
    const { count, times } = occurrencesUntil(row, first, now, anchor);
    const next = nextAfter(row, now, anchor);
    const last = times.at(-1) ?? first;
    if (count === 1 && now - last <= MISSED_GRACE_MS) {
      this.fire(row, last, next, { caughtUp: false });
      return;
    }
    const stale = row.staleness_ms;
    const fresh = times.filter((t) => stale === null || now - t <= stale);
    const toRun = row.missed_policy === 'skip' ? [] : row.missed_policy === 'run_once' ? fresh.slice(-1) : fresh;
    const summary = { schedule_id: row.id, name: row.name, policy: row.missed_policy, missed: count, stale: count - fresh.length, staleness_ms: stale, first_missed: iso(first), last_missed: iso(last), will_run: toRun.length };
    const claimed = this.d.audit.transaction(() => {
      if (!this.stillDue(row.id, row.next_run_at)) return false;
      this.d.audit.append({ type: 'schedule.missed', actor: 'scheduler', subject: row.id, payload: summary });
      if (toRun.length === 0) {
        this.advance(row.id, next, null, 0, now);
        this.d.audit.append({ type: 'schedule.caught_up', actor: 'scheduler', subject: row.id, payload: { schedule_id: row.id, policy: row.missed_policy, ran: 0, next_run_at: next === null ? null : iso(next) } });
      } else {
        // Parked on the first run to make, so a crash part-way resumes the catch-up instead of losing it.
        stmt(this.d.db, 'UPDATE schedules SET next_run_at = ? WHERE id = ?').run(iso(toRun[0] ?? now), row.id);
      }
      return true;
    });
    if (!claimed) return;
    toRun.forEach((t, i) => {
      const following = toRun[i + 1];
      const isLast = following === undefined;
      this.fire(row, t, isLast ? next : following, { caughtUp: true, ...(isLast ? { ran: toRun.length } : {}) });
    });
  }

  private advance(id: string, next: number | null, firedAt: number | null, runs: number, now: number): void {
    stmt(this.d.db, `UPDATE schedules SET next_run_at = ?, status = CASE WHEN ? IS NULL THEN 'done' ELSE status END, last_run_at = COALESCE(?, last_run_at), run_count = run_count + ?, updated_at = ? WHERE id = ?`).run(
      next === null ? null : iso(next), next, firedAt === null ? null : iso(firedAt), runs, iso(now), id,
    );
  }

  /** One firing: the event, its audit row and the schedule's advance in one transaction; the action after commit. */
  private fire(row: ScheduleRow, scheduledFor: number, next: number | null, info: { caughtUp: boolean; ran?: number }): void {
    const payload = SchedulePayload.parse(JSON.parse(row.payload));
    const now = this.d.clock.now();
    const ingested = this.d.audit.transaction(() => {
      if (!this.stillDue(row.id, iso(scheduledFor))) return null;
      const eventPayload: Record<string, unknown> = { schedule_id: row.id, name: row.name, kind: payload.kind, scheduled_for: iso(scheduledFor), caught_up: info.caughtUp };
      if (payload.kind === 'goal') eventPayload.goal = payload.goal;
      const ing = this.d.ingest({ channel: 'schedule', actor: 'scheduler', payload: eventPayload });
      if (ing.deduped) throw new Error('a schedule event was deduped without a dedupe key');
      this.d.audit.append({ type: 'schedule.fired', actor: 'scheduler', subject: row.id, traceId: ing.event.trace_id, payload: { schedule_id: row.id, name: row.name, event_id: ing.event.id, scheduled_for: iso(scheduledFor), caught_up: info.caughtUp, payload_kind: payload.kind } });
      this.advance(row.id, next, now, 1, now);
      if (info.ran !== undefined) this.d.audit.append({ type: 'schedule.caught_up', actor: 'scheduler', subject: row.id, traceId: ing.event.trace_id, payload: { schedule_id: row.id, policy: row.missed_policy, ran: info.ran, next_run_at: next === null ? null : iso(next) } });
      return ing;
    });
    if (ingested === null) return;
    try {
      this.d.dispatch({ schedule: row, payload, ingested });
    } catch (err) {
      this.d.audit.append({ type: 'schedule.action_failed', actor: 'scheduler', subject: row.id, traceId: ingested.event.trace_id, payload: { schedule_id: row.id, message: (err as Error).message } });
    }
  }

  /**
   * Compare-and-set inside the firing's transaction: another Jarvis process on the same store (a CLI command)
   * may have fired or edited this schedule since it was read, and a run must never happen twice.
   */
  private stillDue(id: string, expected: string | null): boolean {
    const current = stmt(this.d.db, 'SELECT status, next_run_at FROM schedules WHERE id = ?').get(id) as { status: string; next_run_at: string | null } | undefined;
    return current?.status === 'active' && current.next_run_at === expected;
  }

  /** One timer for the earliest due schedule; nothing runs between due times. */
  private rearm(forceDelay?: number): void {
    if (!this.running) return;
    const head = stmt(this.d.db, "SELECT MIN(next_run_at) AS at FROM schedules WHERE status = 'active'").get() as { at: string | null };
    const at = forceDelay !== undefined ? this.d.clock.now() + forceDelay : head.at === null ? null : Date.parse(head.at);
    if (at === this.armedFor && this.timer !== null) return;
    this.disarm();
    if (at === null) return;
    const delay = at - this.d.clock.now();
    this.armedFor = at;
    this.timer = this.d.clock.setTimer(() => (delay > MAX_TIMER_MS ? this.rearmAfterLongWait() : this.wake()), delay);
  }

  private rearmAfterLongWait(): void {
    this.timer = null;
    this.armedFor = null;
    this.rearm();
  }

  private disarm(): void {
    if (this.timer !== null) this.d.clock.clearTimer(this.timer);
    this.timer = null;
    this.armedFor = null;
  }
}

export { ScheduleInputError };
