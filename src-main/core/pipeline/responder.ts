// The responder: replies go out through the originating channel's outbound adapter, stored and audited as response.sent.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { Channel, Reply } from '../../../src-shared/contract/events';

/** Where a reply to a channel is delivered. The app's own channels store it and push it on the live stream. */
const OUTBOUND: Readonly<Record<Channel, 'app' | 'notification'>> = Object.freeze({
  api: 'app',
  ui: 'app',
  hotkey: 'app',
  mcp: 'app',
  // Unattended channels have nobody waiting on them: their replies become notifications in the app.
  schedule: 'notification',
  rule: 'notification',
  mqtt: 'notification',
  ha: 'notification',
});

export interface SendReply {
  eventId: string | null;
  traceId: string;
  channel: Channel;
  text: string;
  parentAuditId?: number | null;
}

type Listener = (reply: Reply) => void;

export class Responder {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Stores and audits the reply (inside the caller's transaction if there is one), then delivers it after commit. */
  send(input: SendReply, also?: () => void): Reply {
    const reply: Reply = { id: newId(), event_id: input.eventId, trace_id: input.traceId, channel: input.channel, text: input.text, created_at: new Date().toISOString() };
    const adapter = OUTBOUND[input.channel];
    this.audit.transaction(() => {
      stmt(this.db, 'INSERT INTO responses (id, event_id, trace_id, channel, text, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(reply.id, reply.event_id, reply.trace_id, reply.channel, reply.text, reply.created_at);
      also?.();
      this.audit.append({
        type: 'response.sent',
        actor: 'system',
        subject: input.eventId,
        traceId: input.traceId,
        parentId: input.parentAuditId ?? null,
        payload: { response_id: reply.id, channel: input.channel, via: adapter, text: reply.text.length > 2000 ? `${reply.text.slice(0, 2000)}…` : reply.text },
      });
    });
    for (const listener of this.listeners) {
      try {
        listener(reply);
      } catch (err) {
        console.error('reply listener failed:', err);
      }
    }
    return reply;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

}
