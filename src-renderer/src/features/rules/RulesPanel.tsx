// Rules: the list with enabled state and each rule's recent triggers and suppressions; a form for trigger, conditions, actions and the windows that hold it back.
import { useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { RuleView } from '../../../../src-shared/contract';
import { AreaField, Outcome, SelectField, TextField } from '../llm/fields';
import type { SectionProps } from '../settings/sections';
import { rulesApi } from './api';
import { CHANNELS, createRulesStore, describeTrigger, describeWindows, type Channel, type RulesStore } from './store';
import '../settings/record-list.css';
import './rules.css';
import { ConfirmRemove } from '../settings/ConfirmRemove';
import { useRefreshing } from '../settings/use-refreshing';

/** Events arrive by themselves; the list and its logs are read again this often. */
const REFRESH_MS = 4000;
const CHANNEL_OPTIONS = CHANNELS.map((c) => ({ value: c, label: c }));
const OUTCOME_WORDS: Record<RuleView['recent'][number]['outcome'], string> = {
  triggered: 'Triggered',
  suppressed: 'Suppressed',
  deferred: 'Deferred',
  loop_stopped: 'Loop stopped',
  action_failed: 'Action failed',
  action_refused: 'Action refused',
};
const REASON_WORDS: Record<string, string> = {
  debounce: 'debounce: another matching event came too soon',
  dedupe: 'dedupe: the same event was seen within the window',
  cooldown: 'cooldown: it fired too recently',
  quiet_hours: 'quiet hours',
  disabled: 'the rule is disabled',
};

function Check({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange: (v: boolean) => void; testId: string }) {
  const id = useId();
  return (
    <div className="rl-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

function RuleForm({ store }: { store: RulesStore }) {
  const form = useStore(store, (s) => s.form);
  const errors = useStore(store, (s) => s.formErrors);
  const saving = useStore(store, (s) => s.saving);
  const message = useStore(store, (s) => s.message);
  const editing = useStore(store, (s) => s.editing);
  const set = store.getState().setForm;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().save();
  };
  const failed = message !== null && /nothing was saved/i.test(message);
  return (
    <form className="rl-form fx-grid" aria-label={editing ? 'Edit the rule' : 'Add a rule'} onSubmit={submit} noValidate data-testid="rule-form">
      <h4 className="small-heading fx-wide">{editing ? `Edit “${form.name}”` : 'Add a rule'}</h4>
      <TextField label="Name" testId="rule-name" value={form.name} onChange={(name) => set({ name })} problem={errors.name ?? null} placeholder="Front door at night" />
      <Check label="Enabled" checked={form.enabled} onChange={(enabled) => set({ enabled })} testId="rule-enabled" />
      <SelectField<Channel> label="Channel" testId="rule-channel" value={form.channel} options={CHANNEL_OPTIONS} onChange={(channel) => set({ channel })} problem={errors.channel ?? null} hint="Where the events come from." />
      <TextField label="Event type (optional)" testId="rule-event-type" value={form.event_type} onChange={(event_type) => set({ event_type })} problem={errors.event_type ?? null} placeholder="state_changed" hint="Matches the event’s payload.event_type." />
      <div className="fx-wide">
        <TextField label="Pattern (optional)" testId="rule-match" value={form.match} onChange={(match) => set({ match })} problem={errors.match ?? null} placeholder="binary_sensor.front_door" hint="ha: an entity id (light.*); mqtt: a topic filter with + and #; others: the source." />
      </div>
      <AreaField
        label="Conditions (JSON; all must hold)"
        testId="rule-conditions"
        value={form.conditions}
        onChange={(conditions) => set({ conditions })}
        problem={errors.conditions ?? null}
        rows={6}
        hint={'e.g. [{"op":"eq","path":"payload.state","value":"on"}]; also gt, regex, time, state, all, any, not.'}
      />
      <AreaField label="Actions (JSON)" testId="rule-actions" value={form.actions} onChange={(actions) => set({ actions })} problem={errors.actions ?? null} rows={6} hint={'notify {text}, emit {goal}, tool {tool, input}, workflow {workflow_id}; each meets the approval gate.'} />
      <div className="rl-windows fx-wide">
        <TextField label="Debounce (s)" type="number" testId="rule-debounce" value={form.debounce} onChange={(debounce) => set({ debounce })} problem={errors.debounce ?? null} hint="Ignore events that follow one another this closely." />
        <TextField label="Dedupe (s)" type="number" testId="rule-dedupe" value={form.dedupe} onChange={(dedupe) => set({ dedupe })} problem={errors.dedupe ?? null} hint="Ignore the same event repeated within this." />
        <TextField label="Cooldown (s)" type="number" testId="rule-cooldown" value={form.cooldown} onChange={(cooldown) => set({ cooldown })} problem={errors.cooldown ?? null} hint="After firing, wait this long." />
      </div>
      <fieldset className="rl-quiet fx-wide">
        <legend>Quiet hours</legend>
        <Check label="Hold the rule back during quiet hours" checked={form.quiet} onChange={(quiet) => set({ quiet })} testId="rule-quiet" />
        <div className="rl-windows" hidden={!form.quiet}>
          <TextField label="From (HH:MM)" testId="rule-quiet-start" value={form.quiet_start} onChange={(quiet_start) => set({ quiet_start })} />
          <TextField label="Until (HH:MM)" testId="rule-quiet-end" value={form.quiet_end} onChange={(quiet_end) => set({ quiet_end })} />
          <TextField label="Time zone" testId="rule-quiet-timezone" value={form.quiet_timezone} onChange={(quiet_timezone) => set({ quiet_timezone })} />
          <SelectField<'suppress' | 'defer'>
            label="Meanwhile"
            testId="rule-quiet-policy"
            value={form.quiet_policy}
            options={[
              { value: 'suppress', label: 'Drop the event' },
              { value: 'defer', label: 'Act when they end' },
            ]}
            onChange={(quiet_policy) => set({ quiet_policy })}
          />
        </div>
        <Outcome tone={errors.quiet ? 'bad' : 'muted'} text={errors.quiet ? `Quiet hours: ${errors.quiet}` : null} testId="rule-quiet-message" slim />
      </fieldset>
      <div className="fx-actions fx-wide">
        <button type="submit" aria-disabled={saving} data-testid="rule-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Add rule'}
        </button>
        {editing && (
          <button type="button" className="link-button" onClick={() => store.getState().edit(null)}>
            Cancel editing
          </button>
        )}
      </div>
      <div className="fx-wide">
        <Outcome tone={failed ? 'bad' : message ? 'ok' : 'muted'} text={message} testId="rule-message" />
      </div>
    </form>
  );
}

function RuleLog({ rule }: { rule: RuleView }) {
  if (rule.recent.length === 0) return <p className="small muted" data-testid="rule-log-empty">Nothing has matched yet.</p>;
  return (
    <details className="rl-log-box" open>
      <summary>Recent triggers and suppressions ({rule.recent.length})</summary>
      <ol className="rl-log" data-testid="rule-log">
        {rule.recent.map((entry, i) => (
          <li key={`${entry.at}-${i}`} data-testid="rule-log-entry" data-outcome={entry.outcome} data-reason={entry.reason ?? ''}>
            <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time>
            <span className={`rl-outcome rl-outcome-${entry.outcome}`}>{OUTCOME_WORDS[entry.outcome]}</span>
            <span className="rl-reason">{entry.reason ? (REASON_WORDS[entry.reason] ?? entry.reason) : ''}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

function RuleRow({ store, rule }: { store: RulesStore; rule: RuleView }) {
  const busy = useStore(store, (s) => s.busy[rule.id] ?? null);
  const error = useStore(store, (s) => s.rowErrors[rule.id] ?? null);
  const confirming = useStore(store, (s) => s.confirmingDelete === rule.id);
  const r = rule;
  return (
    <li className="rec-row" data-testid="rule-row" data-id={r.id} data-enabled={r.enabled ? 'yes' : 'no'}>
      <div className="rec-row-head">
        <h4>{r.name}</h4>
        <span className={`rec-state rec-state-${r.enabled ? 'on' : 'off'}`} data-testid="rule-state">
          {r.enabled ? 'enabled' : 'disabled'}
        </span>
      </div>
      <dl className="rec-facts">
        <dt>When</dt>
        <dd data-testid="rule-trigger">{describeTrigger(r)}</dd>
        <dt>If</dt>
        <dd>{r.conditions.length === 0 ? 'always' : <code>{JSON.stringify(r.conditions)}</code>}</dd>
        <dt>Then</dt>
        <dd>
          <code>{JSON.stringify(r.actions)}</code>
        </dd>
        <dt>Held back by</dt>
        <dd data-testid="rule-windows">{describeWindows(r)}</dd>
      </dl>
      <RuleLog rule={r} />
      <div className="fx-actions">
        <button type="button" className="fx-secondary" aria-disabled={busy !== null} onClick={() => void store.getState().setEnabled(r.id, !r.enabled)} data-testid="rule-toggle">
          {r.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" className="link-button" onClick={() => store.getState().edit(r.id)} data-testid="rule-edit">
          Edit
        </button>
        <ConfirmRemove
          name={r.name}
          verb="Delete"
          confirming={confirming}
          busy={busy !== null}
          removing={busy === 'delete'}
          onAsk={() => store.getState().askToDelete(r.id)}
          onKeep={() => store.getState().askToDelete(null)}
          onConfirm={() => void store.getState().remove(r.id)}
          askTestId="rule-delete"
          confirmTestId="rule-confirm-delete"
        />
      </div>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="rule-row-message" slim />
    </li>
  );
}

export function RulesPanel({ api }: SectionProps) {
  const [store] = useState(() => createRulesStore(rulesApi(api)));
  const rules = useStore(store, (s) => s.rules);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  useRefreshing(store.getState().load, REFRESH_MS);
  return (
    <div className="rec-panel" data-testid="rules-panel">
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="rules-error" slim />
      {status === 'ready' && rules.length === 0 && <p className="muted">No rules yet.</p>}
      <ul className="rec-list" aria-label="Rules">
        {rules.map((r) => (
          <RuleRow key={r.id} store={store} rule={r} />
        ))}
      </ul>
      <RuleForm store={store} />
    </div>
  );
}
