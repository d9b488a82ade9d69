// Component heartbeats in system_health; the core beats on a timer so /health can show it is alive.
import type { Db } from '../db';

export function recordHeartbeat(db: Db, component: string, status = 'ok', details: Record<string, unknown> = {}, now = new Date()): void {
  db.prepare(
    `INSERT INTO system_health (component, status, last_heartbeat, details) VALUES (?, ?, ?, ?)
     ON CONFLICT (component) DO UPDATE SET status = excluded.status, last_heartbeat = excluded.last_heartbeat, details = excluded.details`,
  ).run(component, status, now.toISOString(), JSON.stringify(details));
}

export function lastHeartbeat(db: Db, component = 'core'): string | null {
  const row = db.prepare('SELECT last_heartbeat FROM system_health WHERE component = ?').get(component) as { last_heartbeat: string } | undefined;
  return row?.last_heartbeat ?? null;
}

/** Beats now and then every interval; returns a stop function. Failures are reported, not thrown. */
export function startHeartbeat(db: Db, intervalMs: number, onError: (err: unknown) => void): () => void {
  const beat = () => {
    try {
      recordHeartbeat(db, 'core', 'ok', { pid: process.pid });
    } catch (err) {
      onError(err);
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
