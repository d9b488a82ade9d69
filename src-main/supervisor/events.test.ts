// Checks the log line of every supervisor event.
import { describe, expect, it } from 'vitest';
import { describeSupervisorEvent } from './events';

describe('describeSupervisorEvent', () => {
  it('words each event with the facts a person needs', () => {
    expect(describeSupervisorEvent({ type: 'spawned', pid: 42, attempt: 2 })).toBe('daemon started (pid 42, attempt 2)');
    expect(describeSupervisorEvent({ type: 'spawned', pid: null, attempt: 1 })).toBe('daemon started (pid ?, attempt 1)');
    expect(describeSupervisorEvent({ type: 'ready', pid: 42, daemonId: 'd', url: 'ws://127.0.0.1:7724' })).toBe('daemon ready on ws://127.0.0.1:7724');
    expect(describeSupervisorEvent({ type: 'exited', pid: 42, code: null, signal: 'SIGKILL', wasReady: true, reason: 'was ended by SIGKILL' })).toBe('daemon was ended by SIGKILL');
    expect(describeSupervisorEvent({ type: 'exited', pid: 42, code: 1, signal: null, wasReady: false, reason: 'exited with code 1' })).toBe('daemon exited with code 1 before it was ready');
    expect(describeSupervisorEvent({ type: 'not_ready', pid: 42, timeoutMs: 20000 })).toBe('daemon did not answer within 20000 ms; stopping it');
    expect(describeSupervisorEvent({ type: 'restart_scheduled', delayMs: 400, failuresInRow: 3, reason: 'x' })).toBe('restarting the daemon in 400 ms (3 failure(s) in a row)');
    expect(describeSupervisorEvent({ type: 'external', daemonId: 'd', url: 'ws://127.0.0.1:7724' })).toMatch(/already answers on ws:\/\/127\.0\.0\.1:7724/);
    expect(describeSupervisorEvent({ type: 'gave_up', reason: 'The Jarvis daemon cannot start.', output: '' })).toBe('gave up on the daemon: The Jarvis daemon cannot start.');
    expect(describeSupervisorEvent({ type: 'stopped' })).toBe('daemon stopped');
  });
});
