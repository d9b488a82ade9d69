// Checks when an install updates itself and from where, and the "restart to update" prompt.
import { describe, expect, it } from 'vitest';
import { restartToUpdateDialog, updateChoiceOf, updatePlan, type UpdateFacts } from './update-plan';

const facts = (over: Partial<UpdateFacts> = {}): UpdateFacts => ({ autoUpdate: true, updateFeedUrl: '', isPackaged: true, platform: 'darwin', appImage: undefined, ...over });

describe('updatePlan', () => {
  it('uses the built-in feed unless settings name one', () => {
    expect(updatePlan(facts())).toEqual({ enabled: true, feed: null });
    expect(updatePlan(facts({ platform: 'win32', updateFeedUrl: 'https://updates.example.org/jarvis' }))).toEqual({
      enabled: true,
      feed: { provider: 'generic', url: 'https://updates.example.org/jarvis' },
    });
  });

  it.each<[string, Partial<UpdateFacts>, RegExp]>([
    ['turned off', { autoUpdate: false }, /turned off in settings/],
    ['a development build', { isPackaged: false }, /development build/],
    ['a Linux package install', { platform: 'linux' }, /package manager/],
    ['an http feed', { updateFeedUrl: 'http://updates.example.org/' }, /not https/],
  ])('stays off for %s, saying why', (_label, over, reason) => {
    const plan = updatePlan(facts(over));
    expect(plan.enabled).toBe(false);
    if (!plan.enabled) expect(plan.reason).toMatch(reason);
  });

  it('updates an AppImage on Linux', () => {
    expect(updatePlan(facts({ platform: 'linux', appImage: '/home/ana/Jarvis.AppImage' }))).toEqual({ enabled: true, feed: null });
  });
});

describe('restartToUpdateDialog', () => {
  it('offers Restart now as the default and Later on Esc', () => {
    const dialog = restartToUpdateDialog('0.2.0');
    expect(dialog.message).toBe('Jarvis 0.2.0 is ready to install.');
    expect(dialog.buttons).toEqual(['Later', 'Restart now']);
    expect(updateChoiceOf(dialog.defaultId ?? -1)).toBe('restart');
    expect(updateChoiceOf(dialog.cancelId ?? -1)).toBe('later');
    expect(updateChoiceOf(9)).toBe('later');
    expect(dialog.detail).toMatch(/resume after the restart/);
  });
});
