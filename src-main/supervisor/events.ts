// Each supervisor event as one line for the app's log, in words a person reading it can act on.
import type { SupervisorEvent } from './supervisor';

export function describeSupervisorEvent(event: SupervisorEvent): string {
  switch (event.type) {
    case 'spawned':
      return `daemon started (pid ${event.pid ?? '?'}, attempt ${event.attempt})`;
    case 'ready':
      return `daemon ready on ${event.url}`;
    case 'exited':
      return `daemon ${event.reason}${event.wasReady ? '' : ' before it was ready'}`;
    case 'not_ready':
      return `daemon did not answer within ${event.timeoutMs} ms; stopping it`;
    case 'restart_scheduled':
      return `restarting the daemon in ${event.delayMs} ms (${event.failuresInRow} failure(s) in a row)`;
    case 'external':
      return `a daemon already answers on ${event.url}; using it without supervising it`;
    case 'gave_up':
      return `gave up on the daemon: ${event.reason}`;
    case 'stopped':
      return 'daemon stopped';
    default: {
      const never: never = event;
      return never;
    }
  }
}
