// Fastpath intents: what each pattern understands, the typed slots it yields, and the reply templates.
import { describe, expect, it } from 'vitest';
import { fillSteps, INTENTS, matchIntent, renderTemplate } from './intents';

const match = (text: string) => {
  const m = matchIntent(text);
  return m ? { intent: m.intent.id, slots: m.slots } : null;
};

describe('matchIntent', () => {
  it.each([
    ['echo hello', 'echo', { text: 'hello' }],
    ['ping', 'ping', {}],
    ['set a timer for 5 minutes', 'timer.set', { amount: 5, unit: 'minute' }],
    ['timer 30s for tea', 'timer.set', { amount: 30, unit: 'second', label: 'tea' }],
    ['set timer for 2 hours', 'timer.set', { amount: 2, unit: 'hour' }],
    ['fetch https://example.com/a?b=1', 'http.fetch', { url: 'https://example.com/a?b=1' }],
    ['open calculator', 'open_app', { app: 'calculator' }],
    ['launch the text editor app', 'open_app', { app: 'text editor' }],
    ['take a screenshot', 'screenshot', {}],
    ['screenshot', 'screenshot', {}],
    ['move ~/Downloads/a.pdf to ~/Documents', 'file.move', { from: '~/Downloads/a.pdf', to: '~/Documents' }],
    ['task status', 'task.status', {}],
    ['status of task 0123abcd-0000-4000-8000-000000000000', 'task.status', { task_id: '0123abcd-0000-4000-8000-000000000000' }],
    ['cancel task 0123abcd-0000-4000-8000-000000000000', 'task.cancel', { task_id: '0123abcd-0000-4000-8000-000000000000' }],
  ])('%s → %s', (text, intent, slots) => {
    expect(match(text)).toEqual({ intent, slots });
  });

  it.each(['paint the fence', 'fetch ftp://x', 'set a timer for lots of minutes', 'cancel task xyz', ''])('%j matches nothing', (text) => {
    expect(match(text)).toBeNull();
  });

  it('every intent declares examples its own patterns understand', () => {
    for (const intent of INTENTS) {
      for (const example of intent.examples.filter((e) => !e.includes('…'))) expect(matchIntent(example)?.intent.id).toBe(intent.id);
    }
  });
});

describe('fillSteps and renderTemplate', () => {
  it('fills $slots into step inputs and drops absent optional ones', () => {
    const timer = INTENTS.find((i) => i.id === 'timer.set');
    if (!timer) throw new Error('no timer intent');
    expect(fillSteps(timer, { amount: 5, unit: 'minute' })).toEqual([{ tool: 'timer.set', input: { amount: 5, unit: 'minute' } }]);
  });

  it('renders paths, truncates with |N, and renders missing values as empty', () => {
    const ctx = { slots: { url: 'https://a' }, output: { status: 200, body: 'abcdef' } };
    expect(renderTemplate('{{slots.url}} {{output.status}} {{output.body|3}} [{{error.message}}]', ctx)).toBe('https://a 200 abc… []');
  });
});
