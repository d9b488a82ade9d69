// Approvals as the page knows them: the queue, live changes from the stream, and a person's decisions, including ones made elsewhere meanwhile.
import { createStore } from 'zustand/vanilla';
import { z } from 'zod';
import { API_PATHS, Approval, GRANT_KINDS } from '../../../../src-shared/contract';
import { ApiError, type ApiClient } from '../../lib/api';
import { explain } from '../shared/errors';

type Call = Pick<ApiClient, 'call'>;

export type GrantKind = (typeof GRANT_KINDS)[number];
export { GRANT_KINDS };

export const GRANT_LABELS: Record<GrantKind, string> = {
  same_arguments: 'This tool with exactly these arguments',
  same_host: 'This tool on the same host',
  same_entity: 'This tool on the same device (entity)',
};

/** Durations offered for a grant, in minutes (the server accepts 1 to 1440). */
export const GRANT_MINUTES = [15, 60, 240, 1440] as const;

export type Decision = { kind: 'approve' } | { kind: 'grant'; grant: { kind: GrantKind; minutes: number } } | { kind: 'deny' };

export type DecisionState =
  | { kind: 'idle' }
  | { kind: 'sending'; decision: Decision['kind'] }
  | { kind: 'failed'; message: string }
  /** Someone or something decided it first; the approval now shows its new state. */
  | { kind: 'stale'; message: string };

const ApprovalListBody = z.object({ approvals: z.array(Approval) });

export interface ApprovalsState {
  byId: Record<string, Approval>;
  loaded: boolean;
  loadError: string | null;
  decisions: Record<string, DecisionState>;
  load(api: Call): Promise<void>;
  /** A newer copy from the stream or an answer. */
  apply(approval: Approval): void;
  fetchOne(api: Call, id: string): Promise<Approval | null>;
  decide(api: Call, id: string, decision: Decision): Promise<void>;
  reset(): void;
}

/** Pending first, oldest first within them (the one waiting longest is answered first), then the decided ones, newest first. */
export function queueOf(byId: Record<string, Approval>): Approval[] {
  const all = Object.values(byId);
  const pending = all.filter((a) => a.status === 'pending').sort((a, b) => a.created_at.localeCompare(b.created_at));
  const decided = all.filter((a) => a.status !== 'pending').sort((a, b) => b.created_at.localeCompare(a.created_at));
  return [...pending, ...decided];
}

export const pendingCount = (byId: Record<string, Approval>) => Object.values(byId).filter((a) => a.status === 'pending').length;

/** A decision's state only moves forward: pending → approved/denied/expired → consumed. Older copies never win. */
const ORDER: Record<Approval['status'], number> = { pending: 0, approved: 1, denied: 1, expired: 1, consumed: 2 };

function newer(current: Approval | undefined, incoming: Approval): boolean {
  return current === undefined || ORDER[incoming.status] >= ORDER[current.status];
}

export function describeDecided(a: Approval): string {
  const by = a.decided_by ? ` by ${a.decided_by}` : '';
  const at = a.decided_at ? ` at ${new Date(a.decided_at).toLocaleTimeString()}` : '';
  switch (a.status) {
    case 'pending':
      return 'Waiting for a decision.';
    case 'approved':
      return `Approved${by}${at}.`;
    case 'consumed':
      return `Approved${by}${at}, and the action has used it.`;
    case 'denied':
      return `Denied${by}${at}.`;
    case 'expired':
      return `Expired${at}: nobody decided within its time.`;
    default: {
      const never: never = a.status;
      return never;
    }
  }
}

export function createApprovalsStore() {
  return createStore<ApprovalsState>()((set, get) => ({
    byId: {},
    loaded: false,
    loadError: null,
    decisions: {},
    async load(api) {
      try {
        const { approvals } = await api.call('GET', `${API_PATHS.approvals}?limit=100`, ApprovalListBody);
        const byId = { ...get().byId };
        for (const a of approvals) if (newer(byId[a.id], a)) byId[a.id] = a;
        set({ byId, loaded: true, loadError: null });
      } catch (err) {
        set({ loaded: true, loadError: explain(err) });
      }
    },
    apply(approval) {
      if (!newer(get().byId[approval.id], approval)) return;
      set({ byId: { ...get().byId, [approval.id]: approval } });
    },
    async fetchOne(api, id) {
      try {
        const a = await api.call('GET', `${API_PATHS.approvals}/${encodeURIComponent(id)}`, Approval);
        get().apply(a);
        return a;
      } catch {
        return null;
      }
    },
    async decide(api, id, decision) {
      const current = get().decisions[id];
      if (current?.kind === 'sending') return;
      set({ decisions: { ...get().decisions, [id]: { kind: 'sending', decision: decision.kind } } });
      const path = `${API_PATHS.approvals}/${encodeURIComponent(id)}/${decision.kind === 'deny' ? 'deny' : 'approve'}`;
      const body = decision.kind === 'grant' ? { grant: decision.grant } : decision.kind === 'approve' ? {} : undefined;
      try {
        get().apply(await api.call('POST', path, Approval, body));
        set({ decisions: { ...get().decisions, [id]: { kind: 'idle' } } });
      } catch (err) {
        // Decided elsewhere (another window, the tray, expiry) or frozen by the kill switch: show the truth, not a bare failure.
        const refetch = err instanceof ApiError && (err.code === 'conflict' || err.code === 'not_found');
        const now = refetch ? await get().fetchOne(api, id) : null;
        const stale = now !== null && now.status !== 'pending';
        set({ decisions: { ...get().decisions, [id]: stale ? { kind: 'stale', message: `${describeDecided(now)} Nothing was changed by this page.` } : { kind: 'failed', message: explain(err) } } });
      }
    },
    reset() {
      set({ byId: {}, loaded: false, loadError: null, decisions: {} });
    },
  }));
}

export type ApprovalsStore = ReturnType<typeof createApprovalsStore>;
