// One normalizer per channel: raw input → the fields of a MessageEvent (text, source, thread), declared as data.
import { z } from 'zod';
import type { Channel } from '../../../src-shared/contract/events';

interface Normalizer {
  payload: z.ZodType<Record<string, unknown>>;
  /** The text the router reads; null for events that are data, not requests. */
  text(payload: Record<string, unknown>): string | null;
  /** Where the event came from within its channel (a topic, an entity, a schedule). */
  source(payload: Record<string, unknown>): string;
  /** Whether a person asked for this and waits for a reply. */
  userInitiated: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const TextPayload = z.looseObject({ text: z.string().trim().min(1, 'text must not be empty').max(10_000) });

export const NORMALIZERS: Readonly<Record<Channel, Normalizer>> = Object.freeze({
  api: { payload: TextPayload, text: (p) => str(p.text), source: () => 'api', userInitiated: true },
  ui: { payload: TextPayload, text: (p) => str(p.text), source: () => 'ui', userInitiated: true },
  hotkey: { payload: TextPayload, text: (p) => str(p.text), source: () => 'hotkey', userInitiated: true },
  schedule: {
    payload: z.looseObject({ schedule_id: z.string(), goal: z.string().optional() }),
    text: (p) => str(p.goal),
    source: (p) => `schedule:${String(p.schedule_id)}`,
    userInitiated: false,
  },
  rule: {
    payload: z.looseObject({ rule_id: z.string(), goal: z.string().optional() }),
    text: (p) => str(p.goal),
    source: (p) => `rule:${String(p.rule_id)}`,
    userInitiated: false,
  },
  mqtt: {
    payload: z.looseObject({ topic: z.string().min(1), payload: z.unknown() }),
    text: () => null,
    source: (p) => `mqtt:${String(p.topic)}`,
    userInitiated: false,
  },
  ha: {
    payload: z.looseObject({ entity_id: z.string().min(1), event_type: z.string().default('state_changed') }),
    text: () => null,
    source: (p) => `ha:${String(p.entity_id)}`,
    userInitiated: false,
  },
  mcp: {
    payload: z.looseObject({ server: z.string().min(1), text: z.string().optional() }),
    text: (p) => str(p.text),
    source: (p) => `mcp:${String(p.server)}`,
    userInitiated: true,
  },
});

export interface Normalized {
  text: string | null;
  source: string;
  payload: Record<string, unknown>;
  userInitiated: boolean;
}

export class InvalidEventError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function normalize(channel: Channel, payload: unknown): Normalized {
  const n = NORMALIZERS[channel];
  const parsed = n.payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['payload', ...(issue?.path ?? [])].join('.');
    throw new InvalidEventError(field, `${field}: ${issue?.message ?? 'invalid'} (channel ${channel})`);
  }
  return { text: n.text(parsed.data), source: n.source(parsed.data), payload: parsed.data, userInitiated: n.userInitiated };
}
