// Checks the quit sequence (the core is stopped exactly once, even when it fails or hangs) and the start-up error text.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createShutdown, startupErrorMessage } from './lifecycle';

afterEach(() => {
  vi.useRealTimers();
});

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: unknown): void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createShutdown', () => {
  it('holds the first quit, stops the core, then lets the repeated quit through', async () => {
    const core = deferred();
    const stopCore = vi.fn(() => core.promise);
    const resume = vi.fn();
    const shutdown = createShutdown({ timeoutMs: 10_000, onError: vi.fn() });
    shutdown.attach(stopCore);

    expect(shutdown.quitting).toBe(false);
    expect(shutdown.onQuitRequested(resume)).toBe(false);
    expect(shutdown.phase).toBe('stopping');
    expect(shutdown.quitting).toBe(true);
    // A second Quit click (or Cmd+Q) while stopping neither stops twice nor resumes twice.
    expect(shutdown.onQuitRequested(resume)).toBe(false);
    expect(stopCore).toHaveBeenCalledTimes(1);
    expect(resume).not.toHaveBeenCalled();

    core.resolve();
    await shutdown.stop();
    expect(shutdown.phase).toBe('stopped');
    expect(resume).toHaveBeenCalledTimes(1);
    expect(shutdown.onQuitRequested(resume)).toBe(true);
    expect(stopCore).toHaveBeenCalledTimes(1);
  });

  it('quits through an empty stop when the core never started', async () => {
    const resume = vi.fn();
    const shutdown = createShutdown({ timeoutMs: 10_000, onError: vi.fn() });
    expect(shutdown.onQuitRequested(resume)).toBe(false);
    await shutdown.stop();
    expect(resume).toHaveBeenCalledTimes(1);
    expect(shutdown.onQuitRequested(resume)).toBe(true);
  });

  it('reports a failing stop and quits anyway', async () => {
    const onError = vi.fn();
    const shutdown = createShutdown({ timeoutMs: 10_000, onError });
    shutdown.attach(() => Promise.reject(new Error('disk full')));
    await expect(shutdown.stop()).resolves.toBeUndefined();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk full' }));
    expect(shutdown.phase).toBe('stopped');
  });

  it('gives up on a hung core after the timeout', async () => {
    vi.useFakeTimers();
    const onError = vi.fn();
    const shutdown = createShutdown({ timeoutMs: 5_000, onError });
    shutdown.attach(() => new Promise<void>(() => undefined));
    const stopped = shutdown.stop();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(shutdown.phase).toBe('stopping');
    await vi.advanceTimersByTimeAsync(1);
    await stopped;
    expect(shutdown.phase).toBe('stopped');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/did not stop within 5000 ms/) }));
  });

  it('accepts the core only once', () => {
    const shutdown = createShutdown({ timeoutMs: 1, onError: vi.fn() });
    shutdown.attach(() => Promise.resolve());
    expect(() => shutdown.attach(() => Promise.resolve())).toThrow(/already attached/);
  });
});

describe('startupErrorMessage', () => {
  it('leads with the reason and says where the data lives and what to do', () => {
    const text = startupErrorMessage(new Error('Port 7723 is in use.'), '/home/ana/.config/Jarvis');
    expect(text.split('\n')[0]).toBe('Port 7723 is in use.');
    expect(text).toContain('/home/ana/.config/Jarvis');
    expect(text).toMatch(/start Jarvis again/);
  });

  it.each([
    ['a thrown string', 'database is locked', 'database is locked'],
    ['an object', { code: 1 }, 'An unknown error occurred.'],
    ['undefined', undefined, 'An unknown error occurred.'],
    ['an empty message', new Error('  '), 'An unknown error occurred.'],
  ])('words %s', (_label, error, firstLine) => {
    expect(startupErrorMessage(error, '/data').split('\n')[0]).toBe(firstLine);
  });
});
