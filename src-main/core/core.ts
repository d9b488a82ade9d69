// The core as one object: settings, store, audit trail and heartbeat, opened and closed together.
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, CheckpointStore, verifyChain } from './audit';
import type { Settings } from './config';
import { openDatabase, type Db } from './db';
import { lastHeartbeat, startHeartbeat } from './health';

export interface Core {
  settings: Settings;
  db: Db;
  audit: AuditLog;
  checkpoints: CheckpointStore;
  startedAt: Date;
  verify(): ReturnType<typeof verifyChain>;
  lastHeartbeat(): string | null;
  close(): void;
}

export const databasePath = (home: string) => path.join(home, 'jarvis.db');
export const checkpointDir = (home: string) => path.join(home, 'audit');

export function openCore(settings: Settings, options: { heartbeat?: boolean } = {}): Core {
  fs.mkdirSync(settings.home, { recursive: true, mode: 0o700 });
  const db = openDatabase(databasePath(settings.home), { busyTimeoutMs: settings.dbBusyTimeoutMs });
  const checkpoints = new CheckpointStore(checkpointDir(settings.home));
  const audit = new AuditLog(db, { checkpoints, checkpointEvery: settings.auditCheckpointEvery });
  const stopHeartbeat =
    options.heartbeat === false
      ? () => undefined
      : startHeartbeat(db, settings.heartbeatIntervalMs, (err) => console.error('heartbeat failed:', (err as Error).message));
  let closed = false;
  return {
    settings,
    db,
    audit,
    checkpoints,
    startedAt: new Date(),
    verify: () => verifyChain(db, checkpoints),
    lastHeartbeat: () => lastHeartbeat(db),
    close() {
      if (closed) return;
      closed = true;
      stopHeartbeat();
      try {
        // The shutdown checkpoint is what lets a later verify notice rows deleted from the tail.
        audit.checkpoint();
      } finally {
        db.close();
      }
    },
  };
}
