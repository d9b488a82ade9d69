// The router cascade: each stage's outcome is recorded, filters stop muted and ignored events, and the seams answer in order.
import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../../src-shared/contract/events';
import { Router } from './router';

const event = (text: string | null, source = 'api'): MessageEvent => ({
  id: 'e1',
  channel: 'api',
  source,
  thread_id: null,
  text,
  payload: {},
  received_at: new Date().toISOString(),
  trace_id: 't1',
  parent_event_id: null,
  dedupe_key: null,
});

describe('Router', () => {
  it('routes a fastpath intent and records every stage it passed', async () => {
    const route = await new Router({ mutedSources: [], ignorePatterns: [] }).route(event('echo hi'));
    expect(route.decision).toEqual({
      lane: 'fastpath',
      intent: 'echo',
      slots: { text: 'hi' },
      stages: [
        { stage: 'filters', outcome: 'pass' },
        { stage: 'rules', outcome: 'unavailable', detail: 'no rules engine yet' },
        { stage: 'fastpath', outcome: 'matched', detail: 'echo' },
      ],
    });
    expect(route.steps).toEqual([{ tool: 'echo', input: { text: 'hi' } }]);
  });

  it('drops muted sources and ignored text at the filter stage', async () => {
    const router = new Router({ mutedSources: ['mqtt:noisy'], ignorePatterns: ['^ignore me'] });
    expect((await router.route(event('echo x', 'mqtt:noisy'))).decision).toMatchObject({ lane: 'filtered', stages: [{ stage: 'filters', outcome: 'blocked' }] });
    expect((await router.route(event('Ignore me please'))).decision.lane).toBe('filtered');
  });

  it('without an LLM an unknown request is unhandled, saying why', async () => {
    const route = await new Router({ mutedSources: [], ignorePatterns: [] }).route(event('paint the fence'));
    expect(route.decision.lane).toBe('unhandled');
    expect(route.decision.stages.at(-1)).toEqual({ stage: 'llm', outcome: 'unavailable', detail: 'no language model is configured' });
    expect(route.steps).toBeNull();
  });

  it('asks the rules stage before the fastpath, and the LLM stage last', async () => {
    const asked: string[] = [];
    const router = new Router({
      mutedSources: [],
      ignorePatterns: [],
      rules: { match: (e) => (asked.push('rules'), e.text === 'rule me' ? { rule: 'r1', steps: [{ tool: 'noop', input: {} }] } : null) },
      llm: { plan: async () => (asked.push('llm'), { steps: [{ tool: 'echo', input: { text: 'from llm' } }], detail: 'planned' }) },
    });
    expect((await router.route(event('rule me'))).decision.lane).toBe('rule');
    expect((await router.route(event('echo hi'))).decision.lane).toBe('fastpath');
    expect((await router.route(event('something else'))).decision.lane).toBe('llm');
    expect(asked).toEqual(['rules', 'rules', 'rules', 'llm']);
  });
});
