// Health polling state and the words used for uptime and heartbeat age.
import { describe, expect, it } from 'vitest';
import type { Health } from '../../../../src-shared/contract';
import { createHealthStore, formatAge, formatUptime } from './store';

const HEALTH: Health = { status: 'ok', version: '0.1.0', uptime_s: 12.3, database: { ok: true }, last_heartbeat: null };

describe('health store', () => {
  it('records the answer and when it came', async () => {
    const store = createHealthStore();
    await store.getState().refresh(async () => HEALTH, () => 1000);
    expect(store.getState()).toMatchObject({ health: HEALTH, checkedAt: 1000, error: null });
  });

  it('keeps the last answer when a check fails, with the reason', async () => {
    const store = createHealthStore();
    await store.getState().refresh(async () => HEALTH, () => 1000);
    await store.getState().refresh(() => Promise.reject(new Error('Cannot reach Jarvis')), () => 6000);
    expect(store.getState()).toMatchObject({ health: HEALTH, checkedAt: 6000, error: 'Cannot reach Jarvis' });
    await store.getState().refresh(async () => HEALTH, () => 11_000);
    expect(store.getState().error).toBeNull();
  });
});

describe('formatting', () => {
  it.each([
    [0, '0s'],
    [59.9, '59s'],
    [61, '1m 01s'],
    [3600 + 5 * 60, '1h 05m'],
    [2 * 86_400 + 3 * 3600 + 4 * 60, '2d 3h 4m'],
    [-1, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('uptime %s s reads %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });

  it('ages a heartbeat against the moment of the check', () => {
    const at = Date.parse('2025-01-01T00:00:00Z');
    expect(formatAge('2025-01-01T00:00:00Z', at + 4_400)).toBe('4 s ago');
    expect(formatAge('2025-01-01T00:00:00Z', at + 5 * 60_000)).toBe('5 min ago');
    expect(formatAge('2025-01-01T00:00:00Z', at - 2000)).toBe('0 s ago');
    expect(formatAge('not a time', at)).toBeNull();
  });
});
