// Checks the restart waits: they double from the first failure, stop at the cap and refuse a nonsense count.
import { describe, expect, it } from 'vitest';
import { BackoffPolicy, DEFAULT_BACKOFF, restartDelayMs } from './backoff';

describe('restartDelayMs', () => {
  it('grows by the factor with each failure in a row', () => {
    const policy = { initialMs: 100, factor: 2, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => restartDelayMs(n, policy))).toEqual([100, 200, 400, 800, 1600]);
  });

  it('stops at the cap, however long the crash loop', () => {
    expect(restartDelayMs(8, DEFAULT_BACKOFF)).toBe(30_000);
    expect(restartDelayMs(10_000, DEFAULT_BACKOFF)).toBe(30_000);
  });

  it('keeps a factor of 1 flat', () => {
    expect(restartDelayMs(7, { initialMs: 250, factor: 1, maxMs: 1000 })).toBe(250);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a failure count of %s', (n) => {
    expect(() => restartDelayMs(n)).toThrow(/failures must be an integer >= 1/);
  });

  it('validates a policy, naming the field', () => {
    const parsed = BackoffPolicy.safeParse({ initialMs: 0, factor: 2, maxMs: 1000 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['initialMs']);
  });
});
