// Watchers contract: background watchers (the heartbeat first) with their state, enabled or disabled by a person.
import { z } from 'zod';

export const WATCHER_PATHS = { watchers: '/v1/watchers', watcher: '/v1/watchers/:id' } as const;

export const WatcherView = z.object({
  id: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  interval_ms: z.number(),
  ticks: z.number(),
  last_tick_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type WatcherView = z.infer<typeof WatcherView>;

export const WatcherList = z.object({ watchers: z.array(WatcherView) });
export type WatcherList = z.infer<typeof WatcherList>;

export const WatcherPatch = z.strictObject({ enabled: z.boolean() });
export type WatcherPatch = z.infer<typeof WatcherPatch>;
