// Exports one trace as JSON lines, closed by the whole chain's verification result.
import type { Db } from '../db';
import type { CheckpointStore } from './checkpoints';
import type { AuditLog } from './log';
import { verifyChain } from './verify';

/** Lines: `{"kind":"event","event":{…}}` per row of the trace, then `{"kind":"verification",…}`. */
export function* exportTrace(db: Db, log: AuditLog, traceId: string, checkpoints?: CheckpointStore): Generator<string> {
  for (const event of log.byTrace(traceId)) yield JSON.stringify({ kind: 'event', event });
  yield JSON.stringify({ kind: 'verification', trace_id: traceId, verification: verifyChain(db, checkpoints) });
}
