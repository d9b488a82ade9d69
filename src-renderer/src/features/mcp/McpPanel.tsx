// MCP servers: add one (stdio or HTTP), consent after seeing exactly what would run, then health, tools, trust policy, disable, reconnect, remove.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { RISK_LEVELS, type McpServerView } from '../../../../src-shared/contract';
import { AreaField, Outcome, SelectField, TextField } from '../llm/fields';
import type { SectionProps } from '../settings/sections';
import { mcpApi } from './api';
import { createMcpStore, describeHealth, draftOf, type McpStore, type Risk } from './store';
import '../settings/record-list.css';
import './mcp.css';
import { ConfirmRemove } from '../settings/ConfirmRemove';
import { useRefreshing } from '../settings/use-refreshing';

/** Health changes by itself (a crash, a reconnect); the list is read again this often while the screen is open. */
const REFRESH_MS = 4000;
const RISK_OPTIONS = RISK_LEVELS.map((r) => ({ value: r, label: r }));

function AddServer({ store }: { store: McpStore }) {
  const form = useStore(store, (s) => s.form);
  const errors = useStore(store, (s) => s.formErrors);
  const adding = useStore(store, (s) => s.adding);
  const message = useStore(store, (s) => s.addMessage);
  const set = store.getState().setForm;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().submitAdd();
  };
  return (
    <form className="mcp-add fx-grid" aria-label="Add an MCP server" onSubmit={submit} noValidate>
      <h4 className="small-heading fx-wide">Add a server</h4>
      <TextField label="Name" testId="mcp-add-name" value={form.name} onChange={(name) => set({ name })} problem={errors.name ?? null} hint="Short, lower case; tools become mcp.<name>.<tool>." placeholder="files" />
      <SelectField<'stdio' | 'http'>
        label="Connection"
        testId="mcp-add-transport"
        value={form.transport}
        options={[
          { value: 'stdio', label: 'A program Jarvis starts (stdio)' },
          { value: 'http', label: 'A server at an address (HTTP)' },
        ]}
        onChange={(transport) => set({ transport })}
        hint="Nothing starts until you consent."
      />
      {form.transport === 'stdio' ? (
        <>
          <div className="fx-wide">
            <TextField label="Command" testId="mcp-add-command" value={form.command} onChange={(command) => set({ command })} problem={errors.command ?? null} hint="The program; a bare name is looked up on PATH." placeholder="npx" />
          </div>
          <AreaField label="Arguments" testId="mcp-add-args" value={form.args} onChange={(args) => set({ args })} problem={errors.args ?? null} hint="One per line." rows={3} />
          <AreaField label="Environment variables it may see" testId="mcp-add-env" value={form.env} onChange={(env) => set({ env })} problem={errors.env ?? null} hint="Names only (e.g. HOME); values stay with Jarvis. It always gets a minimal PATH." rows={3} />
        </>
      ) : (
        <div className="fx-wide">
          <TextField label="URL" type="url" testId="mcp-add-url" value={form.url} onChange={(url) => set({ url })} problem={errors.url ?? null} hint="Its streamable HTTP endpoint." placeholder="http://127.0.0.1:3001/mcp" />
        </div>
      )}
      <div className="fx-actions fx-wide">
        <button type="submit" aria-disabled={adding} data-testid="mcp-add">
          {adding ? 'Adding…' : 'Add and review'}
        </button>
      </div>
      <div className="fx-wide">
        <Outcome tone={message && Object.keys(errors).length === 0 && !/nothing was added/i.test(message) ? 'ok' : message ? 'bad' : 'muted'} text={message} testId="mcp-add-message" />
      </div>
    </form>
  );
}

