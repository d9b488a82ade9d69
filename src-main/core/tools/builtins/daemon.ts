// daemon.<capability>: desktop and home actions only the privileged daemon carries out, each as a signed single-use command.
import { z } from 'zod';
import { CAPABILITY_ARGS, type CapabilityId, type Risk as ProtocolRisk } from '../../../../src-daemon/protocol';
import { ToolRunError } from '../executor';
import { NO_PERMISSIONS, type Risk, type ToolDefinition } from '../types';

/** What the tools need from the daemon client; null when no daemon is paired. */
export interface DaemonPort {
  paired(): boolean;
  command(cap: CapabilityId, args: Record<string, unknown>, meta: { risk: ProtocolRisk; approval: string; trace: string }): Promise<Record<string, unknown>>;
  /** The daemon's last word on an entity (name and state), for dry-run previews; absent when not wired. */
  entity?(entityId: string): { name: string; state: string } | undefined;
}

type HomeCap = 'ha.call_service' | 'ha.get_state' | 'ha.resolve' | 'mqtt.publish';

const NOT_PAIRED = 'the Jarvis daemon is not paired, so desktop actions cannot run. Pair one with `jarvis daemon pair <url> <code>`.';

interface Capability {
  cap: Exclude<CapabilityId, 'noop' | 'iot.configure' | 'iot.test'>;
  description: string;
  output: z.ZodType;
  /** Used when capabilities.json does not list the capability. */
  fallbackRisk: Risk;
}

const CAPABILITIES: readonly Capability[] = [
  { cap: 'open_app', description: 'Opens an allow-listed application.', output: z.looseObject({ pid: z.number().optional() }), fallbackRisk: 'medium' },
  { cap: 'screenshot', description: 'Saves a PNG of the whole screen.', output: z.looseObject({ path: z.string() }), fallbackRisk: 'medium' },
  { cap: 'file_move', description: 'Moves a file between allowed folders.', output: z.looseObject({ from: z.string(), to: z.string() }), fallbackRisk: 'medium' },
  { cap: 'run_script', description: 'Runs a pinned, allow-listed script.', output: z.looseObject({ exit_code: z.number() }), fallbackRisk: 'high' },
  { cap: 'ha.call_service', description: 'Calls a Home Assistant service on allow-listed entities (locks, alarms and covers always need both confirmations).', output: z.looseObject({ summary: z.string() }), fallbackRisk: 'low' },
  { cap: 'ha.get_state', description: 'Reads the current state of an allow-listed Home Assistant entity.', output: z.looseObject({ entity_id: z.string(), state: z.string() }), fallbackRisk: 'none' },
  { cap: 'ha.resolve', description: 'Finds the Home Assistant entity a name means ("the kitchen light") and the service call for an action.', output: z.looseObject({ entity_id: z.string(), domain: z.string(), service: z.string() }), fallbackRisk: 'none' },
  { cap: 'mqtt.publish', description: 'Publishes a message to an allow-listed MQTT topic.', output: z.looseObject({ topic: z.string() }), fallbackRisk: 'medium' },
];

