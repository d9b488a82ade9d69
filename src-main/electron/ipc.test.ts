// Checks the IPC handlers: the sender check (origin, top frame, window), payload validation naming the field, and the actions run.
import { describe, expect, it, vi } from 'vitest';
import { createIpcDispatcher, IPC_CHANNEL_NAMES, type IpcActions, type IpcSender } from './ipc';
import { IPC_CHANNELS } from './ipc-channels';

const ORIGIN = 'http://127.0.0.1:7723';
const quick: IpcSender = { frameUrl: `${ORIGIN}/#/quick-goal`, isMainFrame: true, window: 'quick-goal' };

function setup() {
  const actions = { closeQuickGoal: vi.fn<() => void>(), goalSubmitted: vi.fn<IpcActions['goalSubmitted']>(), openMain: vi.fn<(route: string | null) => void>() } satisfies IpcActions;
  const dispatch = createIpcDispatcher(ORIGIN, actions);
  const ran = () => actions.closeQuickGoal.mock.calls.length + actions.goalSubmitted.mock.calls.length + actions.openMain.mock.calls.length;
  return { actions, dispatch, ran };
}

describe('createIpcDispatcher', () => {
  it('handles exactly the channels the preload offers', () => {
    expect([...IPC_CHANNEL_NAMES].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
  });

  it('runs each action for the goal box with a valid payload', () => {
    const { actions, dispatch } = setup();
    expect(dispatch(IPC_CHANNELS.closeQuickGoal, quick, undefined)).toEqual({ ok: true });
    expect(actions.closeQuickGoal).toHaveBeenCalledTimes(1);
    expect(dispatch(IPC_CHANNELS.goalSubmitted, quick, { task_id: 'tsk_01H', goal: '  echo hello ' })).toEqual({ ok: true });
    expect(actions.goalSubmitted).toHaveBeenCalledWith({ task_id: 'tsk_01H', goal: 'echo hello' });
    expect(dispatch(IPC_CHANNELS.openMain, quick, { route: '#/tasks/tsk_01H' })).toEqual({ ok: true });
    expect(dispatch(IPC_CHANNELS.openMain, quick, {})).toEqual({ ok: true });
    expect(actions.openMain.mock.calls).toEqual([['#/tasks/tsk_01H'], [null]]);
  });

  it.each<[string, IpcSender]>([
    ['a foreign origin', { ...quick, frameUrl: 'https://evil.example/' }],
    ['a look-alike host', { ...quick, frameUrl: 'http://127.0.0.1:7723.evil.example/' }],
    ['another port on loopback', { ...quick, frameUrl: 'http://127.0.0.1:7724/' }],
    ['a file: page', { ...quick, frameUrl: 'file:///etc/passwd' }],
    ['a frame that is gone', { ...quick, frameUrl: null }],
    ['a sub-frame of the app', { ...quick, isMainFrame: false }],
    ['the main window, for a goal-box channel', { ...quick, window: 'main' }],
    ['a window the shell did not make', { ...quick, window: null }],
  ])('refuses %s before reading the payload', (_label, sender) => {
    const { dispatch, ran } = setup();
    for (const channel of IPC_CHANNEL_NAMES) {
      const reply = dispatch(channel, sender, channel === IPC_CHANNELS.closeQuickGoal ? undefined : {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(ran()).toBe(0);
  });

  it.each<[string, string, unknown, RegExp]>([
    ['a payload where none belongs', IPC_CHANNELS.closeQuickGoal, { x: 1 }, /^payload: /],
    ['an empty goal', IPC_CHANNELS.goalSubmitted, { task_id: null, goal: '   ' }, /^payload\.goal: /],
    ['a goal that is not text', IPC_CHANNELS.goalSubmitted, { task_id: null, goal: 42 }, /^payload\.goal: /],
    ['a task id with odd characters', IPC_CHANNELS.goalSubmitted, { task_id: '../x', goal: 'hi' }, /^payload\.task_id: a task id/],
    ['an unknown field', IPC_CHANNELS.goalSubmitted, { task_id: null, goal: 'hi', run: true }, /run/],
    ['a URL instead of a route', IPC_CHANNELS.openMain, { route: 'https://evil.example/' }, /^payload\.route: a route of the app/],
    ['a route that tries a script', IPC_CHANNELS.openMain, { route: '#/x"><script>' }, /^payload\.route: /],
    ['no object at all', IPC_CHANNELS.openMain, 'open', /^payload: /],
  ])('refuses %s, naming the field', (_label, channel, payload, message) => {
    const { dispatch, ran } = setup();
    const reply = dispatch(channel, quick, payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!reply.ok) expect(reply.error.message).toMatch(message);
    expect(ran()).toBe(0);
  });

  it('refuses a channel it does not know, including inherited names', () => {
    const { dispatch } = setup();
    expect(dispatch('jarvis:shell:exec', quick, {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(dispatch('toString', quick, {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(dispatch('__proto__', quick, {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });
});
