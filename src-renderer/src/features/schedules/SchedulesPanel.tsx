// Schedules: the list with timing in words, next run, status and missed-run policy; a form whose next five runs update as the person types.
import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { ScheduleView } from '../../../../src-shared/contract';
import { Outcome, SelectField, TextField } from '../llm/fields';
import type { SectionProps } from '../settings/sections';
import { schedulesApi } from './api';
import { createSchedulesStore, MISSED_LABELS, MISSED_POLICIES, when, type SchedulesStore, type TimingKind } from './store';
import '../settings/record-list.css';
import './schedules.css';
import { ConfirmRemove } from '../settings/ConfirmRemove';
import { useRefreshing } from '../settings/use-refreshing';

/** Typing pauses this long before the preview is asked for, so each keystroke does not cost a request. */
const PREVIEW_DELAY_MS = 350;
/** Runs happen by themselves (next run, run count, done); the list is read again this often. */
const REFRESH_MS = 10_000;
const MISSED_OPTIONS = MISSED_POLICIES.map((p) => ({ value: p, label: MISSED_LABELS[p] }));

function ScheduleForm({ store }: { store: SchedulesStore }) {
  const form = useStore(store, (s) => s.form);
  const errors = useStore(store, (s) => s.formErrors);
  const preview = useStore(store, (s) => s.preview);
  const previewing = useStore(store, (s) => s.previewing);
  const saving = useStore(store, (s) => s.saving);
  const message = useStore(store, (s) => s.message);
  const editing = useStore(store, (s) => s.editing);
  const set = store.getState().setForm;
  const { timing, cron, timezone, every, at } = form;
  useEffect(() => {
    const timer = setTimeout(() => void store.getState().runPreview(), PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [store, timing, cron, timezone, every, at]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().save();
  };
  const failed = message !== null && /nothing was saved/i.test(message);
  return (
    <form className="sch-form fx-grid" aria-label={editing ? 'Edit the schedule' : 'Add a schedule'} onSubmit={submit} noValidate data-testid="schedule-form">
      <h4 className="small-heading fx-wide">{editing ? `Edit “${form.name}”` : 'Add a schedule'}</h4>
      <TextField label="Name" testId="schedule-name" value={form.name} onChange={(name) => set({ name })} problem={errors.name ?? null} placeholder="Weekday briefing" />
      <SelectField<TimingKind>
        label="Runs"
        testId="schedule-timing"
        value={form.timing}
        options={[
          { value: 'cron', label: 'On a calendar (cron)' },
          { value: 'every', label: 'Every few minutes' },
          { value: 'at', label: 'Once, at a set time' },
        ]}
        onChange={(t) => set({ timing: t })}
      />
      {form.timing === 'cron' && (
        <>
          <TextField label="Cron expression" testId="schedule-cron" value={form.cron} onChange={(v) => set({ cron: v })} problem={errors.cron ?? null} hint="minute hour day-of-month month day-of-week, e.g. 0 8 * * 1-5" />
          <TextField label="Time zone" testId="schedule-timezone" value={form.timezone} onChange={(v) => set({ timezone: v })} problem={errors.timezone ?? null} hint="An IANA zone such as Europe/Paris or UTC." />
        </>
      )}
      {form.timing === 'every' && (
        <div className="fx-wide">
          <TextField label="Every (minutes)" type="number" testId="schedule-every" value={form.every} onChange={(v) => set({ every: v })} problem={errors.every ?? null} hint="At least one second (0.02 minutes)." />
        </div>
      )}
      {form.timing === 'at' && (
        <div className="fx-wide">
          <TextField label="At (your local time)" testId="schedule-at" value={form.at} onChange={(v) => set({ at: v })} problem={errors.at ?? null} placeholder="2026-12-24T18:00" hint="Date and time, e.g. 2026-12-24T18:00." />
        </div>
      )}
      <div className="sch-preview fx-wide" aria-live="polite" data-testid="schedule-preview" data-state={preview ? 'ready' : previewing ? 'loading' : 'none'}>
        <span className="small muted">{preview ? `Next runs: ${preview.describe}` : previewing ? 'Working out the next runs…' : 'The next runs appear here once the timing is valid.'}</span>
        <ol className="sch-runs">
          {Array.from({ length: 5 }, (_, i) => (
            <li key={i} data-testid={preview?.runs[i] ? 'schedule-preview-run' : undefined}>
              {preview?.runs[i] ? when(preview.runs[i] ?? null) : '\u00a0'}
            </li>
          ))}
        </ol>
      </div>
      <SelectField<'goal' | 'notify'>
        label="What it does"
        testId="schedule-action"
        value={form.action}
        options={[
          { value: 'goal', label: 'Ask Jarvis (a goal)' },
          { value: 'notify', label: 'Remind me (a notification)' },
        ]}
        onChange={(action) => set({ action })}
        hint="A goal meets the approval gate like any unattended request."
      />
      <TextField label={form.action === 'goal' ? 'Goal' : 'Reminder text'} testId="schedule-text" value={form.text} onChange={(text) => set({ text })} problem={errors.text ?? null} placeholder={form.action === 'goal' ? 'summarise my unread mail' : 'Stand up and stretch'} />
      <SelectField label="If runs were missed (Jarvis was off)" testId="schedule-missed" value={form.missed} options={MISSED_OPTIONS} onChange={(missed) => set({ missed })} />
      <TextField label="Too old after (minutes)" type="number" testId="schedule-staleness" value={form.staleness} onChange={(staleness) => set({ staleness })} problem={errors.staleness ?? null} hint="A missed run older than this is dropped; empty: never too old." />
      <div className="fx-actions fx-wide">
        <button type="submit" aria-disabled={saving} data-testid="schedule-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Add schedule'}
        </button>
        {editing && (
          <button type="button" className="link-button" onClick={() => store.getState().edit(null)}>
            Cancel editing
          </button>
        )}
      </div>
      <div className="fx-wide">
        <Outcome tone={failed ? 'bad' : message ? 'ok' : 'muted'} text={message} testId="schedule-message" />
      </div>
    </form>
  );
}

function ScheduleRow({ store, schedule }: { store: SchedulesStore; schedule: ScheduleView }) {
  const busy = useStore(store, (s) => s.busy[schedule.id] ?? null);
  const error = useStore(store, (s) => s.rowErrors[schedule.id] ?? null);
  const confirming = useStore(store, (s) => s.confirmingDelete === schedule.id);
  const s = schedule;
  const stale = s.staleness_ms === null ? 'never too old' : `dropped after ${Math.round(s.staleness_ms / 60_000)} min`;
  return (
    <li className="rec-row" data-testid="schedule-row" data-id={s.id} data-status={s.status}>
      <div className="rec-row-head">
        <h4>{s.name}</h4>
        <span className={`rec-state rec-state-${s.status === 'active' ? 'on' : 'off'}`} data-testid="schedule-status">
          {s.status}
        </span>
      </div>
      <dl className="rec-facts">
        <dt>Timing</dt>
        <dd data-testid="schedule-describe">{s.describe}</dd>
        <dt>Next run</dt>
        <dd data-testid="schedule-next">{s.status === 'paused' ? 'paused' : when(s.next_run_at)}</dd>
        <dt>Missed runs</dt>
        <dd data-testid="schedule-missed-policy">
          {MISSED_LABELS[s.missed_policy]}; {stale}
        </dd>
        <dt>Does</dt>
        <dd>{s.payload.kind === 'goal' ? `Goal: ${s.payload.goal}` : s.payload.kind === 'notify' ? `Reminder: ${s.payload.text}` : `Workflow ${s.payload.workflow_id}`}</dd>
      </dl>
      <div className="fx-actions">
        {s.status !== 'done' && (
          <button type="button" className="fx-secondary" aria-disabled={busy !== null} onClick={() => void store.getState().setStatus(s.id, s.status === 'paused' ? 'active' : 'paused')} data-testid="schedule-toggle">
            {s.status === 'paused' ? 'Resume' : 'Pause'}
          </button>
        )}
        <button type="button" className="link-button" onClick={() => store.getState().edit(s.id)} data-testid="schedule-edit">
          Edit
        </button>
        <ConfirmRemove
          name={s.name}
          verb="Delete"
          confirming={confirming}
          busy={busy !== null}
          removing={busy === 'delete'}
          onAsk={() => store.getState().askToDelete(s.id)}
          onKeep={() => store.getState().askToDelete(null)}
          onConfirm={() => void store.getState().remove(s.id)}
          askTestId="schedule-delete"
          confirmTestId="schedule-confirm-delete"
        />
      </div>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="schedule-row-message" slim />
    </li>
  );
}

export function SchedulesPanel({ api }: SectionProps) {
  const [store] = useState(() => createSchedulesStore(schedulesApi(api)));
  const schedules = useStore(store, (s) => s.schedules);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  useRefreshing(store.getState().load, REFRESH_MS);
  return (
    <div className="rec-panel" data-testid="schedules-panel">
      <p className="small muted">A schedule never approves anything by itself: what it starts meets the approval gate like any unattended request.</p>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="schedules-error" slim />
      {status === 'ready' && schedules.length === 0 && <p className="muted">No schedules yet.</p>}
      <ul className="rec-list" aria-label="Schedules">
        {schedules.map((s) => (
          <ScheduleRow key={s.id} store={store} schedule={s} />
        ))}
      </ul>
      <ScheduleForm store={store} />
    </div>
  );
}
