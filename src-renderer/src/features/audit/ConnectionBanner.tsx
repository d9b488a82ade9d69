// The stream's state in one fixed-height strip: "Live" when connected, a banner with the retry plan when not.
import { useStore } from 'zustand';
import type { AuditStore } from './store';
import './audit.css';

export function ConnectionBanner({ store, signedIn, onRetry }: { store: AuditStore; signedIn: boolean; onRetry: () => void }) {
  const connection = useStore(store, (s) => s.connection);
  const streamError = useStore(store, (s) => s.streamError);

  if (!signedIn) {
    return (
      <div className="connection connection-off" role="status" data-testid="connection" data-state="signed-out">
        <span className="dot" aria-hidden="true" />
        Offline: sign in to see live events
      </div>
    );
  }
  if (connection.kind === 'open') {
    return (
      <div className="connection connection-live" role="status" data-testid="connection" data-state="live">
        <span className="dot" aria-hidden="true" />
        Live
        {streamError !== null && <span className="muted"> · server said: {streamError}</span>}
      </div>
    );
  }
  const waiting = connection.kind === 'waiting';
  return (
    <div className="connection connection-down" role="status" data-testid="connection" data-state={connection.kind}>
      <span className="dot" aria-hidden="true" />
      <span className="connection-text">
        {waiting
          ? `Disconnected from the live stream (${connection.reason}). Retrying in ${Math.round(connection.retryInMs / 1000)} s, attempt ${connection.attempt}.`
          : 'Connecting to the live stream…'}
      </span>
      {waiting && (
        <button type="button" className="link-button" onClick={onRetry}>
          Reconnect now
        </button>
      )}
    </div>
  );
}
