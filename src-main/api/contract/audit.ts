// Audit trail shapes as clients see them: rows, list queries, verification results.
import { z } from 'zod';

export const AuditEvent = z.object({
  id: z.number().int().positive(),
  ts: z.string(),
  trace_id: z.string(),
  parent_id: z.number().int().positive().nullable(),
  type: z.string(),
  actor: z.string(),
  subject: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * Query string of GET /v1/audit. Rows always come oldest first. With `after` (an id cursor) the rows
 * after it; without, the newest `limit` rows (the tail). `next_after` continues from the last row.
 */
export const AuditQuery = z.strictObject({
  trace_id: z.string().min(1).max(128).optional(),
  type: z.string().min(1).max(128).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditList = z.object({
  events: z.array(AuditEvent),
  next_after: z.number().int().nullable(),
});
export type AuditList = z.infer<typeof AuditList>;

export const BREAK_REASONS = [
  'hash_mismatch',
  'prev_hash_mismatch',
  'id_gap',
  'truncated',
  'checkpoint_mismatch',
  'checkpoint_invalid',
] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

export const Checkpoint = z.object({
  count: z.number().int().min(0),
  head_hash: z.string(),
  ts: z.string(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const Verification = z.object({
  ok: z.boolean(),
  rows: z.number().int().min(0),
  head_hash: z.string(),
  checked_at: z.string(),
  checkpoint: Checkpoint.nullable(),
  broken: z
    .object({
      id: z.number().int().nullable(),
      reason: z.enum(BREAK_REASONS),
      message: z.string(),
    })
    .nullable(),
});
export type Verification = z.infer<typeof Verification>;

export const AuditExportQuery = z
  .strictObject({
    trace_id: z.string().min(1).max(128).optional(),
    task_id: z.string().min(1).max(128).optional(),
  })
  .refine((q) => (q.trace_id === undefined) !== (q.task_id === undefined), 'give exactly one of trace_id or task_id');
