// Small pieces every screen shows the same way: risk and status badges, permissions, previews, exact JSON, and error notices.
import type { ReactNode } from 'react';
import type { PlanStep } from '../../../../src-shared/contract';
import './shared.css';

type Risk = PlanStep['risk'];

const RISK_WORDS: Record<Risk, string> = { none: 'no risk', low: 'low risk', medium: 'medium risk', high: 'high risk', critical: 'critical risk' };

export function RiskBadge({ risk }: { risk: Risk }) {
  return (
    <span className={`badge risk risk-${risk}`} data-testid="risk" data-risk={risk}>
      {RISK_WORDS[risk]}
    </span>
  );
}

/** Task, step and approval states share one badge; the tone follows the word. */
export function StatusBadge({ status, testId = 'status' }: { status: string; testId?: string }) {
  const tone =
    status === 'succeeded' || status === 'approved' || status === 'consumed'
      ? 'ok'
      : status === 'failed' || status === 'denied' || status === 'cancelled' || status === 'expired'
        ? 'bad'
        : status === 'waiting_approval' || status === 'paused' || status === 'ambiguous' || status === 'pending'
          ? 'warn'
          : status === 'running'
            ? 'live'
            : 'muted';
  return (
    <span className={`badge status status-${tone}`} data-testid={testId} data-status={status}>
      {status.replace('_', ' ')}
    </span>
  );
}

/** A tool's declared permissions in words; unreadable shapes are shown as they are. */
export function permissionLines(permissions: unknown): string[] {
  if (!permissions || typeof permissions !== 'object') return ['unknown (treated as everything)'];
  const p = permissions as Record<string, unknown>;
  const lines: string[] = [];
  const net = p.network;
  if (net === true) lines.push('network: any host');
  else if (net && typeof net === 'object' && Array.isArray((net as { hosts?: unknown }).hosts)) lines.push(`network: ${(net as { hosts: unknown[] }).hosts.map(String).join(', ')}`);
  const fs = p.filesystem;
  if (fs && typeof fs === 'object') {
    const { read, write } = fs as { read?: unknown; write?: unknown };
    if (Array.isArray(read) && read.length) lines.push(`reads: ${read.map(String).join(', ')}`);
    if (Array.isArray(write) && write.length) lines.push(`writes: ${write.map(String).join(', ')}`);
  }
  if (p.system === true) lines.push('system: may start programs');
  if (p.external_api === true) lines.push('external services');
  return lines;
}

export function Permissions({ permissions, via }: { permissions: unknown; via?: string | undefined }) {
  const lines = permissionLines(permissions);
  return (
    <ul className="plain-list" data-testid="permissions">
      {lines.length === 0 ? <li>{via ?? 'Touches nothing on this computer itself'}</li> : lines.map((l) => <li key={l}>{l}</li>)}
    </ul>
  );
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A dry-run preview: what the step would do, key by key. */
export function Preview({ preview }: { preview: Record<string, unknown> | undefined }) {
  const entries = Object.entries(preview ?? {});
  if (entries.length === 0) return <p className="muted small">No preview.</p>;
  return (
    <dl className="facts preview" data-testid="preview">
      {entries.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>
            <code>{show(v)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Exact data, as sent: formatted JSON that wraps instead of widening the page. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  );
}

export function ErrorNotice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="notice" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}
