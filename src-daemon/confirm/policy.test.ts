// needsConfirmation: the policy table, and unknown input asking rather than skipping the dialog.
import { describe, expect, it } from 'vitest';
import { RISKS, type ConfirmPolicy, type Risk } from '../protocol';
import { needsConfirmation } from './policy';

describe('needsConfirmation', () => {
  it('always asks for "always" and never for "never", at every risk', () => {
    for (const risk of RISKS) {
      expect(needsConfirmation('always', risk)).toBe(true);
      expect(needsConfirmation('never', risk)).toBe(false);
    }
  });

  it('asks from min_risk up', () => {
    const policy: ConfirmPolicy = { min_risk: 'medium' };
    expect(RISKS.map((r) => [r, needsConfirmation(policy, r)])).toEqual([
      ['none', false],
      ['low', false],
      ['medium', true],
      ['high', true],
      ['critical', true],
    ]);
    expect(needsConfirmation({ min_risk: 'none' }, 'none')).toBe(true);
    expect(needsConfirmation({ min_risk: 'critical' }, 'high')).toBe(false);
  });

  it('asks when the policy or the risk is not one it knows (fail closed)', () => {
    expect(needsConfirmation('sometimes' as unknown as ConfirmPolicy, 'none')).toBe(true);
    expect(needsConfirmation(null as unknown as ConfirmPolicy, 'none')).toBe(true);
    expect(needsConfirmation({ min_risk: 'extreme' } as unknown as ConfirmPolicy, 'none')).toBe(true);
    expect(needsConfirmation({ min_risk: 'critical' }, 'weird' as Risk)).toBe(true);
  });
});
