// WS /v1/stream messages. The token travels as a subprotocol or in the first message, never in the URL.
import { z } from 'zod';
import { AuditEvent } from './audit';
import { ERROR_CODES } from './errors';
import { Reply } from './events';
import { TaskProgress } from './agent';
import { Approval } from './safety';

/** Subprotocol every client offers; the server echoes it once the client is authenticated. */
export const STREAM_PROTOCOL = 'jarvis.v1';
/** Prefix of the subprotocol that carries the bearer token: `bearer.<token>`. */
export const STREAM_BEARER_PREFIX = 'bearer.';
/** How long an unauthenticated socket may stay open waiting for its `auth` message. */
export const STREAM_AUTH_TIMEOUT_MS = 5000;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(256) }),
  z.strictObject({ type: z.literal('ping'), id: z.string().max(64).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), version: z.string() }),
  z.object({ type: z.literal('audit'), event: AuditEvent }),
  z.object({ type: z.literal('pong'), id: z.string().optional() }),
  z.object({ type: z.literal('response'), response: Reply }),
  z.object({ type: z.literal('task'), task: TaskProgress }),
  z.object({ type: z.literal('approval'), approval: Approval }),
  z.object({
    type: z.literal('error'),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
