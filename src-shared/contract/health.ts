// GET /health: the one open route.
import { z } from 'zod';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptime_s: z.number(),
  database: z.object({ ok: z.boolean(), error: z.string().optional() }),
  last_heartbeat: z.string().nullable(),
});
export type Health = z.infer<typeof Health>;
