// HeartbeatWatcher: writes the "heartbeat" component of system_health every interval, so /health can show Jarvis is alive.
import type { Db } from '../db';
import { recordHeartbeat } from '../health';
import type { Watcher } from './watcher';

export const HEARTBEAT_COMPONENT = 'heartbeat';

export function heartbeatWatcher(db: Db, intervalMs: number): Watcher {
  let beats = 0;
  return {
    id: 'heartbeat',
    description: `Writes a heartbeat to system_health every ${Math.round(intervalMs / 1000)} s`,
    intervalMs,
    tick(now) {
      beats++;
      recordHeartbeat(db, HEARTBEAT_COMPONENT, 'ok', { pid: process.pid, beats }, new Date(now));
    },
  };
}
