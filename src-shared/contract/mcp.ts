// Shapes of the MCP client API: adding a server (stored until a person consents), its trust policy, health and tools.
import { z } from 'zod';
import { RISK_LEVELS } from './tools';

/** Lower case, short: it becomes the middle part of every tool name, mcp.<server>.<tool>. */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** A tool name as a server spells it, or a pattern ending in "*" (a prefix), or "*" for all. */
const TOOL_PATTERN = /^(\*|[A-Za-z0-9_.\-/]{1,128}\*?)$/;

export const McpServerName = z
  .string({ error: 'is required: a short lower-case name such as "files"' })
  .regex(MCP_SERVER_NAME, { error: 'must start with a lower-case letter and hold only a-z, 0-9, "_" or "-" (at most 32 characters)' });

export const McpApproval = z.enum(['by_risk', 'always']);

/**
 * What Jarvis believes about a server. Untrusted servers get a higher default risk and their tool
 * annotations may only raise risk; `approval: always` asks a person before every call at any autonomy.
 */
export const McpTrustPolicy = z.strictObject({
  trusted: z.boolean({ error: 'must be true or false' }).default(false),
  /** Risk of its tools before annotations; defaults to low when trusted, medium otherwise. */
  default_risk: z.enum(RISK_LEVELS, { error: `must be one of ${RISK_LEVELS.join(', ')}` }).optional(),
  /** Tools that join the registry (names as the server spells them, "prefix*", or "*"). */
  allowed_tools: z.array(z.string().regex(TOOL_PATTERN, { error: 'must be a tool name, a prefix ending in "*", or "*"' })).max(256).default(['*']),
  approval: McpApproval.default('by_risk'),
  /** A person's risk for single tools (names as the server spells them); wins over the default and annotations. */
  tool_risk: z.record(z.string().min(1).max(128), z.enum(RISK_LEVELS, { error: `must be one of ${RISK_LEVELS.join(', ')}` })).default({}),
});
export type McpTrustPolicy = z.infer<typeof McpTrustPolicy>;
export type McpTrustPolicyInput = z.input<typeof McpTrustPolicy>;

const Timeout = z.number({ error: 'must be a number of milliseconds' }).int().min(1000, { error: 'must be at least 1000 ms' }).max(600_000, { error: 'must be at most 600000 ms' });

const Common = {
  name: McpServerName,
  policy: McpTrustPolicy.default({ trusted: false, allowed_tools: ['*'], approval: 'by_risk', tool_risk: {} }),
  /** How long one tool call may take before it fails as timed out. */
  call_timeout_ms: Timeout.default(30_000),
};

export const McpStdioServerRequest = z.strictObject({
  ...Common,
  transport: z.literal('stdio'),
  command: z.string({ error: 'is required: the program to run, e.g. /usr/bin/node or npx' }).trim().min(1, { error: 'must not be empty' }).max(1024),
  args: z.array(z.string().max(4096, { error: 'must be at most 4096 characters' })).max(64, { error: 'may hold at most 64 arguments' }).default([]),
  /** Names of Jarvis's environment variables the server may see; it gets these plus a minimal PATH, nothing else. */
  env: z.array(z.string().regex(ENV_NAME, { error: 'must be an environment variable name such as HOME' })).max(64).default([]),
  cwd: z.string().regex(/^(\/|[A-Za-z]:[\\/])/, { error: 'must be an absolute folder' }).max(4096).optional(),
});

export const McpHttpServerRequest = z.strictObject({
  ...Common,
  transport: z.literal('http'),
  url: z
    .string({ error: 'is required: the server\'s streamable HTTP endpoint' })
    .max(2048)
    .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), { error: 'must be an http:// or https:// URL' }),
  /** Header name → the name of an environment variable of Jarvis holding its value, so no secret is stored. */
  headers_env: z.record(z.string().regex(HEADER_NAME, { error: 'is not a header name' }), z.string().regex(ENV_NAME, { error: 'must be an environment variable name' })).default({}),
});

export const McpAddServerRequest = z.discriminatedUnion('transport', [McpStdioServerRequest, McpHttpServerRequest], {
  error: 'transport: must be "stdio" or "http"',
});
export type McpAddServerRequest = z.infer<typeof McpAddServerRequest>;
export type McpAddServerInput = z.input<typeof McpAddServerRequest>;

