// Health card: polls the open /health route and shows status, version, uptime, database and last heartbeat.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { formatAge, formatUptime, startHealthPolling, type HealthStore } from './store';
import './health.css';

export function HealthCard({ store, api }: { store: HealthStore; api: ApiClient }) {
  const health = useStore(store, (s) => s.health);
  const checkedAt = useStore(store, (s) => s.checkedAt);
  const error = useStore(store, (s) => s.error);

  useEffect(() => startHealthPolling(store, api.health), [store, api]);

  const status = error !== null ? 'unreachable' : (health?.status ?? 'checking');
  const heartbeat = health?.last_heartbeat ?? null;
  const heartbeatAge = heartbeat !== null && checkedAt !== null ? formatAge(heartbeat, checkedAt) : null;

  return (
    <section className="panel health" aria-labelledby="health-title" data-testid="health" aria-busy={checkedAt === null}>
      <h2 id="health-title">
        Health{' '}
        <span className={`badge badge-${status}`} data-testid="health-status">
          {status}
        </span>
      </h2>
      <dl className={error !== null ? 'facts stale' : 'facts'}>
        <dt>Version</dt>
        <dd>{health?.version ?? '—'}</dd>
        <dt>Uptime</dt>
        <dd>{health ? formatUptime(health.uptime_s) : '—'}</dd>
        <dt>Database</dt>
        <dd>{health ? (health.database.ok ? 'ok' : `failing: ${health.database.error ?? 'no detail'}`) : '—'}</dd>
        <dt>Last heartbeat</dt>
        <dd>
          {heartbeat === null ? (
            health ? 'none yet' : '—'
          ) : (
            <time dateTime={heartbeat} title={heartbeat}>
              {heartbeatAge ?? heartbeat}
            </time>
          )}
        </dd>
      </dl>
      <p className="muted small" role={error !== null ? 'alert' : undefined} title={error ?? undefined}>
        {error !== null ? `Last check failed: ${error}` : checkedAt === null ? 'Checking…' : 'Checked every 5 seconds.'}
      </p>
    </section>
  );
}