const VERBS: Record<string, string> = { turn_on: 'turn on', turn_off: 'turn off', toggle: 'toggle', lock: 'lock', unlock: 'unlock', open_cover: 'open', close_cover: 'close', set_temperature: 'set the temperature of', set_value: 'set', select_option: 'set', set_percentage: 'set the speed of', set_cover_position: 'set the position of' };

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The dry-run preview, in words and with the state it would change: "would turn on light.kitchen (now off)". */
function homePreview(cap: HomeCap, input: Record<string, unknown>, known: (id: string) => { name: string; state: string } | undefined): Record<string, unknown> {
  const base = { capability: cap, via: 'daemon', ...input };
  switch (cap) {
    case 'ha.call_service': {
      const domain = text(input.domain);
      const service = text(input.service);
      const raw = input.entity_id;
      const ids = Array.isArray(raw) ? raw.filter((i): i is string => typeof i === 'string') : typeof raw === 'string' ? [raw] : [];
      // Planned from an earlier step: the entity is known only once that step has run.
      if (!domain || !service || ids.length === 0) return { ...base, summary: 'would call the Home Assistant service an earlier step resolves' };
      const now = Object.fromEntries(ids.map((id) => [id, known(id)?.state ?? null]));
      const data = input.data && typeof input.data === 'object' && Object.keys(input.data).length ? ` with ${JSON.stringify(input.data)}` : '';
      const verb = VERBS[service] ?? `call ${domain}.${service} on`;
      return { ...base, summary: `would ${verb} ${ids.map((id) => `${id} (now ${now[id] ?? 'unknown'})`).join(', ')}${data}`, current_state: now };
    }
    case 'ha.get_state':
      return { ...base, summary: `would read the state of ${text(input.entity_id) ?? 'an entity'}` };
    case 'ha.resolve':
      return { ...base, summary: `would look up which entity "${text(input.name) ?? ''}" means` };
    case 'mqtt.publish': {
      const payload = text(input.payload) ?? '';
      return { ...base, summary: `would publish ${Buffer.byteLength(payload)} bytes to ${text(input.topic) ?? '?'} (QoS ${String(input.qos ?? 1)}${input.retain ? ', retained' : ''})` };
    }
    default: {
      const never: never = cap;
      return { ...base, summary: `would run ${String(never)}` };
    }
  }
}

const isHome = (cap: string): cap is HomeCap => cap.startsWith('ha.') || cap.startsWith('mqtt.');

export function daemonTools(daemon: DaemonPort | null, riskOf: (cap: string) => Risk | null = () => null): ToolDefinition[] {
  // What the home tools last learnt about each entity: a resolve or a read just before a call makes its preview exact.
  const seen = new Map<string, { name: string; state: string }>();
  const known = (id: string) => daemon?.entity?.(id) ?? seen.get(id);
  const learn = (output: Record<string, unknown>): void => {
    const id = text(output.entity_id);
    const state = text(output.state);
    if (id && state !== null) seen.set(id, { name: text(output.name) ?? id, state });
    for (const c of Array.isArray(output.changes) ? (output.changes as { entity_id?: unknown; to?: unknown }[]) : []) {
      if (typeof c.entity_id === 'string' && typeof c.to === 'string') seen.set(c.entity_id, { name: seen.get(c.entity_id)?.name ?? c.entity_id, state: c.to });
    }
  };
  return CAPABILITIES.map((c) => ({
    name: `daemon.${c.cap}`,
    version: '1.0.0',
    description: c.description,
    input: CAPABILITY_ARGS[c.cap],
    output: c.output,
    // The main process itself touches nothing: the daemon does, under its own whitelist and dialog.
    permissions: NO_PERMISSIONS,
    risk: riskOf(c.cap) ?? c.fallbackRisk,
    idempotent: false,
    runner: {
      kind: 'inline',
      run: async (input, ctx) => {
        if (!daemon?.paired()) throw new ToolRunError('not_available', `Not run: ${NOT_PAIRED}`);
        try {
          const output = await daemon.command(c.cap, input as Record<string, unknown>, { risk: ctx.gate?.risk ?? 'critical', approval: ctx.gate?.cell ?? 'unknown', trace: ctx.traceId });
          if (isHome(c.cap)) learn(output);
          return output;
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'capability_failed';
          const kind = code === 'unavailable' ? 'not_available' : code === 'denied_by_person' || code === 'confirm_timeout' || code === 'no_display' ? 'gate_denied' : 'tool_error';
          throw new ToolRunError(kind, `The daemon did not ${c.cap.replace(/[_.]/g, ' ')}: ${(err as Error).message}`, { code });
        }
      },
    },
    source: 'builtin',
    review: 'none',
    preview: (input: unknown) =>
      isHome(c.cap)
        ? homePreview(c.cap, (input ?? {}) as Record<string, unknown>, known)
        : { capability: c.cap, via: 'daemon', ...(input as Record<string, unknown>), ...(c.cap === 'file_move' ? { overwrite: (input as { overwrite?: boolean }).overwrite ?? false } : {}) },
  }));
}
