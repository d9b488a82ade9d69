// Approvals: the queue (longest waiting first, then what was decided), and the dialog for the one in the address.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../../lib/api';
import { ErrorNotice, RiskBadge, StatusBadge } from '../shared/ui';
import { ApprovalModal } from './ApprovalModal';
import { queueOf, type ApprovalsStore } from './store';
import './approvals.css';

export function ApprovalsPage({ store, api, approvalId, navigate }: { store: ApprovalsStore; api: ApiClient; approvalId: string | null; navigate: (route: string) => void }) {
  const byId = useStore(store, (s) => s.byId);
  const loaded = useStore(store, (s) => s.loaded);
  const loadError = useStore(store, (s) => s.loadError);
  const open = approvalId === null ? undefined : byId[approvalId];
  const queue = queueOf(byId);
  const pending = queue.filter((a) => a.status === 'pending').length;

  // A link to an approval this page has not seen (older, or from another window) is fetched on its own.
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    if (approvalId === null || store.getState().byId[approvalId] !== undefined) return;
    let current = true;
    void store
      .getState()
      .fetchOne(api, approvalId)
      .then((found) => {
        if (current && found === null) setMissing(approvalId);
      });
    return () => {
      current = false;
    };
  }, [store, api, approvalId]);

  return (
    <div className="page">
      <section className="panel" aria-labelledby="approvals-title">
        <h2 id="approvals-title">
          Approvals <span className="badge" data-testid="approvals-pending">{pending} waiting</span>
        </h2>
        {loadError && <ErrorNotice>Could not load approvals: {loadError}</ErrorNotice>}
        {queue.length === 0 ? (
          <p className="muted">{loaded ? 'Nothing is waiting for you.' : 'Loading approvals…'}</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="approvals-title" tabIndex={0}>
            <table className="data-table">
              <caption className="visually-hidden">Approvals, waiting ones first</caption>
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Asked by</th>
                  <th scope="col">Asked at</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {queue.map((a) => (
                  <tr key={a.id} data-testid="approval-row" data-approval-id={a.id} data-status={a.status}>
                    <td>
                      <code>{a.tool}</code>
                    </td>
                    <td>
                      <RiskBadge risk={a.risk} />
                    </td>
                    <td>{a.requested_by}</td>
                    <td>
                      <time dateTime={a.created_at}>{new Date(a.created_at).toLocaleTimeString()}</time>
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td>
                      <button type="button" className={a.status === 'pending' ? undefined : 'secondary'} onClick={() => navigate(`#/approvals/${encodeURIComponent(a.id)}`)}>
                        {a.status === 'pending' ? 'Review' : 'View'}
                        <span className="visually-hidden"> {a.tool}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {approvalId !== null && open === undefined && missing === approvalId && (
        <p className="notice" role="alert">
          There is no approval {approvalId}: the link may be old or mistyped. <a href="#/approvals">Back to the queue</a>
        </p>
      )}
      {open && <ApprovalModal key={open.id} approval={open} store={store} api={api} onClose={() => navigate('#/approvals')} />}
    </div>
  );
}