function ConsentStep({ store }: { store: McpStore }) {
  const consent = useStore(store, (s) => s.consent);
  const error = useStore(store, (s) => s.consentError);
  const busy = useStore(store, (s) => (consent ? s.busy[consent.name] === 'consent' : false));
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (consent) heading.current?.focus();
  }, [consent]);
  if (!consent) return null;
  return (
    <section className="mcp-consent" role="region" aria-labelledby="mcp-consent-title" data-testid="mcp-consent" data-name={consent.name}>
      <h4 id="mcp-consent-title" tabIndex={-1} ref={heading}>
        Start “{consent.name}”?
      </h4>
      <p className="small">{consent.transport === 'stdio' ? 'Jarvis will run this program as you, with your rights:' : 'Jarvis will send tool calls to this address:'}</p>
      <pre className="mcp-command" data-testid="mcp-consent-command">
        {consent.command_line}
      </pre>
      <dl className="facts">
        <dt>Environment</dt>
        <dd data-testid="mcp-consent-env">{consent.environment.length ? consent.environment.join(', ') : 'nothing'}</dd>
        <dt>Folder</dt>
        <dd>{consent.cwd ?? 'Jarvis’s own'}</dd>
      </dl>
      <p className="small muted">Its tools go through the same gate as every other tool; your consent holds only for this exact command line.</p>
      <div className="fx-actions">
        <button type="button" aria-disabled={busy} onClick={() => void store.getState().giveConsent()} data-testid="mcp-consent-start">
          {busy ? 'Starting…' : 'I consent: start it'}
        </button>
        <button type="button" className="link-button" onClick={() => store.getState().closeConsent()} data-testid="mcp-consent-cancel">
          Not now
        </button>
      </div>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="mcp-consent-error" />
    </section>
  );
}

