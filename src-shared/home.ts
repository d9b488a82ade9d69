// The home vocabulary the daemon's protocol and the app's contract both speak: entity ids, topics, addresses, health.
import { z } from 'zod';

/** A time stamp as the daemon writes it (ISO 8601). */
export const Iso = z.string().max(40);

/** Home Assistant's shape for an entity id: domain "." object id. */
export const EntityId = z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'an entity id such as light.kitchen');
/** An exact entity id, "light.*" (a whole domain) or "*" (everything). */
export const EntityPattern = z.string().regex(/^(?:\*|[a-z0-9_]+\.\*|[a-z0-9_]+\.[a-z0-9_]+)$/, 'an entity id, a domain pattern such as light.*, or *');
/** An MQTT topic filter: levels separated by "/", "+" a whole level, "#" only last. */
export const TopicFilter = z
  .string()
  .min(1)
  .max(1024)
  .refine((t) => !t.includes('\0') && t.split('/').every((level, i, all) => (level.includes('+') ? level === '+' : true) && (level.includes('#') ? level === '#' && i === all.length - 1 : true)), 'an MQTT topic filter ("+" stands for a whole level, "#" only at the end)');
/** A concrete topic to publish to: no wildcards. */
export const PublishTopic = z
  .string()
  .min(1)
  .max(1024)
  .refine((t) => !/[+#\0]/.test(t), 'a topic without the wildcards + and #');

// Credentials never ride in a URL: they belong in the daemon's secrets file.
const urlWith = (protocols: readonly string[], what: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((u) => {
      if (!URL.canParse(u)) return false;
      const url = new URL(u);
      return protocols.includes(url.protocol) && url.username === '' && url.password === '' && url.hostname !== '';
    }, `${what}, without a user name or password in it`);

export const HaUrl = urlWith(['http:', 'https:', 'ws:', 'wss:'], 'an http(s):// or ws(s):// address of Home Assistant');
export const MqttUrl = urlWith(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'], 'an mqtt:// or mqtts:// address of the broker');

export const Subscription = z.strictObject({
  topic: TopicFilter,
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  /** What payloads this subscription expects; anything else is audited as rejected. */
  format: z.enum(['json', 'text', 'binary']).default('json'),
  /** A JSON Schema the (json) payload must meet. */
  schema: z.record(z.string(), z.unknown()).optional(),
});
export type Subscription = z.infer<typeof Subscription>;

export const AllowLists = z.strictObject({
  call_service: z.array(EntityPattern).max(2000),
  get_state: z.array(EntityPattern).max(2000),
  publish: z.array(TopicFilter).max(2000),
});
export type AllowLists = z.infer<typeof AllowLists>;

export const AdapterHealth = z.strictObject({
  configured: z.boolean(),
  connected: z.boolean(),
  /** When the current state (connected or not) began. */
  since: Iso.nullable(),
  last_message_at: Iso.nullable(),
  last_error: z.string().max(500).nullable(),
  last_error_at: Iso.nullable(),
  reconnects: z.number().int().min(0),
});
export type AdapterHealth = z.infer<typeof AdapterHealth>;

export const IotStatus = z.strictObject({
  ha: AdapterHealth.extend({ url: z.string().nullable(), has_token: z.boolean(), watch: z.array(z.string()), entities: z.number().int().min(0) }),
  mqtt: AdapterHealth.extend({
    url: z.string().nullable(),
    username: z.string().nullable(),
    has_password: z.boolean(),
    client_id: z.string(),
    protocol_version: z.number().int(),
    subscriptions: z.array(Subscription),
  }),
  allow: AllowLists,
  critical: z.array(z.string()),
  /** The daemon's X25519 public key (raw, base64url): seal secrets to it before sending them. */
  seal_key: z.string(),
  /** Events waiting for this app's acknowledgement. */
  backlog: z.number().int().min(0),
});
export type IotStatus = z.infer<typeof IotStatus>;

export const DirectoryEntry = z.strictObject({
  entity_id: z.string().max(255),
  name: z.string().max(255),
  area: z.string().max(255).nullable(),
  state: z.string().max(255),
  allowed: z.boolean(),
  critical: z.boolean(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;
