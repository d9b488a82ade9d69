// The settings sections that exist today: the daemon's pairing and state, and this install's version and data folder.
import { useId, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SectionProps } from './sections';
import type { PairField, SettingsStore } from './store';

function PairInput({ store, field, label, hint, placeholder }: { store: SettingsStore; field: PairField; label: string; hint: ReactNode; placeholder: string }) {
  const id = useId();
  const value = useStore(store, (s) => s.pair[field]);
  const error = useStore(store, (s) => s.pair.fieldErrors[field] ?? null);
  return (
    <div className="st-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={field}
        type="text"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        aria-invalid={error !== null}
        aria-describedby={`${id}-note`}
        onChange={(e) => store.getState().setPairField(field, e.target.value)}
        data-testid={`pair-${field}`}
      />
      <span id={`${id}-note`} className={error ? 'st-note tone-bad' : 'st-note muted'}>
        {error ?? hint}
      </span>
    </div>
  );
}

function PairForm({ store, paired }: { store: SettingsStore; paired: boolean }) {
  const status = useStore(store, (s) => s.pair.status);
  const message = useStore(store, (s) => s.pair.message);
  const result = useStore(store, (s) => s.pair.result);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().submitPair();
  };
  return (
    <form className="st-pair" onSubmit={submit} aria-label={paired ? 'Pair again' : 'Pair the daemon'} noValidate>
      <p className="small">
        On the daemon’s host run <code>jarvis-daemon pair</code>: it prints a one-time code (valid 5 minutes) and its key fingerprint. Paste the address and code here.
        {paired && ' Pairing again replaces the pinned daemon.'}
      </p>
      <PairInput store={store} field="url" label="Daemon address" hint={<>As <code>jarvis-daemon serve</code> printed it.</>} placeholder="ws://127.0.0.1:7724" />
      <PairInput store={store} field="code" label="One-time code" hint="Only its proof crosses the wire, never the code." placeholder="paste the code" />
      <div className="st-pair-actions">
        <button type="submit" aria-disabled={status === 'pairing'} data-testid="pair-submit">
          {status === 'pairing' ? 'Pairing…' : 'Pair'}
        </button>
      </div>
      <p className={`st-pair-message ${status === 'failed' ? 'tone-bad' : status === 'paired' ? 'tone-ok' : 'muted'}`} role={status === 'failed' ? 'alert' : 'status'} data-testid="pair-message">
        {message ?? ''}
        {result && (
          <>
            {' '}
            Compare the key fingerprint <code>{result.daemon_key_fingerprint.slice(0, 16)}…</code> with what <code>jarvis-daemon pair</code> showed.
          </>
        )}
      </p>
    </form>
  );
}

export function DaemonPanel({ store }: SectionProps) {
  const daemon = useStore(store, (s) => s.integrations?.daemon ?? null);
  const state = daemon === null ? 'unknown' : daemon.paired ? (daemon.connected ? 'connected' : 'paired') : 'not_paired';
  const label = { unknown: 'Checking…', connected: 'Paired · connected', paired: 'Paired · not connected now', not_paired: 'Not paired' }[state];
  return (
    <div className="st-daemon">
      <p className="st-state">
        <span className={`st-badge st-badge-${state}`} data-testid="daemon-state" data-state={state}>
          {label}
        </span>
      </p>
      <dl className="facts">
        <dt>Address</dt>
        <dd>{daemon?.url ?? '—'}</dd>
        <dt>Daemon id</dt>
        <dd>
          <code>{daemon?.daemon_id ?? '—'}</code>
        </dd>
        <dt>This app’s key</dt>
        <dd>
          <code>{daemon?.app_fingerprint ?? '—'}</code>
        </dd>
        <dt>Last problem</dt>
        <dd>{daemon?.last_error ?? 'none'}</dd>
      </dl>
      {state === 'paired' && <p className="small muted">Jarvis connects when a desktop action needs the daemon; “not connected now” is normal between actions.</p>}
      <PairForm store={store} paired={daemon?.paired === true} />
    </div>
  );
}

export function InstallPanel({ store }: SectionProps) {
  const system = useStore(store, (s) => s.system);
  return (
    <dl className="facts" data-testid="install-facts">
      <dt>Version</dt>
      <dd data-testid="install-version">{system?.version ?? '—'}</dd>
      <dt>Data folder</dt>
      <dd>
        <code data-testid="install-data-folder">{system?.data_folder ?? '—'}</code>
      </dd>
      <dt>Database</dt>
      <dd>
        <code>{system?.database_file ?? '—'}</code>
      </dd>
      <dt>Settings file</dt>
      <dd>
        <code>{system?.config_file ?? '—'}</code> <span className="muted small">(optional; JARVIS_* variables override it)</span>
      </dd>
      <dt>Your tools</dt>
      <dd>
        <code>{system?.tools_folder ?? '—'}</code>
      </dd>
      <dt>Runtime</dt>
      <dd>{system ? `Node ${system.runtime.node} on ${system.runtime.platform} ${system.runtime.arch}` : '—'}</dd>
    </dl>
  );
}