function PolicyEditor({ store, server }: { store: McpStore; server: McpServerView }) {
  const draft = useStore(store, (s) => s.drafts[server.name] ?? null);
  const busy = useStore(store, (s) => s.busy[server.name] === 'policy');
  if (!draft) {
    return (
      <button type="button" className="link-button" onClick={() => store.getState().editPolicy(server.name, draftOf(server.policy))} data-testid={`mcp-edit-policy-${server.name}`}>
        Edit trust policy…
      </button>
    );
  }
  const edit = (patch: Parameters<McpState['editPolicy']>[1]) => store.getState().editPolicy(server.name, patch);
  return (
    <fieldset className="mcp-policy fx-grid" data-testid={`mcp-policy-${server.name}`}>
      <legend>Trust policy</legend>
      <label className="mcp-check fx-wide">
        <input type="checkbox" checked={draft.trusted} onChange={(e) => edit({ trusted: e.target.checked })} data-testid={`mcp-trusted-${server.name}`} /> Trusted: its own risk hints may lower a tool’s risk
      </label>
      <SelectField<Risk | ''> label="Default risk" testId={`mcp-default-risk-${server.name}`} value={draft.default_risk} options={[{ value: '', label: `default (${draft.trusted ? 'low' : 'medium'})` }, ...RISK_OPTIONS]} onChange={(default_risk) => edit({ default_risk })} hint="Before a tool’s own hints." />
      <SelectField<'by_risk' | 'always'>
        label="Ask before a call"
        testId={`mcp-approval-${server.name}`}
        value={draft.approval}
        options={[
          { value: 'by_risk', label: 'By risk and autonomy' },
          { value: 'always', label: 'Always, at any autonomy' },
        ]}
        onChange={(approval) => edit({ approval })}
        hint="Always asks for every call."
      />
      <div className="fx-wide">
        <AreaField label="Allowed tools" testId={`mcp-allowed-${server.name}`} value={draft.allowed_tools} onChange={(allowed_tools) => edit({ allowed_tools })} hint={'One per line: a name, a prefix ending in "*", or "*" for all.'} rows={2} />
      </div>
      {server.tools.length > 0 && (
        <div className="fx-wide mcp-tool-risks">
          {server.tools.map((t) => (
            <SelectField<Risk | ''>
              key={t.mcp_name}
              label={`Risk of ${t.mcp_name}`}
              testId={`mcp-tool-risk-${server.name}-${t.mcp_name}`}
              value={draft.tool_risk[t.mcp_name] ?? ''}
              options={[{ value: '', label: `as computed (${t.risk})` }, ...RISK_OPTIONS]}
              onChange={(risk) => {
                const { [t.mcp_name]: _old, ...rest } = draft.tool_risk;
                edit({ tool_risk: risk === '' ? rest : { ...rest, [t.mcp_name]: risk } });
              }}
            />
          ))}
        </div>
      )}
      <div className="fx-actions fx-wide">
        <button type="button" aria-disabled={busy} onClick={() => void store.getState().savePolicy(server.name)} data-testid={`mcp-save-policy-${server.name}`}>
          {busy ? 'Saving…' : 'Save policy'}
        </button>
        <button type="button" className="link-button" onClick={() => store.getState().editPolicy(server.name, null)}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}

type McpState = ReturnType<McpStore['getState']>;

function ServerCard({ store, server }: { store: McpStore; server: McpServerView }) {
  const busy = useStore(store, (s) => s.busy[server.name] ?? null);
  const error = useStore(store, (s) => s.rowErrors[server.name] ?? null);
  const note = useStore(store, (s) => s.rowNotes[server.name] ?? null);
  const confirmingRemove = useStore(store, (s) => s.confirmingRemove === server.name);
  const state = server.status === 'enabled' ? server.health.state : server.status;
  const p = server.policy;
  return (
    <li className="mcp-server" data-testid="mcp-server" data-name={server.name} data-status={server.status} data-state={server.health.state}>
      <div className="rec-row-head">
        <h4>
          <code>{server.name}</code> <span className="muted small">{server.transport}</span>
        </h4>
        <span className={`rec-state ${state === 'connected' ? 'rec-state-on' : `mcp-state-${state}`}`}>{state.replace('_', ' ')}</span>
      </div>
      <p className="small" data-testid={`mcp-health-${server.name}`}>
        {describeHealth(server)}
      </p>
      <pre className="mcp-command small">{server.command_line}</pre>
      <p className="small muted">
        {p.trusted ? 'Trusted' : 'Not trusted'} · default risk {p.default_risk ?? (p.trusted ? 'low' : 'medium')} · {p.approval === 'always' ? 'asks before every call' : 'asks by risk'} · allowed: {p.allowed_tools.join(', ')}
      </p>
      {server.tools.length > 0 && (
        <ul className="mcp-tools" aria-label={`Tools of ${server.name}`} data-testid={`mcp-tools-${server.name}`}>
          {server.tools.map((t) => (
            <li key={t.name} data-tool={t.mcp_name} data-allowed={t.allowed ? 'yes' : 'no'}>
              <code>{t.mcp_name}</code> <span className={`tl-risk tl-risk-${t.risk}`}>{t.risk}</span>{' '}
              <span className="muted small">{!t.allowed ? 'not allowed by the policy' : t.enabled ? 'available' : (t.disabled_reason ?? 'off')}</span>
            </li>
          ))}
        </ul>
      )}
      {server.tool_errors.map((te) => (
        <p key={te.tool} className="small tone-bad">
          {te.tool}: {te.message}
        </p>
      ))}
      <div className="fx-actions">
        {server.status === 'enabled' ? (
          <>
            <button type="button" className="fx-secondary" aria-disabled={busy !== null} onClick={() => void store.getState().act(server.name, 'reconnect')} data-testid={`mcp-reconnect-${server.name}`}>
              {busy === 'reconnect' ? 'Reconnecting…' : 'Reconnect'}
            </button>
            <button type="button" className="fx-secondary" aria-disabled={busy !== null} onClick={() => void store.getState().act(server.name, 'disable')} data-testid={`mcp-disable-${server.name}`}>
              {busy === 'disable' ? 'Disabling…' : 'Disable'}
            </button>
          </>
        ) : (
          <button type="button" onClick={() => store.getState().review(server.name)} data-testid={`mcp-review-${server.name}`}>
            Review and start…
          </button>
        )}
        <ConfirmRemove
          name={server.name}
          verb="Remove"
          confirming={confirmingRemove}
          busy={busy !== null}
          removing={busy === 'remove'}
          onAsk={() => store.getState().askToRemove(server.name)}
          onKeep={() => store.getState().askToRemove(null)}
          onConfirm={() => void store.getState().act(server.name, 'remove')}
          askTestId={`mcp-remove-${server.name}`}
          confirmTestId={`mcp-confirm-remove-${server.name}`}
        />
      </div>
      <PolicyEditor store={store} server={server} />
      <Outcome tone={error ? 'bad' : note ? 'ok' : 'muted'} text={error ?? note} testId={`mcp-row-message-${server.name}`} />
    </li>
  );
}

export function McpPanel({ api }: SectionProps) {
  const [store] = useState(() => createMcpStore(mcpApi(api)));
  const servers = useStore(store, (s) => s.servers);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  useRefreshing(store.getState().load, REFRESH_MS);
  return (
    <div className="mcp-panel" data-testid="mcp-panel">
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="mcp-error" slim />
      {status === 'ready' && servers.length === 0 && <p className="muted">No MCP server yet.</p>}
      <ul className="mcp-servers" aria-label="MCP servers">
        {servers.map((s) => (
          <ServerCard key={s.name} store={store} server={s} />
        ))}
      </ul>
      <ConsentStep store={store} />
      <AddServer store={store} />
    </div>
  );
}
