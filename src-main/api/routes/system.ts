// Health, sign-in, this install's facts, and the audit routes (list with filters, types, verify, export).
import os from 'node:os';
import path from 'node:path';
import type { Health, AuditEvent, AuditExportFile, AuditList, AuditTypeCounts, SystemInfo } from '../../../src-shared/contract';
import { API_PATHS, AuditExportQuery, AuditQuery, SessionExchange } from '../../../src-shared/contract';
import { databasePath } from '../../core';
import { exportTrace } from '../../core/audit';
import { userToolsDir } from '../../core/agent';
import { lastHeartbeat as lastHeartbeat_ } from '../../core/health';
import { HEARTBEAT_COMPONENT } from '../../core/watchers';
import { ApiError, parseWith, readJson, sendJson, SECURITY_HEADERS } from '../http';
import { queryOf, type Route, type RouteContext } from './types';

function health(ctx: RouteContext): void {
  let database: Health['database'] = { ok: true };
  let lastHeartbeat: string | null = null;
  try {
    ctx.core.db.prepare('SELECT 1').get();
    // The heartbeat watcher's beat, or the core's own when that is newer (ISO times compare as text).
    const watcher = lastHeartbeat_(ctx.core.db, HEARTBEAT_COMPONENT);
    const core = ctx.core.lastHeartbeat();
    lastHeartbeat = watcher !== null && (core === null || watcher > core) ? watcher : core;
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

/**
 * The filtered list. Times are compared as the stored text, so the bounds are first written the way rows
 * are (UTC, milliseconds, "Z"), whatever zone the caller used.
 */
function listAudit(ctx: RouteContext, q: AuditQuery): AuditEvent[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit };
  const add = (clause: string, name: string, value: unknown) => {
    where.push(clause);
    params[name] = value;
  };
  if (q.trace_id !== undefined) add('trace_id = @trace_id', 'trace_id', q.trace_id);
  if (q.type !== undefined) add('type = @type', 'type', q.type);
  if (q.after !== undefined) add('id > @after', 'after', q.after);
  if (q.before !== undefined) add('id < @before', 'before', q.before);
  if (q.since !== undefined) add('ts >= @since', 'since', new Date(q.since).toISOString());
  if (q.until !== undefined) add('ts < @until', 'until', new Date(q.until).toISOString());
  // Without a cursor from below the caller wants the tail: the newest matching rows, still returned oldest first.
  const order = q.after === undefined ? 'DESC' : 'ASC';
  const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT @limit`;
  const rows = ctx.core.db.prepare(sql).all(params) as (Omit<AuditEvent, 'payload'> & { payload: string })[];
  if (order === 'DESC') rows.reverse();
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}

function auditList(ctx: RouteContext): void {
  const q = parseWith(AuditQuery, queryOf(ctx.url), 'audit query');
  const events = listAudit(ctx, q);
  const body: AuditList = { events, next_after: events.at(-1)?.id ?? q.after ?? null };
  sendJson(ctx.res, 200, body);
}

function auditTypes(ctx: RouteContext): void {
  const rows = ctx.core.db.prepare('SELECT type, COUNT(*) AS count FROM audit_events GROUP BY type ORDER BY type').all() as AuditTypeCounts['types'];
  sendJson(ctx.res, 200, { types: rows } satisfies AuditTypeCounts);
}

function systemInfo(ctx: RouteContext): void {
  const home = ctx.core.settings.home;
  const body: SystemInfo = {
    version: ctx.version,
    data_folder: home,
    database_file: databasePath(home),
    config_file: path.join(home, 'config.json'),
    tools_folder: userToolsDir(home),
    runtime: { node: process.versions.node, platform: os.platform(), arch: os.arch() },
  };
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
  const filename = `trace-${traceId.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`;
  if (q.format === 'json') {
    sendJson(ctx.res, 200, { filename, lines } satisfies AuditExportFile);
    return;
  }
  const text = `${lines.join('\n')}\n`;
  ctx.res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
  });
  ctx.res.end(text);
}

export const SYSTEM_ROUTES: readonly Route[] = [
  { method: 'GET', path: API_PATHS.health, open: true, handle: health },
  // Authenticated by the one-time code it carries, which is how a page gets the token.
  { method: 'POST', path: API_PATHS.session, open: true, handle: session },
  { method: 'GET', path: API_PATHS.system, handle: systemInfo },
  { method: 'GET', path: API_PATHS.audit, handle: auditList },
  { method: 'GET', path: API_PATHS.auditTypes, handle: auditTypes },
  { method: 'GET', path: API_PATHS.auditVerify, handle: auditVerify },
  { method: 'GET', path: API_PATHS.auditExport, handle: auditExport },
];
