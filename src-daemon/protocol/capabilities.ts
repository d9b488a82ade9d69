// The capabilities the daemon can carry out: their argument schemas (in code) and the capabilities.json whitelist format.
import { z } from 'zod';
import { EntityId, EntityPattern, HA_ACTIONS, IotConfigureArgs, IotTestArgs, PublishTopic, TopicFilter } from './iot';

export const CAPABILITY_IDS = ['open_app', 'screenshot', 'file_move', 'run_script', 'noop', 'ha.call_service', 'ha.get_state', 'ha.resolve', 'mqtt.publish', 'iot.configure', 'iot.test'] as const;
export type CapabilityId = (typeof CAPABILITY_IDS)[number];

export const RISKS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

/** Exact arguments per capability. A token's `args` must parse with these, strictly. */
export const CAPABILITY_ARGS = {
  open_app: z.strictObject({ app: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9 ._-]*$/i, 'letters, digits, space, . _ - only') }),
  screenshot: z.strictObject({}),
  file_move: z.strictObject({ from: z.string().min(1).max(4096), to: z.string().min(1).max(4096), overwrite: z.boolean().default(false) }),
  run_script: z.strictObject({ script_id: z.string().min(1).max(64), args: z.array(z.string().max(4096)).max(64).default([]) }),
  noop: z.strictObject({}),
  'ha.call_service': z.strictObject({
    domain: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a Home Assistant domain such as light'),
    service: z.string().regex(/^[a-z0-9_]{1,64}$/, 'a service name such as turn_on'),
    entity_id: z.union([EntityId, z.array(EntityId).min(1).max(50)]),
    data: z.record(z.string().max(64), z.unknown()).default({}),
  }),
  'ha.get_state': z.strictObject({ entity_id: EntityId }),
  'ha.resolve': z.strictObject({ name: z.string().trim().min(1).max(200), action: z.enum(HA_ACTIONS), value: z.string().trim().min(1).max(200).optional() }),
  'mqtt.publish': z.strictObject({ topic: PublishTopic, payload: z.string().max(256 * 1024), qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1), retain: z.boolean().default(false) }),
  'iot.configure': IotConfigureArgs,
  'iot.test': IotTestArgs,
} as const satisfies Record<CapabilityId, z.ZodType>;

/** Who must confirm on the daemon's own screen: always, never, or from a risk level up. */
export const ConfirmPolicy = z.union([z.enum(['always', 'never']), z.strictObject({ min_risk: z.enum(RISKS) })]);
export type ConfirmPolicy = z.infer<typeof ConfirmPolicy>;

const Common = {
  risk: z.enum(RISKS),
  confirm: ConfirmPolicy,
  /** Seconds the confirmation dialog waits before it counts as "no". */
  confirm_timeout_s: z.number().int().min(5).max(600).default(60),
};

/** One launch command per OS, as argv (never a shell string). */
const LaunchCommand = z.strictObject({ linux: z.array(z.string().min(1)).min(1).optional(), darwin: z.array(z.string().min(1)).min(1).optional(), win32: z.array(z.string().min(1)).min(1).optional() });

export const CapabilitiesFile = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  capabilities: z.strictObject({
    open_app: z.strictObject({ ...Common, apps: z.record(z.string().regex(/^[a-z0-9][a-z0-9 ._-]*$/i), LaunchCommand) }).optional(),
    screenshot: z.strictObject({ ...Common, folder: z.string().min(1) }).optional(),
    file_move: z.strictObject({ ...Common, roots: z.array(z.string().min(1)).min(1) }).optional(),
    run_script: z
      .strictObject({
        ...Common,
        timeout_s: z.number().int().min(1).max(3600).default(60),
        max_output_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
        scripts: z.record(
          z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
          z.strictObject({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), args: z.array(z.string().regex(/^[a-z_]+$/)).default([]) }),
        ),
      })
      .optional(),
    noop: z.strictObject({ ...Common }).optional(),
    /** Entities (exact ids or "light.*" patterns) the daemon may act on; `critical` marks entities that always need both confirmations. */
    'ha.call_service': z.strictObject({ ...Common, entities: z.array(EntityPattern).max(2000).default([]), critical: z.array(EntityId).max(2000).default([]) }).optional(),
    'ha.get_state': z.strictObject({ ...Common, entities: z.array(EntityPattern).max(2000).default([]) }).optional(),
    'ha.resolve': z.strictObject({ ...Common }).optional(),
    /** MQTT topic filters (+ and # allowed) a publish may go to. */
    'mqtt.publish': z.strictObject({ ...Common, topics: z.array(TopicFilter).max(2000).default([]) }).optional(),
    'iot.configure': z.strictObject({ ...Common }).optional(),
    'iot.test': z.strictObject({ ...Common }).optional(),
  }),
});
export type CapabilitiesFile = z.infer<typeof CapabilitiesFile>;
