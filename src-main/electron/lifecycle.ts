// The desktop app's quit sequence and start-up failure wording, kept free of Electron so they can be tested.

export type ShutdownPhase = 'running' | 'stopping' | 'stopped';

export interface ShutdownOptions {
  /** How long to wait for the core before leaving anyway: a hung stop must not trap the person in the app. */
  timeoutMs: number;
  /** Where failures of the stop go; the app quits regardless. */
  onError(error: unknown): void;
}

export interface Shutdown {
  readonly phase: ShutdownPhase;
  /** True once a quit has been asked for: windows then close for real instead of hiding to the tray. */
  readonly quitting: boolean;
  /** Registers how to stop the core once it has started; before that, quitting has nothing to wait for. */
  attach(stopCore: () => Promise<void>): void;
  /**
   * For `before-quit`. Returns true when the app may exit now. Otherwise the caller cancels this quit;
   * the core is stopped (once, however often this is called) and `resume` is called to quit again.
   */
  onQuitRequested(resume: () => void): boolean;
  /** Stops the core (once) and resolves when it has stopped, failed or timed out; never rejects. */
  stop(): Promise<void>;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  let phase: ShutdownPhase = 'running';
  let stopCore: (() => Promise<void>) | null = null;
  let stopping: Promise<void> | null = null;

  const runStop = async (): Promise<void> => {
    if (stopCore === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Jarvis's core did not stop within ${options.timeoutMs} ms; quitting anyway.`)), options.timeoutMs);
    });
    try {
      await Promise.race([stopCore(), timeout]);
    } catch (error) {
      options.onError(error);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = (): Promise<void> => {
    if (stopping === null) {
      phase = 'stopping';
      stopping = runStop().then(() => {
        phase = 'stopped';
      });
    }
    return stopping;
  };

  return {
    get phase() {
      return phase;
    },
    get quitting() {
      return phase !== 'running';
    },
    attach(stopFn) {
      if (stopCore !== null) throw new Error('The core is already attached to the shutdown sequence.');
      stopCore = stopFn;
    },
    onQuitRequested(resume) {
      if (phase === 'stopped') return true;
      if (phase === 'running') void stop().then(resume);
      return false;
    },
    stop,
  };
}

/** The text of the error box shown when Jarvis cannot start: what went wrong, where its data is, what to try. */
export function startupErrorMessage(error: unknown, dataFolder: string): string {
  const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : 'An unknown error occurred.';
  return [
    reason.trim() === '' ? 'An unknown error occurred.' : reason.trim(),
    '',
    `Jarvis keeps its data in ${dataFolder}.`,
    'Fix the problem above and start Jarvis again; started from a terminal, Jarvis prints the full error there.',
  ].join('\n');
}
