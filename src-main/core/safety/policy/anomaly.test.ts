// The anomaly guard over an injected clock: steady traffic, one finding per burst, repeated refusals inside and outside the window.
import { describe, expect, it } from 'vitest';
import { AnomalyGuard, type AnomalyFinding } from './index';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);

/** Sends `perMinute` evenly spaced calls for `minutes`, starting at `start`; returns every finding. */
function steady(guard: AnomalyGuard, source: string, tool: string, perMinute: number, minutes: number, start: number): AnomalyFinding[] {
  const found: AnomalyFinding[] = [];
  const gap = 60_000 / perMinute;
  for (let i = 0; i < perMinute * minutes; i += 1) {
    const f = guard.recordCall(source, tool, start + Math.floor(i * gap));
    if (f) found.push(f);
  }
  return found;
}

describe('bursts', () => {
  it('says nothing about steady traffic', () => {
    const guard = new AnomalyGuard();
    expect(steady(guard, 'llm', 'http_request', 20, 120, T0)).toEqual([]);
    expect(guard.usualRate('llm', 'http_request', T0 + 120 * 60_000)).toBeCloseTo(20, 0);
  });

  it('reports a burst once, with the rate and the usual rate', () => {
    const guard = new AnomalyGuard();
    expect(steady(guard, 'llm', 'http_request', 2, 60, T0)).toEqual([]);
    const start = T0 + 60 * 60_000;
    const found = steady(guard, 'llm', 'http_request', 200, 1, start);
    expect(found).toHaveLength(1);
    expect(found[0]).toEqual({ kind: 'burst', source: 'llm', tool: 'http_request', rate_per_minute: 31, usual_per_minute: 2 });
  });

  it('takes ten times the usual rate when that is above the minimum', () => {
    const guard = new AnomalyGuard();
    // Warm up at 10/min: the usual rate settles near 10, so a burst needs more than 100 in a minute.
    expect(steady(guard, 'rule:lights', 'ha.call_service', 10, 120, T0)).toEqual([]);
    const start = T0 + 120 * 60_000;
    expect(steady(guard, 'rule:lights', 'ha.call_service', 90, 1, start)).toEqual([]);
    const found = steady(guard, 'rule:lights', 'ha.call_service', 300, 1, start + 60_000);
    expect(found).toHaveLength(1);
    // The 90-call minute nudged the usual rate to about 18 (0.1 × 90 + 0.9 × 10): the burst needs about 180.
    const f = found[0];
    expect(f?.kind).toBe('burst');
    if (f?.kind === 'burst') {
      expect(f.usual_per_minute).toBeCloseTo(18, 0);
      expect(f.rate_per_minute).toBeGreaterThan(179);
      expect(f.rate_per_minute).toBeLessThanOrEqual(181);
    }
  });

  it('starts a new tool from a usual rate of one a minute, not zero', () => {
    const guard = new AnomalyGuard();
    expect(steady(guard, 'llm', 'echo', 30, 1, T0)).toEqual([]);
    expect(steady(new AnomalyGuard(), 'llm', 'echo', 31, 1, T0)).toHaveLength(1);
  });

  it('reports again only after the rate has fallen back', () => {
    const guard = new AnomalyGuard();
    expect(steady(guard, 'llm', 'echo', 100, 3, T0)).toHaveLength(1);
    // Quiet for ten minutes, then a fresh burst (well above the usual rate it has learnt) is a new episode.
    expect(steady(guard, 'llm', 'echo', 300, 1, T0 + 13 * 60_000)).toHaveLength(1);
  });

  it('keeps each source and tool apart', () => {
    const guard = new AnomalyGuard();
    expect(steady(guard, 'llm', 'echo', 20, 1, T0)).toEqual([]);
    expect(steady(guard, 'llm', 'noop', 20, 1, T0)).toEqual([]);
    expect(steady(guard, 'schedule', 'echo', 20, 1, T0)).toEqual([]);
  });

  it('counts calls whose clock stepped back at the latest time seen', () => {
    const guard = new AnomalyGuard({ minBurstPerMinute: 5, burstFactor: 1 });
    const found: AnomalyFinding[] = [];
    for (let i = 0; i < 6; i += 1) {
      const f = guard.recordCall('llm', 'echo', T0 + 30_000 - i * 10_000);
      if (f) found.push(f);
    }
    expect(found).toHaveLength(1);
  });

  it('honours its options and refuses nonsense ones', () => {
    const guard = new AnomalyGuard({ burstFactor: 3, minBurstPerMinute: 5 });
    expect(steady(guard, 'llm', 'echo', 6, 1, T0)).toHaveLength(1);
    expect(() => new AnomalyGuard({ burstFactor: 0 })).toThrow(RangeError);
    expect(() => new AnomalyGuard({ denialsToPause: 2.5 })).toThrow(RangeError);
    expect(() => new AnomalyGuard({ denialWindowMs: -1 })).toThrow(RangeError);
  });
});

describe('repeated denials', () => {
  it('reports five refusals within a minute, once', () => {
    const guard = new AnomalyGuard();
    const results = [0, 5_000, 10_000, 20_000, 30_000, 35_000, 40_000].map((dt) => guard.recordDenial('llm', T0 + dt));
    expect(results.slice(0, 4)).toEqual([null, null, null, null]);
    expect(results[4]).toEqual({ kind: 'repeated_denials', source: 'llm', denials: 5, window_ms: 60_000 });
    expect(results.slice(5)).toEqual([null, null]);
  });

  it('says nothing when the refusals are spread over more than the window', () => {
    const guard = new AnomalyGuard();
    for (let i = 0; i < 20; i += 1) expect(guard.recordDenial('llm', T0 + i * 15_001)).toBeNull();
  });

  it('starts a new episode after things calm down', () => {
    const guard = new AnomalyGuard();
    const burst = (start: number): (AnomalyFinding | null)[] => [0, 1, 2, 3, 4].map((i) => guard.recordDenial('llm', start + i * 1000));
    expect(burst(T0).filter(Boolean)).toHaveLength(1);
    expect(burst(T0 + 10 * 60_000).filter(Boolean)).toHaveLength(1);
  });

  it('keeps sources apart and uses the configured window', () => {
    const guard = new AnomalyGuard({ denialsToPause: 3, denialWindowMs: 10_000 });
    expect(guard.recordDenial('a', T0)).toBeNull();
    expect(guard.recordDenial('b', T0)).toBeNull();
    expect(guard.recordDenial('a', T0 + 1000)).toBeNull();
    // The first two have left the 10 s window by now.
    expect(guard.recordDenial('a', T0 + 11_000)).toBeNull();
    expect(guard.recordDenial('a', T0 + 12_000)).toBeNull();
    expect(guard.recordDenial('a', T0 + 13_000)).toEqual({ kind: 'repeated_denials', source: 'a', denials: 3, window_ms: 10_000 });
  });
});
