// Watchers: small periodic jobs (the heartbeat first) a person can enable or disable; their state survives restarts.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { Clock } from '../scheduler/clock';
import type { WatcherView } from '../../../src-shared/contract/watchers';

/** One watcher: what it checks and how often; tick throws to report a problem (kept as last_error). */
export interface Watcher {
  id: string;
  description: string;
  intervalMs: number;
  tick(now: number): void;
}

interface State {
  watcher: Watcher;
  enabled: boolean;
  ticks: number;
  lastTickAt: number | null;
  lastError: string | null;
  timer: unknown;
}

export class WatcherNotFoundError extends Error {}

export class Watchers {
  private readonly states = new Map<string, State>();
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  add(watcher: Watcher): void {
    const row = stmt(this.db, 'SELECT enabled FROM watchers WHERE id = ?').get(watcher.id) as { enabled: number } | undefined;
    this.states.set(watcher.id, { watcher, enabled: row ? row.enabled === 1 : true, ticks: 0, lastTickAt: null, lastError: null, timer: null });
    if (this.running) this.arm(watcher.id, 0);
  }

  start(): void {
    this.running = true;
    for (const id of this.states.keys()) this.arm(id, 0);
  }

  stop(): void {
    this.running = false;
    for (const s of this.states.values()) this.disarm(s);
  }

  list(): WatcherView[] {
    return [...this.states.values()].map((s) => this.view(s));
  }

  get(id: string): WatcherView | undefined {
    const s = this.states.get(id);
    return s ? this.view(s) : undefined;
  }

  /** Enables or disables a watcher, remembered across restarts and audited. */
  setEnabled(id: string, enabled: boolean, actor: string): WatcherView {
    const s = this.states.get(id);
    if (!s) throw new WatcherNotFoundError(`No watcher "${id}"; known: ${[...this.states.keys()].join(', ')}.`);
    this.audit.transaction(() => {
      stmt(this.db, 'INSERT INTO watchers (id, enabled, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at').run(id, enabled ? 1 : 0, new Date(this.clock.now()).toISOString());
      this.audit.append({ type: enabled ? 'watcher.enabled' : 'watcher.disabled', actor, subject: id, payload: { watcher: id, was: s.enabled } });
    });
    s.enabled = enabled;
    if (enabled) this.arm(id, 0);
    else this.disarm(s);
    return this.view(s);
  }

  private view(s: State): WatcherView {
    return {
      id: s.watcher.id,
      description: s.watcher.description,
      enabled: s.enabled,
      interval_ms: s.watcher.intervalMs,
      ticks: s.ticks,
      last_tick_at: s.lastTickAt === null ? null : new Date(s.lastTickAt).toISOString(),
      last_error: s.lastError,
    };
  }

  private arm(id: string, delay: number): void {
    const s = this.states.get(id);
    if (!s || !this.running || !s.enabled) return;
    this.disarm(s);
    s.timer = this.clock.setTimer(() => this.run(id), delay);
  }

  private disarm(s: State): void {
    if (s.timer !== null) this.clock.clearTimer(s.timer);
    s.timer = null;
  }

  private run(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    s.timer = null;
    if (!s.enabled || !this.running) return;
    const now = this.clock.now();
    try {
      s.watcher.tick(now);
      s.lastError = null;
    } catch (err) {
      s.lastError = (err as Error).message;
    }
    s.ticks++;
    s.lastTickAt = now;
    this.arm(id, s.watcher.intervalMs);
  }
}
