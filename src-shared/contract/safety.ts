// Safety as clients see it: autonomy, the kill switch, policy rules, approvals, grants, roles.
import { z } from 'zod';
import { IotLink, IotStatus } from './iot';
import { McpServerHealth } from './mcp';
import { RISK_LEVELS } from './tools';

export const AUTONOMY = ['A0', 'A1', 'A2', 'A3', 'A4'] as const;
export const ROLES = ['viewer', 'member', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const AutonomyRequest = z.strictObject({
  level: z.enum(AUTONOMY, { error: `level must be one of ${AUTONOMY.join(', ')} (A0 observe only … A4 run all but critical)` }),
  reason: z.string().max(500).optional(),
});

export const KillSwitchRequest = z.strictObject({ on: z.boolean() });

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired', 'consumed'] as const;

export const Approval = z.object({
  id: z.string(),
  trace_id: z.string(),
  task_id: z.string().nullable(),
  step_id: z.string().nullable(),
  tool: z.string(),
  input: z.unknown(),
  risk: z.enum(RISK_LEVELS),
  reasons: z.array(z.string()),
  permissions: z.unknown(),
  preview: z.record(z.string(), z.unknown()),
  requested_by: z.string(),
  cell: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  created_at: z.string(),
  expires_at: z.string(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  grant_id: z.string().nullable(),
});
export type Approval = z.infer<typeof Approval>;

export const ApprovalListQuery = z.strictObject({
  status: z.enum(APPROVAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const GRANT_KINDS = ['same_arguments', 'same_host', 'same_entity'] as const;
export const ApproveRequest = z.strictObject({
  /** Approve a scope instead of one call: the same tool with the same arguments (or host, or entity) for N minutes. */
  grant: z.strictObject({ kind: z.enum(GRANT_KINDS), minutes: z.number().int().min(1).max(1440) }).optional(),
});

export const Grant = z.object({
  id: z.string(),
  scope: z.unknown(),
  description: z.string(),
  risk_ceiling: z.enum(RISK_LEVELS),
  approval_id: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type Grant = z.infer<typeof Grant>;

export const Controls = z.object({
  autonomy: z.enum(AUTONOMY),
  autonomy_history: z.array(z.object({ level: z.enum(AUTONOMY), set_by: z.string(), set_at: z.string(), reason: z.string().nullable() })),
  kill_switch: z.object({ on: z.boolean(), since: z.string().nullable(), by: z.string().nullable() }),
  policy: z.unknown(),
  paused_sources: z.array(z.string()),
});
export type Controls = z.infer<typeof Controls>;

export const DaemonIntegration = z.object({
  paired: z.boolean(),
  connected: z.boolean(),
  url: z.string().nullable(),
  daemon_id: z.string().nullable(),
  app_fingerprint: z.string(),
  last_error: z.string().nullable(),
  /** Home events from the daemon and what it last said about Home Assistant and MQTT (optional so older clients' values still type). */
  iot: IotLink.extend({ status: IotStatus.nullable() }).nullable().optional(),
});
/** The daemon link and each MCP server's health (`mcp` is always sent; optional so older clients' values still type). */
export const Integrations = z.object({ daemon: DaemonIntegration, mcp: z.array(McpServerHealth).optional() });
export type Integrations = z.infer<typeof Integrations>;
