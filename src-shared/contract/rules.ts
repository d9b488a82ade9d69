// Rules contract: trigger, declarative conditions, actions, debounce / dedupe / cooldown, quiet hours, and the per-rule log.
import { z } from 'zod';
import { TimeZone } from './schedules';

export const RULE_PATHS = { rules: '/v1/rules', rule: '/v1/rules/:id' } as const;

export const RULE_CHANNELS = ['ha', 'mqtt', 'schedule', 'rule', 'api', 'ui', 'hotkey', 'mcp'] as const;

/** Which events wake the rule: a channel, optionally an event type and a pattern on the entity, topic or source. */
export const RuleTrigger = z.strictObject({
  channel: z.enum(RULE_CHANNELS),
  event_type: z.string().min(1).max(100).optional(),
  /** ha: an entity id ("binary_sensor.front_door", "light.*"); mqtt: a topic filter with + and #; others: the source ("schedule:*"). */
  match: z.string().min(1).max(300).optional(),
});
export type RuleTrigger = z.infer<typeof RuleTrigger>;

const Path = z.string().regex(/^(channel|source|text|payload)(\.[A-Za-z0-9_-]+)*$/, 'must be channel, source, text or payload.<key>… (dot-separated keys)');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (24-hour)');
const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

export type Condition =
  | { op: 'eq' | 'ne'; path: string; value: string | number | boolean | null }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; path: string; value: number }
  | { op: 'regex'; path: string; pattern: string; flags?: 'i' | undefined }
  | { op: 'time'; after: string; before: string; timezone?: string | undefined; days?: number[] | undefined }
  | { op: 'state'; entity_id: string; equals?: string | undefined; above?: number | undefined; below?: number | undefined }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ op: z.enum(['eq', 'ne']), path: Path, value: Scalar }),
    z.strictObject({ op: z.enum(['gt', 'gte', 'lt', 'lte']), path: Path, value: z.number() }),
    z.strictObject({ op: z.literal('regex'), path: Path, pattern: z.string().min(1).max(200), flags: z.literal('i').optional() }),
    z.strictObject({ op: z.literal('time'), after: HHMM, before: HHMM, timezone: TimeZone.optional(), days: z.array(z.number().int().min(0).max(6)).max(7).optional() }),
    z.strictObject({ op: z.literal('state'), entity_id: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'must be an entity id such as "sun.sun"'), equals: z.string().max(255).optional(), above: z.number().optional(), below: z.number().optional() }),
    z.strictObject({ all: z.array(Condition).min(1).max(20) }),
    z.strictObject({ any: z.array(Condition).min(1).max(20) }),
    z.strictObject({ not: Condition }),
  ]),
);

/** What firing does. None of them can carry an approval: a rule's calls meet the gate like any unattended call. */
export const RuleAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('emit'), goal: z.string().trim().min(1).max(2000).optional(), data: z.record(z.string(), z.unknown()).optional() }),
  z.strictObject({ type: z.literal('tool'), tool: z.string().min(1).max(200), input: z.record(z.string(), z.unknown()).default({}) }),
  z.strictObject({ type: z.literal('workflow'), workflow_id: z.string().min(1), input: z.record(z.string(), z.unknown()).optional() }),
  z.strictObject({ type: z.literal('notify'), text: z.string().trim().min(1).max(2000) }),
]);
export type RuleAction = z.infer<typeof RuleAction>;

export const QuietHours = z.strictObject({
  start: HHMM,
  end: HHMM,
  timezone: TimeZone.default('UTC'),
  /** Days the window starts on (0 = Sunday); empty: every day. */
  days: z.array(z.number().int().min(0).max(6)).max(7).default([]),
  policy: z.enum(['suppress', 'defer']),
});
export type QuietHours = z.infer<typeof QuietHours>;

const Window = z.number().int().min(0).max(7 * 24 * 3_600_000);

export const RuleCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  trigger: RuleTrigger,
  /** All must hold (use { any: [...] } for or). */
  conditions: z.array(Condition).max(20).default([]),
  actions: z.array(RuleAction).min(1).max(10),
  debounce_ms: Window.default(0),
  dedupe_ms: Window.default(0),
  cooldown_ms: Window.default(0),
  quiet_hours: QuietHours.nullable().default(null),
});
export type RuleCreate = z.infer<typeof RuleCreate>;

export const RulePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    trigger: RuleTrigger.optional(),
    conditions: z.array(Condition).max(20).optional(),
    actions: z.array(RuleAction).min(1).max(10).optional(),
    debounce_ms: Window.optional(),
    dedupe_ms: Window.optional(),
    cooldown_ms: Window.optional(),
    quiet_hours: QuietHours.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type RulePatch = z.infer<typeof RulePatch>;

export const RuleLogEntry = z.object({
  at: z.string(),
  outcome: z.enum(['triggered', 'suppressed', 'deferred', 'loop_stopped', 'action_failed', 'action_refused']),
  reason: z.string().nullable(),
  event_id: z.string().nullable(),
  trace_id: z.string().nullable(),
});
export type RuleLogEntry = z.infer<typeof RuleLogEntry>;

export const RuleView = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  trigger: RuleTrigger,
  conditions: z.array(Condition),
  actions: z.array(RuleAction),
  debounce_ms: z.number(),
  dedupe_ms: z.number(),
  cooldown_ms: z.number(),
  quiet_hours: QuietHours.nullable(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  /** The newest triggers and suppressions first (up to 20). */
  recent: z.array(RuleLogEntry),
});
export type RuleView = z.infer<typeof RuleView>;

export const RuleList = z.object({ rules: z.array(RuleView) });
export type RuleList = z.infer<typeof RuleList>;
