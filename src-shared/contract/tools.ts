// The tool registry as clients see it.
import { z } from 'zod';

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;

export const ToolPermissionsShape = z.object({
  network: z.union([z.boolean(), z.object({ hosts: z.array(z.string()) })]),
  filesystem: z.union([z.literal(false), z.object({ read: z.array(z.string()), write: z.array(z.string()) })]),
  system: z.boolean(),
  external_api: z.boolean(),
});

export const ToolInfo = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  risk: z.enum(RISK_LEVELS),
  permissions: ToolPermissionsShape,
  source: z.enum(['builtin', 'user', 'mcp']),
  runner: z.enum(['inline', 'process']),
  idempotent: z.boolean(),
  review: z.enum(['none', 'required']),
  enabled: z.boolean(),
  /** Why a tool is disabled, in words. */
  disabled_reason: z.string().nullable(),
  input_schema: z.unknown(),
  output_schema: z.unknown(),
});
export type ToolInfo = z.infer<typeof ToolInfo>;

export const ToolList = z.object({
  tools: z.array(ToolInfo),
  /** Manifests that could not be loaded: file and what is wrong with it. */
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
});
export type ToolList = z.infer<typeof ToolList>;

export const ToolReviewBody = z.strictObject({ enabled: z.boolean() });
