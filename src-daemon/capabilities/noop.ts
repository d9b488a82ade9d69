// noop: does nothing and says so; lets benchmarks measure the whole path (verify, confirm, reply) without touching the OS.
import type { z } from 'zod';
import type { CAPABILITY_ARGS } from '../protocol';
import { entryOf, type CapabilityContext } from './context';

export async function runNoop(_args: z.infer<typeof CAPABILITY_ARGS.noop>, ctx: CapabilityContext): Promise<{ ok: true }> {
  entryOf(ctx, 'noop');
  return { ok: true };
}
