// The kill switch and autonomy as the page holds them: one change at a time, and failures in words.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import { Refusal, scriptedServer } from '../../lib/scripted-server';
import { changesControls, createControlsStore } from './controls-store';
import { explain } from './errors';
import { controls } from './fixtures';

describe('controls store', () => {
  it('turns the kill switch on with the body the server expects and shows the answer', async () => {
    const server = scriptedServer({ 'POST /v1/controls/kill-switch': (body: unknown) => controls({ kill_switch: { on: (body as { on: boolean }).on, since: '2025-01-01T00:00:00Z', by: 'p' } }) });
    const store = createControlsStore();
    await store.getState().setKillSwitch(server.api, true);
    expect(server.requests[0]?.body).toEqual({ on: true });
    expect(store.getState().controls?.kill_switch.on).toBe(true);
    expect(store.getState().pending).toBeNull();
  });

  it('sends one change at a time', async () => {
    let release: (v: unknown) => void = () => undefined;
    const server = scriptedServer({ 'POST /v1/controls/autonomy': () => new Promise((r) => (release = r)) });
    const store = createControlsStore();
    const first = store.getState().setAutonomy(server.api, 'A1');
    await store.getState().setAutonomy(server.api, 'A3');
    expect(server.requests).toHaveLength(1);
    release(controls({ autonomy: 'A1' }));
    await first;
    expect(store.getState().controls?.autonomy).toBe('A1');
  });

  it('a refused change says why and what to do', async () => {
    const server = scriptedServer({ 'POST /v1/controls/kill-switch': new Refusal(403, 'forbidden', 'POST /v1/controls/kill-switch needs the owner role; this token is a member.') });
    const store = createControlsStore();
    await store.getState().setKillSwitch(server.api, true);
    expect(store.getState().error).toBe('POST /v1/controls/kill-switch needs the owner role; this token is a member. Sign in with the owner’s link to do this.');
  });

  it('knows which audit rows change the controls', () => {
    expect(['safety.kill_switch_on', 'safety.kill_switch_off', 'safety.autonomy_changed', 'safety.source_paused'].every(changesControls)).toBe(true);
    expect(changesControls('tool_call.succeeded')).toBe(false);
  });
});

describe('explain', () => {
  it('adds what to do to the server’s words, and leaves other errors as they are', () => {
    expect(explain(new ApiError(0, 'network', 'Cannot reach Jarvis (Failed to fetch). Is it still running?'))).toBe(
      'Cannot reach Jarvis (Failed to fetch). Is it still running? If it stopped, start it again (npm run serve): the page reconnects by itself and keeps what you typed.',
    );
    expect(explain(new ApiError(400, 'bad_request', 'goal must not be empty'))).toBe('goal must not be empty. Correct the input and try again.');
    expect(explain(new Error('plain'))).toBe('plain');
  });
});
