// The approval dialog: the exact call, what it may touch, its risk and preview, who asked and the trace; approve once, approve with a grant, or deny.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { Approval } from '../../../../src-shared/contract';
import type { ApiClient } from '../../lib/api';
import { ErrorNotice, JsonBlock, Permissions, Preview, RiskBadge, StatusBadge } from '../shared/ui';
import { describeDecided, GRANT_KINDS, GRANT_LABELS, GRANT_MINUTES, type ApprovalsStore, type DecisionState, type GrantKind } from './store';
import './approvals.css';

// One shared object: a selector must return the same value for the same state, or the view re-renders for ever.
const IDLE: DecisionState = { kind: 'idle' };

const isTyping = (target: EventTarget | null) => target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

function minutesWords(m: number): string {
  return m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : m < 1440 ? `${m / 60} hours` : '1 day';
}

export function ApprovalModal({ approval, store, api, onClose }: { approval: Approval; store: ApprovalsStore; api: ApiClient; onClose: () => void }) {
  const decision = useStore(store, (s) => s.decisions[approval.id] ?? IDLE);
  const critical = approval.risk === 'critical';
  const pending = approval.status === 'pending';
  const sending = decision.kind === 'sending';
  const [checked, setChecked] = useState(false);
  const [grantOpen, setGrantOpen] = useState(false);
  const [grantKind, setGrantKind] = useState<GrantKind>('same_arguments');
  const [grantMinutes, setGrantMinutes] = useState<number>(60);
  const [enterHint, setEnterHint] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const approveOnce = useRef<HTMLButtonElement>(null);
  const grantRadio = useRef<HTMLInputElement>(null);
  const enterHeld = useRef(false);
  const titleId = useId();
  const descId = useId();
  const canApprove = pending && !sending && (!critical || checked);

  // Focus moves in on open and back to where it was on close. Critical risk has no default button: focus goes to the title.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (critical || !pending ? heading.current : approveOnce.current)?.focus();
    return () => before?.focus();
  }, [critical, pending]);

  useEffect(() => {
    if (grantOpen) grantRadio.current?.focus();
  }, [grantOpen]);

  const approve = () => {
    if (!canApprove) return;
    void store.getState().decide(api, approval.id, { kind: 'approve' });
  };
  const grant = () => {
    if (!canApprove || critical) return;
    void store.getState().decide(api, approval.id, { kind: 'grant', grant: { kind: grantKind, minutes: grantMinutes } });
  };
  const deny = () => {
    if (!pending || sending) return;
    void store.getState().decide(api, approval.id, { kind: 'deny' });
  };

  // Enter alone never approves a critical action: it is swallowed before the button can turn it into a click.
  const guardEnter = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!critical || e.key !== 'Enter') return;
    e.preventDefault();
    enterHeld.current = true;
    setEnterHint(true);
  };
  const releaseEnter = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key === 'Enter') enterHeld.current = false;
  };
  const onApproveClick = () => {
    if (critical && enterHeld.current) return;
    approve();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key === 'Tab') {
      // Keep focus inside the dialog.
      const focusable = dialog.current?.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])');
      const list = focusable ? [...focusable].filter((el) => !el.hasAttribute('disabled')) : [];
      const first = list[0];
      const last = list.at(-1);
      if (first && last) {
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
    const key = e.key.toLowerCase();
    // Letter shortcuts; none of them approves a critical action.
    if (key === 'a' && !critical) {
      e.preventDefault();
      approve();
    } else if (key === 'g' && !critical && pending) {
      e.preventDefault();
      setGrantOpen(true);
    } else if (key === 'd') {
      e.preventDefault();
      deny();
    }
  };

  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className={`modal risk-frame-${approval.risk}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descId}
        data-testid="approval-modal"
        data-approval-id={approval.id}
        data-status={approval.status}
        onKeyDown={onKeyDown}
      >
        <div className="modal-head">
          <h2 id={titleId} ref={heading} tabIndex={-1}>
            Approve <code>{approval.tool}</code>?
          </h2>
          <RiskBadge risk={approval.risk} />
          <StatusBadge status={approval.status} testId="approval-status" />
        </div>
        <p id={descId} className="small">
          {approval.requested_by === 'person' ? 'You asked for this' : `Asked by: ${approval.requested_by}`}. {approval.reasons.length > 0 ? `Risk raised because ${approval.reasons.join('; ')}.` : ''}
        </p>
        <div className="modal-body">
          <dl className="facts">
            <dt>Who asked</dt>
            <dd data-testid="approval-requester">{approval.requested_by}</dd>
            <dt>Policy</dt>
            <dd>{approval.cell}</dd>
            <dt>Trace</dt>
            <dd>
              <code data-testid="approval-trace">{approval.trace_id}</code>
              {approval.task_id && (
                <>
                  {' '}
                  <a href={`#/tasks/${encodeURIComponent(approval.task_id)}`}>task {approval.task_id.slice(0, 8)}</a>
                  {approval.step_id && `, step ${approval.step_id}`}
                </>
              )}
            </dd>
            <dt>Expires</dt>
            <dd>
              <time dateTime={approval.expires_at}>{new Date(approval.expires_at).toLocaleTimeString()}</time>
            </dd>
            <dt>Permissions</dt>
            <dd>
              <Permissions permissions={approval.permissions} via={approval.tool.startsWith('daemon.') ? 'Nothing itself: the daemon acts, under its own whitelist and dialog' : undefined} />
            </dd>
            <dt>Preview</dt>
            <dd>
              <Preview preview={approval.preview} />
            </dd>
          </dl>
          <h3 className="small-heading">Exact step data</h3>
          <JsonBlock value={approval.input} label="Exact input of the call" />
        </div>
        {!pending && (
          <p className="notice notice-info" role="status" data-testid="approval-state">
            {describeDecided(approval)}
          </p>
        )}
        {decision.kind === 'stale' && <ErrorNotice testId="approval-stale">{decision.message}</ErrorNotice>}
        {decision.kind === 'failed' && <ErrorNotice testId="approval-error">{decision.message}</ErrorNotice>}
        {pending && critical && (
          <div className="critical-guard">
            <label>
              <input type="checkbox" data-testid="critical-confirm" checked={checked} onChange={(e) => setChecked(e.target.checked)} /> I have read exactly what this critical action will do.
            </label>
            <p className="small muted" role={enterHint ? 'alert' : undefined} data-testid="critical-hint">
              {enterHint ? 'Enter does not approve a critical action. Click Approve once, or focus it and press Space.' : 'Critical: no default button and no shortcut approves it.'}
            </p>
          </div>
        )}
        {pending && grantOpen && !critical && (
          <fieldset className="grant-form" data-testid="grant-form">
            <legend>Approve with a grant: allow similar calls for a while without asking</legend>
            {GRANT_KINDS.map((kind, i) => (
              <label key={kind} className="radio">
                <input ref={i === 0 ? grantRadio : undefined} type="radio" name="grant-kind" value={kind} checked={grantKind === kind} onChange={() => setGrantKind(kind)} />
                {GRANT_LABELS[kind]}
              </label>
            ))}
            <label htmlFor="grant-minutes">For</label>{' '}
            <select id="grant-minutes" data-testid="grant-minutes" value={grantMinutes} onChange={(e) => setGrantMinutes(Number(e.target.value))}>
              {GRANT_MINUTES.map((m) => (
                <option key={m} value={m}>
                  {minutesWords(m)}
                </option>
              ))}
            </select>
            <div className="button-row">
              <button type="button" data-testid="approve-grant" aria-disabled={!canApprove} onClick={grant}>
                Approve and grant
              </button>
            </div>
          </fieldset>
        )}
        <div className="button-row modal-actions">
          {pending && (
            <>
              <button
                ref={approveOnce}
                type="button"
                data-testid="approve-once"
                aria-disabled={!canApprove}
                aria-keyshortcuts={critical ? undefined : 'A'}
                onKeyDown={guardEnter}
                onKeyUp={releaseEnter}
                onClick={onApproveClick}
              >
                {sending && decision.decision === 'approve' ? 'Approving…' : 'Approve once'}
              </button>
              {!critical && !grantOpen && (
                <button type="button" className="secondary" data-testid="open-grant" aria-keyshortcuts="G" onClick={() => setGrantOpen(true)}>
                  Approve with grant…
                </button>
              )}
              <button type="button" className="secondary danger" data-testid="deny" aria-keyshortcuts="D" aria-disabled={sending} onClick={deny}>
                {sending && decision.decision === 'deny' ? 'Denying…' : 'Deny'}
              </button>
            </>
          )}
          <button type="button" className="secondary" data-testid="close-approval" aria-keyshortcuts="Escape" onClick={onClose}>
            Close
          </button>
        </div>
        <p className="small muted shortcuts">{critical || !pending ? 'Esc closes.' : 'Shortcuts: A approve once · G grant · D deny · Esc close.'}</p>
      </div>
    </div>
  );
}
