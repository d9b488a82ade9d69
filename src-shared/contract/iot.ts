// Shapes of the home settings API: Home Assistant and MQTT connections, allow-lists, critical marks, live health and the entity list.
import { z } from 'zod';
import { AllowLists, DirectoryEntry, EntityId, EntityPattern, HaUrl, IotStatus, MqttUrl, Subscription, TopicFilter } from '../home';

export { IotStatus, DirectoryEntry };

/** The app's side of the link: whether inbound events flow, and what the daemon last reported. */
export const IotLink = z.object({
  connected: z.boolean(),
  since: z.string().nullable(),
  last_event_at: z.string().nullable(),
  last_error: z.string().nullable(),
  events_received: z.number().int(),
});

/** GET /v1/iot */
export const IotView = z.object({
  paired: z.boolean(),
  link: IotLink.nullable(),
  /** Null until the daemon has reported (not paired, or not yet connected). */
  status: IotStatus.nullable(),
});
export type IotView = z.infer<typeof IotView>;

/** GET /v1/iot/entities?q=&allowed= */
export const IotEntities = z.object({ entities: z.array(DirectoryEntry), total: z.number().int() });
export type IotEntities = z.infer<typeof IotEntities>;

// Secrets are typed here in plain text (over the loopback API only); the app seals them to the daemon's key before they leave it.
const Secret = z.string().min(1, { error: 'must not be empty; send null to forget the stored one' }).max(4096);

/** PUT /v1/iot/ha — `token` absent keeps the stored one, null forgets it. */
export const IotHaSettingsRequest = z.strictObject({
  url: HaUrl.nullable(),
  token: Secret.nullable().optional(),
  watch: z.array(EntityPattern).max(500).optional(),
});
export type IotHaSettingsRequest = z.infer<typeof IotHaSettingsRequest>;

/** PUT /v1/iot/mqtt — `password` absent keeps the stored one, null forgets it. */
export const IotMqttSettingsRequest = z.strictObject({
  url: MqttUrl.nullable(),
  username: z.string().min(1).max(256).nullable().optional(),
  password: Secret.nullable().optional(),
  client_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'letters, digits, - and _ (at most 64)' }).optional(),
  protocol_version: z.union([z.literal(4), z.literal(5)]).optional(),
  subscriptions: z.array(Subscription).max(200).optional(),
  tls: z.strictObject({ ca_file: z.string().min(1).max(4096).optional(), reject_unauthorized: z.boolean().default(true) }).optional(),
});
export type IotMqttSettingsRequest = z.infer<typeof IotMqttSettingsRequest>;

/** PUT /v1/iot/allow-lists — each list left out stays as it is. */
export const IotAllowListsRequest = AllowLists.partial().refine((a) => Object.keys(a).length > 0, { error: 'name at least one of call_service, get_state, publish' });
export type IotAllowListsRequest = z.infer<typeof IotAllowListsRequest>;

/** PUT /v1/iot/critical — the whole list of entities marked critical. */
export const IotCriticalRequest = z.strictObject({ entities: z.array(EntityId).max(2000) });
export type IotCriticalRequest = z.infer<typeof IotCriticalRequest>;

/** POST /v1/iot/test — without url, the stored address with its stored credentials. */
export const IotTestRequest = z.strictObject({
  target: z.enum(['ha', 'mqtt']),
  url: z.string().trim().max(2048).optional(),
  username: z.string().min(1).max(256).optional(),
  secret: Secret.optional(),
});
export type IotTestRequest = z.infer<typeof IotTestRequest>;

export const IotTestResult = z.object({ target: z.enum(['ha', 'mqtt']), ok: z.boolean(), error: z.string().optional(), version: z.string().optional() });
export type IotTestResult = z.infer<typeof IotTestResult>;

/** What a settings change answers: the sections changed and the daemon's status after it. */
export const IotChangeResult = z.object({ changed: z.array(z.string()), status: IotStatus });
export type IotChangeResult = z.infer<typeof IotChangeResult>;

export { TopicFilter };
