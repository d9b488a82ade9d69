// The audit trail as the page holds it: newest first, deduplicated, bounded, fed by the list call and the live stream.
import { createStore } from 'zustand/vanilla';
import { ServerMessage, type AuditEvent, type AuditList, type Verification } from '../../../../src-shared/contract';
import type { AuditListQuery, StreamStatus } from '../../lib/api';

/** Enough to read recent activity; the full trail stays on the server. */
export const AUDIT_CAP = 500;
/** Rows asked for on a fresh load. */
export const INITIAL_LIMIT = 50;

/** Merges rows into a newest-first list, keeping the first copy of each id and at most `cap` rows. */
export function mergeEvents(current: readonly AuditEvent[], incoming: readonly AuditEvent[], cap = AUDIT_CAP): AuditEvent[] {
  if (incoming.length === 0) return current.length <= cap ? [...current] : current.slice(0, cap);
  const byId = new Map<number, AuditEvent>();
  for (const event of current) if (!byId.has(event.id)) byId.set(event.id, event);
  for (const event of incoming) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, cap);
}

/** A stream frame as a ServerMessage, or null for anything that is not one (binary, bad JSON, wrong shape). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * Rows to add after (re)connecting. Fresh: the newest few. Reconnecting: everything after the newest row we hold,
 * and if more was missed than we keep anyway, the newest `cap` rows instead (the gap would be cut off regardless).
 */
export async function fetchCatchUp(
  list: (query: AuditListQuery) => Promise<AuditList>,
  newestId: number | null,
  cap = AUDIT_CAP,
): Promise<AuditEvent[]> {
  if (newestId === null) return (await list({ limit: INITIAL_LIMIT })).events;
  const missed = await list({ after: newestId, limit: cap });
  if (missed.events.length < cap) return missed.events;
  return (await list({ limit: cap })).events;
}

export type VerifyState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: Verification }
  | { kind: 'failed'; message: string };

export interface AuditState {
  /** Newest first. */
  events: AuditEvent[];
  /** Stream frames that were not valid ServerMessages: ignored, but counted so a mismatch is visible. */
  invalidMessages: number;
  serverVersion: string | null;
  /** The last `error` message the server sent on the stream. */
  streamError: string | null;
  /** Why the recent rows could not be loaded, if they could not. */
  loadError: string | null;
  connection: StreamStatus;
  verify: VerifyState;
  addEvents(events: readonly AuditEvent[]): void;
  /** Applies a batch of raw frames in one update and returns the valid messages for the caller to act on. */
  receive(frames: readonly unknown[]): ServerMessage[];
  setConnection(connection: StreamStatus): void;
  setLoadError(message: string | null): void;
  runVerify(verify: () => Promise<Verification>): Promise<void>;
  /** Forgets everything, as after signing out: the rows were only for the signed-in page. */
  reset(): void;
}

type Data = Pick<AuditState, 'events' | 'invalidMessages' | 'serverVersion' | 'streamError' | 'loadError' | 'connection' | 'verify'>;

const initialData = (): Data => ({
  events: [],
  invalidMessages: 0,
  serverVersion: null,
  streamError: null,
  loadError: null,
  connection: { kind: 'stopped' },
  verify: { kind: 'idle' },
});

export function createAuditStore(cap = AUDIT_CAP) {
  return createStore<AuditState>()((set, get) => ({
    ...initialData(),
    addEvents(events) {
      if (events.length === 0) return;
      set({ events: mergeEvents(get().events, events, cap), loadError: null });
    },
    receive(frames) {
      const valid: ServerMessage[] = [];
      const live: AuditEvent[] = [];
      let invalid = 0;
      let serverVersion = get().serverVersion;
      let streamError = get().streamError;
      for (const frame of frames) {
        const message = parseServerMessage(frame);
        if (message === null) {
          invalid += 1;
          continue;
        }
        valid.push(message);
        switch (message.type) {
          case 'hello':
            serverVersion = message.version;
            streamError = null;
            break;
          case 'audit':
            live.push(message.event);
            break;
          case 'pong':
            break;
          // Replies and task progress belong to the goal and task views, not the audit list.
          case 'response':
          case 'task':
          case 'approval':
            break;
          case 'error':
            streamError = message.error.message;
            break;
          default: {
            const never: never = message;
            return never;
          }
        }
      }
      const state = get();
      set({
        events: live.length > 0 ? mergeEvents(state.events, live, cap) : state.events,
        invalidMessages: state.invalidMessages + invalid,
        serverVersion,
        streamError,
      });
      return valid;
    },
    setConnection(connection) {
      set({ connection });
    },
    setLoadError(loadError) {
      set({ loadError });
    },
    async runVerify(verify) {
      if (get().verify.kind === 'running') return;
      set({ verify: { kind: 'running' } });
      try {
        set({ verify: { kind: 'done', result: await verify() } });
      } catch (err) {
        set({ verify: { kind: 'failed', message: err instanceof Error ? err.message : String(err) } });
      }
    },
    reset() {
      set(initialData());
    },
  }));
}

export type AuditStore = ReturnType<typeof createAuditStore>;
