// Messages on the daemon's WebSocket, and the claims of the signed tokens they carry. The daemon validates every one.
import { z } from 'zod';
import { CAPABILITY_IDS, RISKS } from './capabilities';

export const PROTOCOL_VERSION = 1;
/** The JWS `typ` of a command token; anything else is refused. */
export const COMMAND_TYP = 'jarvis-command+jwt';
/** The JWS `typ` of a kill-switch message. */
export const KILL_TYP = 'jarvis-kill+jwt';
/** The JWS `typ` of a reply signed by the daemon. */
export const REPLY_TYP = 'jarvis-reply+jwt';
/** The only signature algorithm accepted. */
export const ALGORITHM = 'EdDSA';
/** Longest a command token may live. */
export const MAX_TOKEN_LIFETIME_S = 60;
/** Clock skew tolerated for iat in the future. */
export const MAX_CLOCK_SKEW_S = 5;
/** Largest WebSocket message the daemon reads. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const DEFAULT_DAEMON_PORT = 7724;

export const CommandClaims = z.strictObject({
  /** The app key's fingerprint (sha256 of its raw public key, hex). */
  iss: z.string().regex(/^[0-9a-f]{64}$/),
  /** The daemon id: binds the machine id to the daemon's key. */
  aud: z.string().regex(/^[0-9a-f]{64}$/),
  /** ≥ 128-bit random nonce, base64url. */
  jti: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  iat: z.number().int(),
  exp: z.number().int(),
  cap: z.enum(CAPABILITY_IDS),
  args: z.record(z.string(), z.unknown()),
  risk: z.enum(RISKS),
  /** What allowed it in the app: an approval id, a grant id, or the policy cell. */
  approval: z.string().min(1).max(200),
  trace: z.string().min(1).max(128),
  reason: z.string().max(500).optional(),
});
export type CommandClaims = z.infer<typeof CommandClaims>;

export const KillClaims = z.strictObject({
  iss: z.string().regex(/^[0-9a-f]{64}$/),
  aud: z.string().regex(/^[0-9a-f]{64}$/),
  jti: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  iat: z.number().int(),
  exp: z.number().int(),
  /** Every command token issued before this instant (seconds) is refused. */
  kill_before: z.number().int(),
});
export type KillClaims = z.infer<typeof KillClaims>;

export const ReplyClaims = z.strictObject({
  iss: z.string(),
  aud: z.string(),
  in_reply_to: z.string(),
  iat: z.number().int(),
  ok: z.boolean(),
  output: z.unknown().optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type ReplyClaims = z.infer<typeof ReplyClaims>;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('pair'),
    /** The app's Ed25519 public key, raw 32 bytes, base64url. */
    app_key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    app_name: z.string().min(1).max(100),
    /** HMAC-SHA256(key = the one-time code, data = app_key + "." + daemon id), base64url: proves the code without sending it. */
    proof: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  }),
  z.strictObject({ type: z.literal('command'), id: z.string().min(1).max(64), token: z.string().min(1).max(32 * 1024) }),
  z.strictObject({ type: z.literal('kill'), token: z.string().min(1).max(4096) }),
  z.strictObject({ type: z.literal('ping'), id: z.string().max(64).optional() }),
  /** Asks for inbound events, health and the entity directory on this connection; the token (SUBSCRIBE_TYP) proves a paired app. */
  z.strictObject({ type: z.literal('subscribe'), token: z.string().min(1).max(4096) }),
  /** Every inbound event up to and including `seq` is stored by the app: the daemon may forget it. */
  z.strictObject({ type: z.literal('ack'), seq: z.number().int().min(0) }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const DaemonMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), daemon_id: z.string(), daemon_key: z.string(), protocol: z.number().int() }),
  z.strictObject({ type: z.literal('paired'), daemon_id: z.string(), daemon_key: z.string(), app_fingerprint: z.string() }),
  /** `reply` is a JWS signed by the daemon (typ REPLY_TYP) with ReplyClaims. */
  z.strictObject({ type: z.literal('result'), id: z.string(), reply: z.string() }),
  z.strictObject({ type: z.literal('killed'), kill_before: z.number().int() }),
  z.strictObject({ type: z.literal('pong'), id: z.string().optional() }),
  z.strictObject({ type: z.literal('error'), id: z.string().optional(), error: z.strictObject({ code: z.string(), message: z.string() }) }),
  z.strictObject({ type: z.literal('subscribed'), app_fingerprint: z.string() }),
  /** `frame` is a JWS signed by the daemon (typ INBOUND_TYP) with InboundClaims. */
  z.strictObject({ type: z.literal('inbound'), frame: z.string() }),
]);
export type DaemonMessage = z.infer<typeof DaemonMessage>;

/** Why the daemon refused something; each is audited in the daemon's own trail. */
export const REFUSALS = [
  'malformed',
  'too_large',
  'bad_signature',
  'unpaired_key',
  'bad_algorithm',
  'bad_typ',
  'wrong_audience',
  'expired',
  'lifetime_too_long',
  'issued_in_future',
  'missing_jti',
  'replayed',
  'issued_before_restart',
  'args_mismatch',
  'not_whitelisted',
  'outside_allow_list',
  'killed',
  'denied_by_person',
  'no_display',
  'confirm_timeout',
  'bad_pairing_code',
  'capability_failed',
] as const;
export type Refusal = (typeof REFUSALS)[number];
