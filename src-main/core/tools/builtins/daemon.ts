// daemon.<capability>: desktop actions that only the privileged daemon may carry out; until one is paired they report so.
import { z } from 'zod';
import { ToolRunError } from '../executor';
import { NO_PERMISSIONS, type Risk, type ToolDefinition } from '../types';

const NOT_PAIRED = 'the Jarvis daemon is not paired, so desktop actions cannot run. Pair one with `jarvis daemon pair <url> <code>`.';

interface Capability {
  cap: string;
  description: string;
  input: z.ZodType;
  output: z.ZodType;
  risk: Risk;
  idempotent: boolean;
}

const CAPABILITIES: readonly Capability[] = [
  { cap: 'open_app', description: 'Opens an allow-listed application.', input: z.strictObject({ app: z.string().min(1).max(64) }), output: z.object({ pid: z.number().optional() }), risk: 'medium', idempotent: false },
  { cap: 'screenshot', description: 'Saves a PNG of the whole screen.', input: z.strictObject({}), output: z.object({ path: z.string() }), risk: 'medium', idempotent: false },
  {
    cap: 'file_move',
    description: 'Moves a file between allowed folders.',
    input: z.strictObject({ from: z.string().min(1), to: z.string().min(1), overwrite: z.boolean().optional() }),
    output: z.object({ from: z.string(), to: z.string() }),
    risk: 'medium',
    idempotent: false,
  },
  {
    cap: 'run_script',
    description: 'Runs a pinned, allow-listed script.',
    input: z.strictObject({ script_id: z.string().min(1), args: z.array(z.string()).default([]) }),
    output: z.object({ exit_code: z.number(), stdout: z.string() }),
    risk: 'high',
    idempotent: false,
  },
];

export function daemonTools(): ToolDefinition[] {
  return CAPABILITIES.map((c) => ({
    name: `daemon.${c.cap}`,
    version: '0.1.0',
    description: c.description,
    input: c.input,
    output: c.output,
    // The main process itself touches nothing: the daemon does, under its own whitelist and dialog.
    permissions: NO_PERMISSIONS,
    risk: c.risk,
    idempotent: c.idempotent,
    runner: {
      kind: 'inline',
      run: () => {
        throw new ToolRunError('not_available', `Not run: ${NOT_PAIRED}`);
      },
    },
    source: 'builtin',
    review: 'none',
    preview: (input: unknown) => ({ capability: c.cap, via: 'daemon', ...(input as Record<string, unknown>), ...(c.cap === 'file_move' ? { overwrite: (input as { overwrite?: boolean }).overwrite ?? false } : {}) }),
  }));
}
