// The desktop shell's view of the core, through the same loopback API and live stream as any client: counts for the tray, approvals, the kill switch.
import WebSocket from 'ws';
import { z } from 'zod';
import {
  API_PATHS,
  Approval,
  Controls,
  ErrorBody,
  ServerMessage,
  STREAM_BEARER_PREFIX,
  STREAM_PROTOCOL,
  TaskList,
} from '../../src-shared/contract';
import { restartDelayMs, type BackoffPolicy } from '../supervisor';
import type { CoreReport } from './tray-state';

export type ApprovalDecision = 'approve' | 'deny';

/** What became of a decision: taken, or refused with the approval's state now (decided elsewhere, expired...). */
export type DecisionResult =
  | { ok: true; approval: Approval }
  | { ok: false; code: string; message: string; status: string | null };

export interface CoreLinkOptions {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** The install's owner token: the shell acts for the person sitting at this machine. */
  token: string;
  /** Every change of the counts the tray shows. */
  onReport(report: CoreReport): void;
  /** A pending approval the shell has not told of before (each id once). */
  onApproval(approval: Approval): void;
  /** Every approval change the stream carries (created, decided, expired), so an open prompt can give way. */
  onApprovalUpdate?(approval: Approval): void;
  /** Waits between reconnects of the live stream. */
  reconnect?: BackoffPolicy;
}

export interface CoreLink {
  /** Opens the live stream and reads the current counts. */
  start(): void;
  report(): CoreReport;
  /** Reads the counts now; a failure reports the core as unreachable. */
  refresh(): Promise<CoreReport>;
  /** The approval as the core has it now, or null when it does not know the id. */
  approval(id: string): Promise<Approval | null>;
  decide(id: string, decision: ApprovalDecision): Promise<DecisionResult>;
  setKillSwitch(on: boolean): Promise<void>;
  close(): void;
}

const ApprovalList = z.object({ approvals: z.array(Approval) });
const REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 15_000 };
// A live stream message never needs more; anything larger is not from our core.
const MAX_STREAM_MESSAGE_BYTES = 8 * 1024 * 1024;

/** A non-2xx answer, with the API's own code and words. */
export class CoreRequestError extends Error {
  override readonly name = 'CoreRequestError';
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export function createCoreLink(options: CoreLinkOptions): CoreLink {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' || base.hostname !== '127.0.0.1') throw new Error(`The core link only talks to http://127.0.0.1:<port>, not ${options.baseUrl}.`);
  const origin = base.origin;
  const reconnect = options.reconnect ?? DEFAULT_RECONNECT;

  let current: CoreReport = { connected: false, runningTasks: 0, pendingApprovals: 0, killSwitch: false };
  let socket: WebSocket | null = null;
  let streamOpen = false;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let refreshing: Promise<CoreReport> | null = null;
  let refreshAgain = false;
  const announced = new Set<string>();

  const publish = (next: CoreReport): void => {
    const changed = (Object.keys(next) as (keyof CoreReport)[]).some((key) => next[key] !== current[key]);
    current = next;
    if (changed) options.onReport(next);
  };

  const announce = (approval: Approval): void => {
    if (approval.status !== 'pending' || announced.has(approval.id)) return;
    announced.add(approval.id);
    options.onApproval(approval);
  };

  async function request<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = ErrorBody.safeParse(json);
      if (error.success) throw new CoreRequestError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
      throw new CoreRequestError(response.status, 'unreadable', `The core answered ${method} ${path} with HTTP ${response.status}.`, null);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`The core's answer to ${method} ${path} does not match the contract at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'unknown problem'}.`);
    }
    return parsed.data;
  }

  const readCounts = async (): Promise<CoreReport> => {
    const [running, pending, approvals, controls] = await Promise.all([
      request('GET', `${API_PATHS.tasks}?status=running&limit=500`, TaskList),
      request('GET', `${API_PATHS.tasks}?status=pending&limit=500`, TaskList),
      request('GET', `${API_PATHS.approvals}?status=pending&limit=500`, ApprovalList),
      request('GET', API_PATHS.controls, Controls),
    ]);
    for (const approval of approvals.approvals) announce(approval);
    return {
      connected: streamOpen,
      runningTasks: running.tasks.length + pending.tasks.length,
      pendingApprovals: approvals.approvals.length,
      killSwitch: controls.kill_switch.on,
    };
  };

  // One read at a time; changes that arrive meanwhile cause exactly one more read afterwards.
  const refresh = (): Promise<CoreReport> => {
    if (refreshing !== null) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      let report = current;
      do {
        refreshAgain = false;
        try {
          report = await readCounts();
        } catch {
          report = { ...current, connected: false };
        }
      } while (refreshAgain && !closed);
      refreshing = null;
      if (!closed) publish(report);
      return report;
    })();
    return refreshing;
  };

  const onMessage = (data: WebSocket.RawData): void => {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    } catch {
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'approval':
        options.onApprovalUpdate?.(message.approval);
        announce(message.approval);
        void refresh();
        return;
      case 'task':
        void refresh();
        return;
      case 'audit':
        if (message.event.type.startsWith('safety.kill_switch')) void refresh();
        return;
      case 'hello':
        streamOpen = true;
        failures = 0;
        void refresh();
        return;
      case 'pong':
      case 'response':
      case 'error':
        return;
      default: {
        const never: never = message;
        return never;
      }
    }
  };

  const connect = (): void => {
    if (closed) return;
    const ws = new WebSocket(`${origin.replace(/^http:/, 'ws:')}${API_PATHS.stream}`, [STREAM_PROTOCOL, `${STREAM_BEARER_PREFIX}${options.token}`], {
      maxPayload: MAX_STREAM_MESSAGE_BYTES,
      handshakeTimeout: REQUEST_TIMEOUT_MS,
    });
    socket = ws;
    ws.on('message', onMessage);
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (socket !== ws) return;
      socket = null;
      streamOpen = false;
      publish({ ...current, connected: false });
      if (closed) return;
      failures += 1;
      reconnectTimer = setTimeout(connect, restartDelayMs(failures, reconnect));
    });
  };

  return {
    start() {
      if (socket === null && reconnectTimer === null && !closed) connect();
    },
    report: () => current,
    refresh,
    async approval(id) {
      const list = await request('GET', `${API_PATHS.approvals}?limit=500`, ApprovalList);
      return list.approvals.find((approval) => approval.id === id) ?? null;
    },
    async decide(id, decision) {
      try {
        const approval = await request('POST', `${API_PATHS.approvals}/${encodeURIComponent(id)}/${decision}`, Approval);
        return { ok: true, approval };
      } catch (err) {
        if (!(err instanceof CoreRequestError)) throw err;
        const status = z.object({ status: z.string() }).safeParse(err.details);
        return { ok: false, code: err.code, message: err.message, status: status.success ? status.data.status : null };
      } finally {
        void refresh();
      }
    },
    async setKillSwitch(on) {
      await request('POST', `${API_PATHS.controls}/kill-switch`, Controls, { on });
      await refresh();
    },
    close() {
      closed = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      socket?.terminate();
      socket = null;
      streamOpen = false;
    },
  };
}
