// The kill switch, on every screen: one press pauses everything Jarvis does; release lets paused work go on.
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import type { ControlsStore } from './controls-store';

export function KillSwitch({ store, api }: { store: ControlsStore; api: ApiClient }) {
  const controls = useStore(store, (s) => s.controls);
  const pending = useStore(store, (s) => s.pending);
  const on = controls?.kill_switch.on ?? false;
  const busy = pending === 'kill_switch';
  const toggle = () => {
    if (busy) return;
    void store.getState().setKillSwitch(api, !on);
  };
  return (
    <button
      type="button"
      className={on ? 'kill-switch kill-on' : 'kill-switch'}
      data-testid="kill-switch"
      data-state={controls === null ? 'unknown' : on ? 'on' : 'off'}
      aria-pressed={on}
      aria-busy={busy}
      aria-disabled={busy || controls === null}
      title={on ? 'Everything is paused. Release to let paused tasks go on.' : 'Pause every task and refuse every action until released.'}
      onClick={controls === null ? undefined : toggle}
    >
      <span className="kill-icon" aria-hidden="true">
        {on ? '▶' : '■'}
      </span>
      {busy ? (on ? 'Releasing…' : 'Pausing…') : on ? 'Release' : 'Pause all'}
    </button>
  );
}

/**
 * The switch's state in words beside the connection strip. The slot is always there at the same height, so
 * turning the switch on or off never moves the page; a failed change to the controls is shown in it too.
 */
export function KillSwitchBanner({ store }: { store: ControlsStore }) {
  const kill = useStore(store, (s) => s.controls?.kill_switch ?? null);
  const error = useStore(store, (s) => s.error);
  if (error !== null) {
    return (
      <div className="strip strip-bad" role="alert" data-testid="controls-error" title={error}>
        <span className="strip-text">{error}</span>
      </div>
    );
  }
  if (!kill?.on) {
    return (
      <div className="strip strip-calm" role="status" data-testid="kill-status" data-state={kill === null ? 'unknown' : 'off'}>
        <span className="strip-text">{kill === null ? 'Reading the controls…' : 'Running: Pause all stops everything at once.'}</span>
      </div>
    );
  }
  const since = kill.since ? new Date(kill.since).toLocaleTimeString() : null;
  const text = `Kill switch on${since ? ` since ${since}` : ''}: nothing runs and approvals wait until Release.`;
  return (
    <div className="strip strip-kill" role="status" data-testid="kill-banner" title={kill.by ? `${text} Turned on by ${kill.by}.` : text}>
      <span className="strip-text">{text}</span>
    </div>
  );
}
