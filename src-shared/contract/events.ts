// Events, routing decisions, tool calls and their results, and replies: the pipeline's shapes as clients see them.
import { z } from 'zod';

export const CHANNELS = ['api', 'ui', 'hotkey', 'schedule', 'rule', 'mqtt', 'ha', 'mcp'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels a client may post to; the others are fed by Jarvis's own adapters and cannot be spoofed over HTTP. */
export const POSTABLE_CHANNELS = ['api', 'ui', 'hotkey'] as const;

/** Largest event payload accepted, as serialised JSON. */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;

export const MessageEvent = z.object({
  id: z.string(),
  channel: z.enum(CHANNELS),
  source: z.string(),
  thread_id: z.string().nullable(),
  text: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  received_at: z.string(),
  trace_id: z.string(),
  parent_event_id: z.string().nullable(),
  dedupe_key: z.string().nullable(),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

export const PostEvent = z.strictObject({
  channel: z.enum(POSTABLE_CHANNELS, { error: `channel must be one of ${POSTABLE_CHANNELS.join(', ')}` }),
  payload: z.record(z.string(), z.unknown()),
  dedupe_key: z.string().min(1).max(256).optional(),
  thread_id: z.string().min(1).max(128).optional(),
});
export type PostEvent = z.infer<typeof PostEvent>;

export const PostEventQuery = z.strictObject({
  /** Wait (up to 30 s) for the reply instead of answering as soon as the event is stored. */
  wait: z.enum(['true', 'false']).optional(),
});

export const RoutingStage = z.object({
  stage: z.enum(['filters', 'rules', 'fastpath', 'llm']),
  outcome: z.enum(['pass', 'blocked', 'no_match', 'matched', 'unavailable']),
  detail: z.string().optional(),
});

export const RoutingDecision = z.object({
  lane: z.enum(['filtered', 'rule', 'fastpath', 'llm', 'unhandled']),
  intent: z.string().nullable(),
  slots: z.record(z.string(), z.unknown()),
  stages: z.array(RoutingStage),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;

export const ToolCall = z.object({
  id: z.string(),
  tool: z.string(),
  input: z.unknown(),
  idempotency_key: z.string().nullable(),
  trace_id: z.string(),
  task_id: z.string().nullable(),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const EXECUTION_ERROR_KINDS = [
  'unknown_tool',
  'disabled',
  'invalid_input',
  'permission_denied',
  'gate_denied',
  'timeout',
  'output_too_large',
  'invalid_output',
  'tool_error',
  'crashed',
  'aborted',
  'not_available',
] as const;
export type ExecutionErrorKind = (typeof EXECUTION_ERROR_KINDS)[number];

export const ExecutionResult = z.object({
  call_id: z.string(),
  tool: z.string(),
  status: z.enum(['succeeded', 'failed', 'rejected', 'waiting_approval']),
  /** Set when the call waits for a person: the approval to decide. */
  approval_id: z.string().optional(),
  output: z.unknown().optional(),
  error: z.object({ kind: z.enum(EXECUTION_ERROR_KINDS), message: z.string(), details: z.unknown().optional() }).optional(),
  duration_ms: z.number(),
  /** true when an earlier call with the same idempotency key answered and nothing ran. */
  replayed: z.boolean(),
});
export type ExecutionResult = z.infer<typeof ExecutionResult>;

export const Reply = z.object({
  id: z.string(),
  event_id: z.string().nullable(),
  trace_id: z.string(),
  channel: z.string(),
  text: z.string(),
  created_at: z.string(),
});
export type Reply = z.infer<typeof Reply>;

export const PostEventResult = z.object({
  event_id: z.string(),
  trace_id: z.string(),
  deduped: z.boolean(),
  /** For a deduped event: the earlier event it repeats. */
  original_event_id: z.string().optional(),
  task_id: z.string().nullable().optional(),
  status: z.string().optional(),
  reply: z.string().nullable().optional(),
});
export type PostEventResult = z.infer<typeof PostEventResult>;

export const EventListQuery = z.strictObject({
  channel: z.enum(CHANNELS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const EventSummary = MessageEvent.extend({ status: z.string(), reply: z.string().nullable() });
export const EventList = z.object({ events: z.array(EventSummary) });
export type EventList = z.infer<typeof EventList>;
