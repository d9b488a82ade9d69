// Approvals: a call the gate would not run alone, persisted with everything a person needs to decide, expiring if nobody does.
import crypto from 'node:crypto';
import type { AuditLog } from '../audit';
import { canonicalJson } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { Approval } from '../../../src-shared/contract/safety';
import type { Risk, ToolPermissions } from '../tools/types';

export const DEFAULT_APPROVAL_TTL_MS = 10 * 60_000;

interface Row {
  id: string;
  trace_id: string;
  task_id: string | null;
  step_id: string | null;
  tool: string;
  input: string;
  input_hash: string;
  risk: Risk;
  reasons: string;
  permissions: string;
  preview: string;
  requested_by: string;
  cell: string;
  status: Approval['status'];
  created_at: string;
  expires_at: string;
  decided_by: string | null;
  decided_at: string | null;
  grant_id: string | null;
}

export const inputHash = (input: unknown) => crypto.createHash('sha256').update(canonicalJson(input ?? null)).digest('hex');

const toView = (r: Row): Approval & { input_hash: string } => ({
  ...r,
  input: JSON.parse(r.input) as unknown,
  reasons: JSON.parse(r.reasons) as string[],
  permissions: JSON.parse(r.permissions) as unknown,
  preview: JSON.parse(r.preview) as Record<string, unknown>,
});

/** The approval is not in a state that allows what was asked; carries the state for a 409. */
export class ApprovalStateError extends Error {
  constructor(
    readonly approvalId: string,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

export class ApprovalStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => number,
    private readonly ttlMs = DEFAULT_APPROVAL_TTL_MS,
  ) {}

  create(a: { traceId: string; taskId: string | null; stepId: string | null; tool: string; input: unknown; risk: Risk; reasons: string[]; permissions: ToolPermissions; preview: Record<string, unknown>; requestedBy: string; cell: string }): Approval {
    const id = newId();
    const created = new Date(this.now());
    const row: Row = {
      id,
      trace_id: a.traceId,
      task_id: a.taskId,
      step_id: a.stepId,
      tool: a.tool,
      input: JSON.stringify(a.input ?? null),
      input_hash: inputHash(a.input),
      risk: a.risk,
      reasons: JSON.stringify(a.reasons),
      permissions: JSON.stringify(a.permissions),
      preview: JSON.stringify(a.preview),
      requested_by: a.requestedBy,
      cell: a.cell,
      status: 'pending',
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + this.ttlMs).toISOString(),
      decided_by: null,
      decided_at: null,
      grant_id: null,
    };
    stmt(
      this.db,
      `INSERT INTO approvals (id, trace_id, task_id, step_id, tool, input, input_hash, risk, reasons, permissions, preview, requested_by, cell, status, created_at, expires_at)
       VALUES (@id, @trace_id, @task_id, @step_id, @tool, @input, @input_hash, @risk, @reasons, @permissions, @preview, @requested_by, @cell, @status, @created_at, @expires_at)`,
    ).run(row);
    return toView(row);
  }

  get(id: string): (Approval & { input_hash: string }) | undefined {
    const row = stmt(this.db, 'SELECT * FROM approvals WHERE id = ? OR id LIKE ?').get(id, `${id}%`) as Row | undefined;
    return row ? toView(row) : undefined;
  }

  list(status: Approval['status'] | undefined, limit: number): Approval[] {
    const rows = (status ? stmt(this.db, 'SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC LIMIT ?').all(status, limit) : stmt(this.db, 'SELECT * FROM approvals ORDER BY created_at DESC LIMIT ?').all(limit)) as Row[];
    return rows.map(toView);
  }

  /** Moves an approval on; the database's state machine refuses illegal moves. */
  setStatus(id: string, status: Approval['status'], by: string | null, grantId: string | null = null): void {
    stmt(this.db, 'UPDATE approvals SET status = ?, decided_by = COALESCE(?, decided_by), decided_at = COALESCE(decided_at, ?), grant_id = COALESCE(?, grant_id) WHERE id = ?').run(
      status,
      by,
      new Date(this.now()).toISOString(),
      grantId,
      id,
    );
  }

  /** Pending approvals whose time ran out. */
  due(): Approval[] {
    return (stmt(this.db, "SELECT * FROM approvals WHERE status = 'pending' AND expires_at <= ?").all(new Date(this.now()).toISOString()) as Row[]).map(toView);
  }

  /** An approved, unused approval that covers exactly this call. */
  usable(id: string, tool: string, input: unknown): boolean {
    const a = this.get(id);
    return a !== undefined && a.status === 'approved' && a.tool === tool && a.input_hash === inputHash(input);
  }

  audited(type: string, a: Approval, actor: string, extra: Record<string, unknown> = {}): void {
    this.audit.append({ type, actor, subject: a.id, traceId: a.trace_id, payload: { approval_id: a.id, tool: a.tool, risk: a.risk, task_id: a.task_id, step_id: a.step_id, ...extra } });
  }
}
