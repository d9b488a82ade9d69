// The home part of the protocol: Home Assistant and MQTT settings, the inbound channel's claims (events, health, entity directory).
import { z } from 'zod';
import { AllowLists, DirectoryEntry, EntityId, EntityPattern, HaUrl, IotStatus, Iso, MqttUrl, Subscription } from '../../src-shared/home';

export { AdapterHealth, AllowLists, DirectoryEntry, EntityId, EntityPattern, HaUrl, IotStatus, MqttUrl, PublishTopic, Subscription, TopicFilter } from '../../src-shared/home';

/** The JWS `typ` of the token an app sends to receive inbound events on a connection. */
export const SUBSCRIBE_TYP = 'jarvis-subscribe+jwt';
/** The JWS `typ` of an inbound frame signed by the daemon. */
export const INBOUND_TYP = 'jarvis-inbound+jwt';
/** Most events in one signed frame; the app acknowledges whole frames. */
export const MAX_INBOUND_BATCH = 256;
/** Largest MQTT payload forwarded; a larger one is audited as rejected. */
export const MAX_MQTT_PAYLOAD_BYTES = 256 * 1024;

export const HA_ACTIONS = ['turn_on', 'turn_off', 'toggle', 'lock', 'unlock', 'set'] as const;
export type HaAction = (typeof HA_ACTIONS)[number];

/** A secret sealed to the daemon's X25519 key (see seal.ts): "v1.<epk>.<iv>.<ciphertext>.<tag>", base64url parts. */
export const Sealed = z.string().max(8192).regex(/^v1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{22}$/, 'a secret sealed to the daemon key');

export const HaSettings = z.strictObject({
  url: HaUrl.nullable(),
  /** Absent: keep the stored token; null: forget it. */
  token: z.union([Sealed, z.null()]).optional(),
  /** Which entities' state changes travel to the app. */
  watch: z.array(EntityPattern).max(500).default(['*']),
});
export type HaSettings = z.infer<typeof HaSettings>;

export const MqttSettings = z.strictObject({
  url: MqttUrl.nullable(),
  username: z.string().min(1).max(256).nullable().default(null),
  password: z.union([Sealed, z.null()]).optional(),
  /** Fixed, so the broker keeps this client's session (and its queued QoS 1 messages) across reconnects. */
  client_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)').optional(),
  protocol_version: z.union([z.literal(4), z.literal(5)]).default(5),
  subscriptions: z.array(Subscription).max(200).default([]),
  tls: z.strictObject({ ca_file: z.string().min(1).max(4096).optional(), reject_unauthorized: z.boolean().default(true) }).optional(),
});
export type MqttSettings = z.infer<typeof MqttSettings>;

/** One signed change of the daemon's home settings; each part left out stays as it is. */
export const IotConfigureArgs = z.strictObject({
  ha: HaSettings.optional(),
  mqtt: MqttSettings.optional(),
  allow: AllowLists.partial().optional(),
  critical: z.array(EntityId).max(2000).optional(),
});
export type IotConfigureArgs = z.infer<typeof IotConfigureArgs>;

/** Try a connection without keeping anything. Stored credentials are used only for the stored address. */
export const IotTestArgs = z.strictObject({
  target: z.enum(['ha', 'mqtt']),
  url: z.string().trim().max(2048).optional(),
  username: z.string().min(1).max(256).optional(),
  secret: Sealed.optional(),
});
export type IotTestArgs = z.infer<typeof IotTestArgs>;

export const SubscribeClaims = z.strictObject({
  iss: z.string().regex(/^[0-9a-f]{64}$/),
  aud: z.string().regex(/^[0-9a-f]{64}$/),
  jti: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type SubscribeClaims = z.infer<typeof SubscribeClaims>;

const StateView = z.strictObject({ state: z.string().max(255), attributes: z.record(z.string(), z.unknown()), last_changed: Iso, last_updated: Iso });

export const InboundEvent = z.discriminatedUnion('kind', [
  z.strictObject({
    seq: z.number().int().positive(),
    kind: z.literal('mqtt'),
    topic: z.string().max(1024),
    payload: z.unknown(),
    qos: z.number().int().min(0).max(2),
    retain: z.boolean(),
    message_id: z.string().max(200).nullable(),
    dedupe_key: z.string().max(300),
    received_at: Iso,
  }),
  z.strictObject({
    seq: z.number().int().positive(),
    kind: z.literal('ha'),
    entity_id: z.string().max(255),
    event_type: z.literal('state_changed'),
    old_state: StateView.nullable(),
    new_state: StateView.nullable(),
    context_id: z.string().max(128),
    /** The trace of the command whose service call caused this change, when the daemon knows it. */
    trace: z.string().max(128).nullable(),
    dedupe_key: z.string().max(300),
    received_at: Iso,
  }),
  /** A message that did not meet its subscription: only where and why, never its payload. */
  z.strictObject({ seq: z.number().int().positive(), kind: z.literal('rejected'), source: z.enum(['mqtt', 'ha']), topic: z.string().max(1024), reason: z.string().max(500), bytes: z.number().int().min(0), received_at: Iso }),
]);
export type InboundEvent = z.infer<typeof InboundEvent>;

export const InboundBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('events'), events: z.array(InboundEvent).min(1).max(MAX_INBOUND_BATCH) }),
  z.strictObject({ kind: z.literal('status'), status: IotStatus }),
  /** The whole entity list, in parts: the app replaces its copy when the last part arrives. */
  z.strictObject({ kind: z.literal('directory'), version: z.number().int(), part: z.number().int().min(0), parts: z.number().int().min(1), entities: z.array(DirectoryEntry).max(500) }),
]);
export type InboundBody = z.infer<typeof InboundBody>;

export const InboundClaims = z.strictObject({
  /** The daemon id. */
  iss: z.string(),
  /** The app key fingerprint it is meant for. */
  aud: z.string(),
  iat: z.number().int(),
  body: InboundBody,
});
export type InboundClaims = z.infer<typeof InboundClaims>;