/** What is stored and what will run: the command is resolved to an absolute path before consent. */
export const McpServerConfig = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('stdio'), command: z.string(), args: z.array(z.string()), env: z.array(z.string()), cwd: z.string().nullable(), call_timeout_ms: z.number() }),
  z.object({ transport: z.literal('http'), url: z.string(), headers_env: z.record(z.string(), z.string()), call_timeout_ms: z.number() }),
]);
export type McpServerConfig = z.infer<typeof McpServerConfig>;

export const MCP_SERVER_STATUSES = ['awaiting_consent', 'enabled', 'disabled'] as const;
export const MCP_CONNECTION_STATES = ['not_started', 'connecting', 'connected', 'degraded', 'stopped'] as const;

/** One server's health, as GET /v1/integrations and the MCP screen show it. */
export const McpServerHealth = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  status: z.enum(MCP_SERVER_STATUSES),
  /** degraded: it was connected or tried to be, and is not now; Jarvis retries with backoff. */
  state: z.enum(MCP_CONNECTION_STATES),
  connected: z.boolean(),
  last_error: z.string().nullable(),
  last_connected_at: z.string().nullable(),
  last_failure_at: z.string().nullable(),
  /** Failed attempts since the connection was last stable. */
  attempts: z.number().int(),
  next_retry_at: z.string().nullable(),
  /** The server's process (stdio), while it runs. */
  pid: z.number().int().nullable(),
  server_info: z.object({ name: z.string(), version: z.string() }).nullable(),
  tools: z.number().int(),
  tools_needing_review: z.number().int(),
  /** Messages from the server that were not valid JSON-RPC, on this connection. */
  invalid_messages: z.number().int(),
});
export type McpServerHealth = z.infer<typeof McpServerHealth>;

export const McpServerTool = z.object({
  /** The name in Jarvis's registry: mcp.<server>.<tool>. */
  name: z.string(),
  /** The name the server gave it. */
  mcp_name: z.string(),
  description: z.string(),
  allowed: z.boolean(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  risk: z.enum(RISK_LEVELS),
});

export const McpServerView = z.object({
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  status: z.enum(MCP_SERVER_STATUSES),
  /** Exactly what will run (stdio) or be reached (http), for consent. */
  command_line: z.string(),
  config: McpServerConfig,
  policy: McpTrustPolicy,
  added_by: z.string(),
  added_at: z.string(),
  consented_by: z.string().nullable(),
  consented_at: z.string().nullable(),
  health: McpServerHealth,
  tools: z.array(McpServerTool),
  /** Tools the server offers that could not join the registry, and why. */
  tool_errors: z.array(z.object({ tool: z.string(), message: z.string() })),
});
export type McpServerView = z.infer<typeof McpServerView>;

export const McpServerList = z.object({ servers: z.array(McpServerView) });
export type McpServerList = z.infer<typeof McpServerList>;

/** POST /v1/mcp/servers answers with the server (awaiting consent) and what a person consents to. */
export const McpAddServerResult = z.object({
  server: McpServerView,
  consent: z.object({
    command_line: z.string(),
    /** The environment the server gets: variable names only. */
    environment: z.array(z.string()),
    cwd: z.string().nullable(),
    message: z.string(),
  }),
});
export type McpAddServerResult = z.infer<typeof McpAddServerResult>;

/** PUT /v1/mcp/servers/{name}/policy */
export const McpPolicyRequest = McpTrustPolicy;

/** POST /v1/mcp/servers/{name}/consent: optionally the command line the person saw, refused if it is no longer what would run. */
export const McpConsentRequest = z.strictObject({ command_line: z.string().max(20_000).optional() });

export const MCP_PATHS = {
  servers: '/v1/mcp/servers',
  server: '/v1/mcp/servers/:name',
  consent: '/v1/mcp/servers/:name/consent',
  disable: '/v1/mcp/servers/:name/disable',
  reconnect: '/v1/mcp/servers/:name/reconnect',
  policy: '/v1/mcp/servers/:name/policy',
} as const;
