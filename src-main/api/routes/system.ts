// Health, sign-in and audit routes.
import type { Health, AuditList } from '../contract';
import { API_PATHS, AuditExportQuery, AuditQuery, SessionExchange } from '../contract';
import { exportTrace } from '../../core/audit';
import { ApiError, parseWith, readJson, sendJson, SECURITY_HEADERS } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

function health(ctx: RouteContext): void {
  let database: Health['database'] = { ok: true };
  let lastHeartbeat: string | null = null;
  try {
    ctx.core.db.prepare('SELECT 1').get();
    lastHeartbeat = ctx.core.lastHeartbeat();
  } catch (err) {
    database = { ok: false, error: (err as Error).message };
  }
  const body: Health = {
    status: database.ok ? 'ok' : 'degraded',
    version: ctx.version,
    uptime_s: Math.round((Date.now() - ctx.core.startedAt.getTime()) / 100) / 10,
    database,
    last_heartbeat: lastHeartbeat,
  };
  sendJson(ctx.res, 200, body);
}

async function session(ctx: RouteContext): Promise<void> {
  const { code } = parseWith(SessionExchange, await readJson(ctx.req), 'sign-in request');
  if (!ctx.codes.redeem(code)) {
    ctx.core.audit.append({ type: 'api.sign_in_rejected', actor: 'api', subject: ctx.caller, payload: { reason: 'unknown_or_used_code' } });
    throw new ApiError(401, 'unauthorized', 'This sign-in link was already used or has expired; restart `npm run serve` (or `jarvis serve`) for a new one.');
  }
  ctx.core.audit.append({ type: 'api.signed_in', actor: 'api', subject: ctx.caller, payload: { via: 'sign_in_link' } });
  sendJson(ctx.res, 200, { token: ctx.token });
}

function auditList(ctx: RouteContext): void {
  const q = parseWith(AuditQuery, queryOf(ctx.url), 'audit query');
  const events = ctx.core.audit.list(q);
  const body: AuditList = { events, next_after: events.at(-1)?.id ?? q.after ?? null };
  sendJson(ctx.res, 200, body);
}

function auditVerify(ctx: RouteContext): void {
  const result = ctx.core.verify();
  // Verifying is itself on the record: who checked the chain, and what they were told.
  ctx.core.audit.append({
    type: 'audit.verified',
    actor: 'api',
    subject: ctx.caller,
    payload: { ok: result.ok, rows: result.rows, broken_id: result.broken?.id ?? null, reason: result.broken?.reason ?? null },
  });
  sendJson(ctx.res, 200, result);
}

function auditExport(ctx: RouteContext): void {
  const q = parseWith(AuditExportQuery, queryOf(ctx.url), 'export query');
  // A task's life is its trace: the event, routing, every gate decision, attempt and reply.
  const traceId = q.trace_id ?? (q.task_id ? ctx.agent.tasks.row(q.task_id)?.trace_id : undefined);
  if (!traceId) throw new ApiError(404, 'not_found', `No task with id "${q.task_id ?? ''}".`);
  const lines = [...exportTrace(ctx.core.db, ctx.core.audit, traceId, ctx.core.checkpoints)];
  if (lines.length === 1) throw new ApiError(404, 'not_found', `No audit events with trace_id "${traceId}".`);
  const text = `${lines.join('\n')}\n`;
  ctx.res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="trace-${traceId.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl"`,
  });
  ctx.res.end(text);
}

export const SYSTEM_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.health, open: true, handle: health },
  // Authenticated by the one-time code it carries, which is how a page gets the token.
  { method: 'POST', path: API_PATHS.session, open: true, handle: session },
  { method: 'GET', path: API_PATHS.audit, handle: auditList },
  { method: 'GET', path: API_PATHS.auditVerify, handle: auditVerify },
  { method: 'GET', path: API_PATHS.auditExport, handle: auditExport },
];
