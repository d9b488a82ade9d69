// How long the supervisor waits before restarting a daemon that stopped: exponential, capped, reset once it has been stable.
import { z } from 'zod';

export const BackoffPolicy = z.strictObject({
  /** Wait before the first restart. */
  initialMs: z.number().int().min(1).max(3_600_000),
  /** Each further failure in a row multiplies the wait by this. */
  factor: z.number().min(1).max(10),
  /** The wait never grows beyond this, so a daemon that keeps crashing is still retried now and then. */
  maxMs: z.number().int().min(1).max(3_600_000),
});
export type BackoffPolicy = z.infer<typeof BackoffPolicy>;

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 500, factor: 2, maxMs: 30_000 });

/** The wait before restart number `failures` (1 = the first failure in a row). */
export function restartDelayMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be an integer >= 1, got ${failures}.`);
  // Computed in steps so a long crash loop cannot overflow to Infinity before the cap applies.
  let delay = policy.initialMs;
  for (let i = 1; i < failures && delay < policy.maxMs; i += 1) delay *= policy.factor;
  return Math.min(Math.round(delay), policy.maxMs);
}
