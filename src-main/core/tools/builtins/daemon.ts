// daemon.<capability>: desktop actions only the privileged daemon carries out, each as a signed single-use command.
import { z } from 'zod';
import { CAPABILITY_ARGS, type CapabilityId, type Risk as ProtocolRisk } from '../../../../src-daemon/protocol';
import { ToolRunError } from '../executor';
import { NO_PERMISSIONS, type Risk, type ToolDefinition } from '../types';

/** What the tools need from the daemon client; null when no daemon is paired. */
export interface DaemonPort {
  paired(): boolean;
  command(cap: CapabilityId, args: Record<string, unknown>, meta: { risk: ProtocolRisk; approval: string; trace: string }): Promise<Record<string, unknown>>;
}

const NOT_PAIRED = 'the Jarvis daemon is not paired, so desktop actions cannot run. Pair one with `jarvis daemon pair <url> <code>`.';

interface Capability {
  cap: Exclude<CapabilityId, 'noop'>;
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
];

export function daemonTools(daemon: DaemonPort | null, riskOf: (cap: string) => Risk | null = () => null): ToolDefinition[] {
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
          return await daemon.command(c.cap, input as Record<string, unknown>, { risk: ctx.gate?.risk ?? 'critical', approval: ctx.gate?.cell ?? 'unknown', trace: ctx.traceId });
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'capability_failed';
          const kind = code === 'unavailable' ? 'not_available' : code === 'denied_by_person' || code === 'confirm_timeout' || code === 'no_display' ? 'gate_denied' : 'tool_error';
          throw new ToolRunError(kind, `The daemon did not ${c.cap.replace('_', ' ')}: ${(err as Error).message}`, { code });
        }
      },
    },
    source: 'builtin',
    review: 'none',
    preview: (input: unknown) => ({ capability: c.cap, via: 'daemon', ...(input as Record<string, unknown>), ...(c.cap === 'file_move' ? { overwrite: (input as { overwrite?: boolean }).overwrite ?? false } : {}) }),
  }));
}
