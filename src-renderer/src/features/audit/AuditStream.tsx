// The audit trail table: newest first, live rows arriving on top, one fixed-height row per event.
import { memo } from 'react';
import { useStore } from 'zustand';
import type { AuditEvent } from '../../../../src-shared/contract';
import { formatTimestamp, shortHash, shortTrace } from './format';
import { AUDIT_CAP, type AuditStore } from './store';
import './audit.css';

const AuditRow = memo(function AuditRow({ event }: { event: AuditEvent }) {
  return (
    <tr data-testid="audit-row" data-type={event.type} data-id={event.id}>
      <td className="num">{event.id}</td>
      <td>
        <time dateTime={event.ts} title={event.ts}>
          {formatTimestamp(event.ts)}
        </time>
      </td>
      <td className="type">{event.type}</td>
      <td>{event.actor}</td>
      <td className="subject" title={event.subject ?? undefined}>
        {event.subject ?? <span className="muted">—</span>}
      </td>
      <td>
        <code title={event.trace_id}>{shortTrace(event.trace_id)}</code>
      </td>
      <td>
        <code title={event.hash}>{shortHash(event.hash)}</code>
      </td>
    </tr>
  );
});

export function AuditStream({ store }: { store: AuditStore }) {
  const events = useStore(store, (s) => s.events);
  const invalid = useStore(store, (s) => s.invalidMessages);
  const loadError = useStore(store, (s) => s.loadError);

  return (
    <section className="panel audit" aria-labelledby="audit-title">
      <div className="audit-head">
        <h2 id="audit-title">Audit trail</h2>
        <p className="muted small" data-testid="audit-summary">
          {events.length === 0 ? 'No events yet' : `${events.length} most recent (up to ${AUDIT_CAP} kept here)`}
          {invalid > 0 && ` · ${invalid} unreadable stream message${invalid === 1 ? '' : 's'} ignored`}
        </p>
      </div>
      {loadError !== null && (
        <p className="notice" role="alert">
          Could not load recent events: {loadError}
        </p>
      )}
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="audit-title">
        <table className="audit-table">
          <caption className="visually-hidden">Audit events, newest first</caption>
          <colgroup>
            <col className="col-id" />
            <col className="col-time" />
            <col className="col-type" />
            <col className="col-actor" />
            <col className="col-subject" />
            <col className="col-trace" />
            <col className="col-hash" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Actor</th>
              <th scope="col">Subject</th>
              <th scope="col">Trace</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody data-testid="audit-list">
            {events.map((event) => (
              <AuditRow key={event.id} event={event} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
