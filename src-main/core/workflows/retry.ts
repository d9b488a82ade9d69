// Retry policies: defaults merged field by field (workflow, then step), exponential back-off with jitter, when to retry.
import type { ExecutionErrorKind } from '../../../src-shared/contract/events';
import type { RetryPolicy } from './schema';

/** A policy with every field decided, as the engine stores it beside a step. */
export interface EffectiveRetryPolicy {
  /** Attempts in all, the first included: 1 means no retry. */
  max_attempts: number;
  backoff: { initial_ms: number; multiplier: number; max_ms: number; jitter: boolean };
  retry_on: ExecutionErrorKind[];
}

/** Used for whatever neither the step nor the workflow says. */
export const DEFAULT_RETRY_POLICY: { readonly max_attempts: number; readonly backoff: Readonly<EffectiveRetryPolicy['backoff']>; readonly retry_on: readonly ExecutionErrorKind[] } = Object.freeze({
  max_attempts: 1,
  backoff: Object.freeze({ initial_ms: 1000, multiplier: 2, max_ms: 60_000, jitter: true }),
  retry_on: Object.freeze(['timeout', 'tool_error', 'crashed', 'not_available'] as const),
});

/**
 * The policy a step runs under: each field (each back-off field separately) comes from the step's policy, else the
 * workflow's, else DEFAULT_RETRY_POLICY. A retry_on list replaces the one below it; lists are not merged.
 */
export function effectiveRetryPolicy(def: { retry_policy?: RetryPolicy | undefined }, step: { retry_policy?: RetryPolicy | undefined }): EffectiveRetryPolicy {
  const s = step.retry_policy;
  const w = def.retry_policy;
  const d = DEFAULT_RETRY_POLICY;
  return {
    max_attempts: s?.max_attempts ?? w?.max_attempts ?? d.max_attempts,
    backoff: {
      initial_ms: s?.backoff?.initial_ms ?? w?.backoff?.initial_ms ?? d.backoff.initial_ms,
      multiplier: s?.backoff?.multiplier ?? w?.backoff?.multiplier ?? d.backoff.multiplier,
      max_ms: s?.backoff?.max_ms ?? w?.backoff?.max_ms ?? d.backoff.max_ms,
      jitter: s?.backoff?.jitter ?? w?.backoff?.jitter ?? d.backoff.jitter,
    },
    retry_on: [...(s?.retry_on ?? w?.retry_on ?? d.retry_on)],
  };
}

/**
 * How long to wait after failed attempt number `attempt` (1-based) before attempt `attempt + 1`:
 * min(max_ms, initial_ms × multiplier^(attempt − 1)), in whole milliseconds.
 *
 * With jitter the wait is drawn uniformly from [delay/2, delay]: half of it fixed, half random (what the AWS
 * Architecture Blog calls "equal jitter"; its "full jitter" draws from [0, delay]). Keeping the fixed half means a
 * retry never comes back almost at once, while the random half still spreads retries that failed together.
 * `random` is injectable for tests and must return a number in [0, 1).
 */
export function backoffDelayMs(policy: { backoff: EffectiveRetryPolicy['backoff'] }, attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, not ${attempt}`);
  const { initial_ms, multiplier, max_ms, jitter } = policy.backoff;
  // 0 × Infinity would be NaN, and a huge exponent overflows to Infinity; both end at the cap or at zero.
  const grown = initial_ms === 0 ? 0 : initial_ms * multiplier ** (attempt - 1);
  const delay = Number.isFinite(grown) ? Math.min(grown, max_ms) : max_ms;
  if (!jitter) return Math.round(delay);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(delay / 2 + (r * delay) / 2);
}

/** Whether to try again after `attemptsMade` attempts (the failed one included) ended with `errorKind`. */
export function shouldRetry(policy: { max_attempts: number; retry_on: readonly string[] }, errorKind: string, attemptsMade: number): boolean {
  return attemptsMade < policy.max_attempts && policy.retry_on.includes(errorKind);
}
