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

const Instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2025-01-31T09:00:00Z' });

/**
 * Query string of GET /v1/audit. Rows always come oldest first. With `after` (an id cursor) the rows
 * after it; without, the newest `limit` rows (the tail), or the newest before `before` to page back.
 * `next_after` continues from the last row. `since` (inclusive) and `until` (exclusive) bound the time.
 */
export const AuditQuery = z
  .strictObject({
    trace_id: z.string().min(1).max(128).optional(),
    type: z.string().min(1).max(128).optional(),
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    since: Instant.optional(),
    until: Instant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => q.since === undefined || q.until === undefined || Date.parse(q.since) < Date.parse(q.until), {
    path: ['until'],
    error: 'must be later than since',
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** GET /v1/audit/types: every event type in the trail with how many rows it has, for filter choices. */
export const AuditTypeCounts = z.object({ types: z.array(z.object({ type: z.string(), count: z.number().int().min(0) })) });
export type AuditTypeCounts = z.infer<typeof AuditTypeCounts>;

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
    /** jsonl (default): the file itself; json: the same lines inside a JSON answer, for clients that add their own auth header. */
    format: z.enum(['jsonl', 'json']).default('jsonl'),
  })
  .refine((q) => (q.trace_id === undefined) !== (q.task_id === undefined), 'give exactly one of trace_id or task_id');

/** GET /v1/audit/export?format=json: the lines of the export file and the name to save it under. */
export const AuditExportFile = z.object({ filename: z.string(), lines: z.array(z.string()).min(1) });
export type AuditExportFile = z.infer<typeof AuditExportFile>;
