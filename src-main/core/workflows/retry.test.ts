// Retry policies: field-by-field merging, the back-off sequence with and without jitter, and when to retry.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, effectiveRetryPolicy, shouldRetry, type EffectiveRetryPolicy } from './index';

describe('effectiveRetryPolicy', () => {
  it('uses the defaults when neither the workflow nor the step says anything', () => {
    expect(effectiveRetryPolicy({}, {})).toEqual({
      max_attempts: 1,
      backoff: { initial_ms: 1000, multiplier: 2, max_ms: 60000, jitter: true },
      retry_on: ['timeout', 'tool_error', 'crashed', 'not_available'],
    });
  });

  it('takes each field from the step, else the workflow, else the defaults, back-off fields separately', () => {
    const def = { retry_policy: { max_attempts: 3, backoff: { initial_ms: 500, max_ms: 10_000 }, retry_on: ['timeout' as const] } };
    const step = { retry_policy: { max_attempts: 5, backoff: { initial_ms: 250, jitter: false } } };
    expect(effectiveRetryPolicy(def, step)).toEqual({
      max_attempts: 5,
      backoff: { initial_ms: 250, multiplier: 2, max_ms: 10_000, jitter: false },
      retry_on: ['timeout'],
    });
  });

  it('lets a step replace the retry_on list, including with an empty one', () => {
    const def = { retry_policy: { retry_on: ['timeout' as const, 'crashed' as const] } };
    expect(effectiveRetryPolicy(def, { retry_policy: { retry_on: [] } }).retry_on).toEqual([]);
    expect(effectiveRetryPolicy(def, {}).retry_on).toEqual(['timeout', 'crashed']);
  });

  it('hands out copies the caller may change', () => {
    const policy = effectiveRetryPolicy({}, {});
    policy.retry_on.push('aborted');
    expect(DEFAULT_RETRY_POLICY.retry_on).not.toContain('aborted');
  });
});

const policy = (backoff: Partial<EffectiveRetryPolicy['backoff']> = {}): Pick<EffectiveRetryPolicy, 'backoff'> => ({
  backoff: { initial_ms: 1000, multiplier: 2, max_ms: 60_000, jitter: false, ...backoff },
});

describe('backoffDelayMs', () => {
  it('grows exponentially and stops at max_ms without jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(policy(), n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('handles other multipliers, a zero start and huge attempt numbers', () => {
    expect([1, 2, 3].map((n) => backoffDelayMs(policy({ initial_ms: 100, multiplier: 1.5 }), n))).toEqual([100, 150, 225]);
    expect([1, 2, 3].map((n) => backoffDelayMs(policy({ multiplier: 1 }), n))).toEqual([1000, 1000, 1000]);
    expect(backoffDelayMs(policy({ initial_ms: 0 }), 5000)).toBe(0);
    expect(backoffDelayMs(policy(), 100_000)).toBe(60_000);
  });

  it('with jitter draws from [delay/2, delay] using the injected random', () => {
    const jittered = policy({ jitter: true });
    expect(backoffDelayMs(jittered, 3, () => 0)).toBe(2000);
    expect(backoffDelayMs(jittered, 3, () => 0.5)).toBe(3000);
    expect(backoffDelayMs(jittered, 3, () => 0.999999)).toBe(4000);
    expect(backoffDelayMs(jittered, 10, () => 0.25)).toBe(37_500);
    const randoms = [0.1, 0.9, 0.4];
    expect([1, 2, 3].map((n) => backoffDelayMs(jittered, n, () => randoms[n - 1] ?? 0))).toEqual([550, 1900, 2800]);
  });

  it('stays within [delay/2, delay] with the real random', () => {
    for (let i = 0; i < 200; i += 1) {
      const d = backoffDelayMs(policy({ jitter: true }), 2);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it('refuses attempt numbers below 1 or fractional', () => {
    expect(() => backoffDelayMs(policy(), 0)).toThrow(RangeError);
    expect(() => backoffDelayMs(policy(), 1.5)).toThrow(RangeError);
  });
});

describe('shouldRetry', () => {
  const p = { max_attempts: 3, retry_on: ['timeout', 'crashed'] };

  it('retries listed kinds while attempts remain', () => {
    expect(shouldRetry(p, 'timeout', 1)).toBe(true);
    expect(shouldRetry(p, 'crashed', 2)).toBe(true);
    expect(shouldRetry(p, 'timeout', 3)).toBe(false);
    expect(shouldRetry(p, 'timeout', 4)).toBe(false);
  });

  it('never retries unlisted kinds', () => {
    expect(shouldRetry(p, 'tool_error', 1)).toBe(false);
    expect(shouldRetry(p, 'invalid_input', 1)).toBe(false);
    expect(shouldRetry(p, 'something_new', 1)).toBe(false);
  });

  it('never retries under the default policy (one attempt)', () => {
    expect(shouldRetry(effectiveRetryPolicy({}, {}), 'timeout', 1)).toBe(false);
  });
});
