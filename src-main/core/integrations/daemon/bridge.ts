// Home events into the pipeline: each inbound batch is ingested in one transaction, with its dedupe keys, and a state change caused by a command joins that command's trace.
import type { InboundEvent } from '../../../../src-daemon/protocol';
import type { AuditLog } from '../../audit';
import { stmt, type Db } from '../../db';
import { InvalidEventError, type IngestInput, type Ingested } from '../../pipeline';
import type { DaemonClient } from './client';

export interface IotBridgeDeps {
  db: Db;
  audit: AuditLog;
  pipeline: { ingest(input: IngestInput): Ingested };
  daemon: DaemonClient;
  /** Told of each stored (not deduped) home event after its batch committed: the rules engine takes them from here. */
  onIngested?(event: Extract<Ingested, { deduped: false }>['event']): void;
  /** Where the daemon's critical marks go (the policy gate reads them). */
  setCriticalEntities?(source: () => ReadonlySet<string>): void;
}

function toIngest(db: Db, e: Exclude<InboundEvent, { kind: 'rejected' }>): IngestInput {
  if (e.kind === 'mqtt') {
    return { channel: 'mqtt', actor: 'mqtt', dedupeKey: e.dedupe_key, payload: { topic: e.topic, payload: e.payload, qos: e.qos, retain: e.retain, message_id: e.message_id, received_at: e.received_at } };
  }
  // The command that caused this change ran in the trace of the event that asked for it; this event joins it.
  const parent = e.trace ? (stmt(db, 'SELECT id FROM events WHERE trace_id = ? ORDER BY received_at LIMIT 1').get(e.trace) as { id: string } | undefined) : undefined;
  return {
    channel: 'ha',
    actor: 'ha',
    dedupeKey: e.dedupe_key,
    ...(parent ? { parentEventId: parent.id } : {}),
    payload: { entity_id: e.entity_id, event_type: e.event_type, old_state: e.old_state, new_state: e.new_state, context_id: e.context_id, caused_by_trace: e.trace, received_at: e.received_at },
  };
}

/** The sink the inbound link calls: all of a batch or none of it, so an acknowledged event is always stored. */
export function inboundSink(deps: Pick<IotBridgeDeps, 'db' | 'audit' | 'pipeline' | 'onIngested'>): (events: InboundEvent[]) => void {
  return (events) => {
    const stored: Extract<Ingested, { deduped: false }>['event'][] = [];
    deps.audit.transaction(() => {
      for (const e of events) {
        if (e.kind === 'rejected') {
          deps.audit.append({ type: 'iot.message_rejected', actor: e.source, subject: e.topic.slice(0, 200), payload: { source: e.source, topic: e.topic, reason: e.reason, bytes: e.bytes } });
          continue;
        }
        try {
          const ingested = deps.pipeline.ingest(toIngest(deps.db, e));
          if (!ingested.deduped) stored.push(ingested.event);
        } catch (err) {
          // Normalizing refuses before anything is written, so the rest of the batch goes on.
          if (!(err instanceof InvalidEventError)) throw err;
          const subject = e.kind === 'mqtt' ? e.topic : e.entity_id;
          deps.audit.append({ type: 'iot.message_rejected', actor: e.kind, subject: subject.slice(0, 200), payload: { source: e.kind, topic: subject, reason: err.message, bytes: 0 } });
        }
      }
    });
    // After the commit: the batch is acknowledged whatever a rule then does with it.
    for (const event of stored) {
      try {
        deps.onIngested?.(event);
      } catch (err) {
        console.error(`home event ${event.id} could not be matched against the rules:`, (err as Error).message);
      }
    }
  };
}

/** Starts the inbound link and feeds the gate the daemon's critical marks; stop() ends the link. */
export function attachIot(deps: IotBridgeDeps): { stop(): void } {
  const link = deps.daemon.startInbound(inboundSink(deps));
  deps.setCriticalEntities?.(() => new Set(link.view().status?.critical ?? []));
  return { stop: () => link.stop() };
}
