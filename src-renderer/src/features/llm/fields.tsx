// Labelled form fields shared by the intelligence and home settings panels: a note or the server's reason under each, in a fixed-height slot.
import { useId, type ReactNode } from 'react';
import './llm.css';

interface FieldBase {
  label: string;
  /** Shown under the field; replaced by the problem when there is one. */
  hint?: ReactNode;
  problem?: string | null;
  testId: string;
  /** Set by an environment variable: shown, never editable here. */
  locked?: string | null;
}

function Note({ id, hint, problem, locked }: { id: string; hint?: ReactNode; problem?: string | null | undefined; locked?: string | null | undefined }) {
  const text = problem ?? (locked ? `Set by ${locked}; change it there.` : hint);
  return (
    <span id={id} className={problem ? 'st-note tone-bad' : 'st-note muted'} role={problem ? 'alert' : undefined}>
      {text ?? ''}
    </span>
  );
}

export function TextField(props: FieldBase & { value: string; onChange: (v: string) => void; type?: 'text' | 'url' | 'number' | 'password'; placeholder?: string; inputMode?: 'numeric' | 'text' | 'url' }) {
  const id = useId();
  const { label, hint, problem, testId, locked, value, onChange, type = 'text', placeholder, inputMode } = props;
  return (
    <div className="st-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type === 'number' ? 'text' : type}
        inputMode={inputMode ?? (type === 'number' ? 'numeric' : undefined)}
        value={value}
        placeholder={placeholder}
        readOnly={!!locked}
        aria-readonly={locked ? true : undefined}
        spellCheck={false}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        autoCapitalize="off"
        aria-invalid={!!problem}
        aria-describedby={`${id}-note`}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      <Note id={`${id}-note`} hint={hint} problem={problem} locked={locked} />
    </div>
  );
}

export function SelectField<T extends string>(props: FieldBase & { value: T; options: readonly { value: T; label: string }[]; onChange: (v: T) => void }) {
  const id = useId();
  const { label, hint, problem, testId, locked, value, options, onChange } = props;
  return (
    <div className="st-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="fx-select"
        value={value}
        disabled={!!locked}
        aria-invalid={!!problem}
        aria-describedby={`${id}-note`}
        onChange={(e) => {
          const next = options.find((o) => o.value === e.target.value);
          if (next) onChange(next.value);
        }}
        data-testid={testId}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Note id={`${id}-note`} hint={hint} problem={problem} locked={locked} />
    </div>
  );
}

export function AreaField(props: FieldBase & { value: string; onChange: (v: string) => void; rows?: number; placeholder?: string }) {
  const id = useId();
  const { label, hint, problem, testId, value, onChange, rows = 3, placeholder } = props;
  return (
    <div className="st-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="fx-area"
        rows={rows}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={!!problem}
        aria-describedby={`${id}-note`}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      <Note id={`${id}-note`} hint={hint} problem={problem} />
    </div>
  );
}

/** A result line in a slot that keeps its height, so an answer arriving never moves what follows. */
export function Outcome({ tone, text, testId, slim = false }: { tone: 'ok' | 'bad' | 'muted'; text: string | null; testId: string; slim?: boolean }) {
  return (
    <p className={`fx-outcome tone-${tone}${slim ? ' fx-outcome-slim' : ''}`} role={tone === 'bad' ? 'alert' : 'status'} data-testid={testId} data-tone={tone}>
      {text ?? ''}
    </p>
  );
}
