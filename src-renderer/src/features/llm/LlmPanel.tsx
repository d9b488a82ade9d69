// Language model settings: provider, address, model, limits and the write-only key, where each comes from, a connection test and Save.
import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { SectionProps } from '../settings/sections';
import { llmApi } from './api';
import { Outcome, SelectField, TextField } from './fields';
import { createLlmStore, lockedBy, sourceLabel, type LlmField, type LlmStore, type ProviderKind } from './store';

const PROVIDERS: { value: ProviderKind; label: string }[] = [
  { value: 'none', label: 'None (built-in intents only)' },
  { value: 'openai', label: 'OpenAI-compatible (OpenAI, llama.cpp, Ollama, vLLM…)' },
  { value: 'anthropic', label: 'Anthropic' },
];

function useFieldProps(store: LlmStore, field: LlmField) {
  const view = useStore(store, (s) => s.view);
  const problem = useStore(store, (s) => s.fieldErrors[field] ?? null);
  return { locked: lockedBy(view, field), problem, source: sourceLabel(view, field) };
}

function Input({ store, field, label, hint, placeholder }: { store: LlmStore; field: Exclude<LlmField, 'provider' | 'api_key'>; label: string; hint: string; placeholder?: string }) {
  const value = useStore(store, (s) => s.form[field]);
  const { locked, problem, source } = useFieldProps(store, field);
  return (
    <TextField
      label={label}
      testId={`llm-${field}`}
      value={value}
      onChange={(v) => store.getState().setField(field, v)}
      locked={locked}
      problem={problem}
      hint={`${hint} Now: ${source}.`}
      type={field === 'base_url' ? 'url' : field === 'model' ? 'text' : 'number'}
      {...(placeholder ? { placeholder } : {})}
    />
  );
}

function KeyField({ store }: { store: LlmStore }) {
  const key = useStore(store, (s) => s.view?.key ?? null);
  const value = useStore(store, (s) => s.form.api_key);
  const { locked, problem } = useFieldProps(store, 'api_key');
  const state = key === null ? '' : key.present ? (key.source === 'environment' ? 'A key is set by JARVIS_LLM_API_KEY.' : 'A key is stored; typing a new one replaces it.') : 'No key is stored.';
  return (
    <div className="fx-wide">
      <TextField
        label="API key"
        type="password"
        testId="llm-api_key"
        value={value}
        onChange={(v) => store.getState().setField('api_key', v)}
        locked={locked}
        problem={problem ?? key?.problem ?? null}
        hint={`${state} It is never shown again; local servers often need none.`}
        placeholder={key?.present ? '•••••••• (stored)' : ''}
      />
      {key?.present && key.source === 'file' && (
        <button type="button" className="link-button" onClick={() => void store.getState().removeKey()} data-testid="llm-remove-key">
          Remove the stored key
        </button>
      )}
    </div>
  );
}

export function LlmPanel({ api }: SectionProps) {
  const [store] = useState(() => createLlmStore(llmApi(api)));
  const view = useStore(store, (s) => s.view);
  const provider = useStore(store, (s) => s.form.provider);
  const error = useStore(store, (s) => s.error);
  const save = useStore(store, (s) => s.save);
  const test = useStore(store, (s) => s.test);
  const { locked: providerLocked, problem: providerProblem, source: providerSource } = useFieldProps(store, 'provider');
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void store.getState().submit();
  };
  const state = view === null ? 'unknown' : view.configured ? 'connected' : 'not_paired';
  return (
    <div className="llm-panel" data-testid="llm-panel">
      <p className="llm-state">
        <span className={`st-badge st-badge-${state}`} data-testid="llm-state" data-state={view?.configured ? 'live' : view ? 'off' : 'unknown'}>
          {view === null ? 'Checking…' : view.configured ? `Live · ${view.provider} · ${view.model}` : 'Not live'}
        </span>{' '}
        <span className="small muted" data-testid="llm-problem">
          {view?.problem ?? (view?.effective_base_url ? `Calls go to ${view.effective_base_url}.` : '')}
        </span>
      </p>
      <Outcome tone={error ? 'bad' : 'muted'} text={error} testId="llm-error" slim />
      <form className="llm-form fx-grid" aria-label="Language model settings" onSubmit={submit} noValidate>
        <div className="fx-wide">
          <SelectField<ProviderKind>
            label="Provider"
            testId="llm-provider"
            value={provider}
            options={PROVIDERS}
            onChange={(v) => store.getState().setField('provider', v)}
            locked={providerLocked}
            problem={providerProblem}
            hint={`Now: ${providerSource}.`}
          />
        </div>
        <Input store={store} field="base_url" label="Base URL" hint="Empty means the provider’s usual address." placeholder="http://127.0.0.1:8080/v1" />
        <Input store={store} field="model" label="Model" hint="As the provider names it." />
        <Input store={store} field="timeout_ms" label="Timeout (ms)" hint="One call may take this long." />
        <Input store={store} field="context_tokens" label="Context budget (tokens)" hint="How much the model is given per call." />
        <KeyField store={store} />
        <div className="fx-actions fx-wide">
          <button type="submit" aria-disabled={save.status === 'saving' || view === null} data-testid="llm-save">
            {save.status === 'saving' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="fx-secondary" aria-disabled={test.status === 'testing'} onClick={() => void store.getState().runTest()} data-testid="llm-test">
            {test.status === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
          <span className="small muted">The test uses the values above, saved or not.</span>
        </div>
        <div className="fx-wide">
          <Outcome tone={save.status === 'failed' ? 'bad' : save.status === 'saved' ? 'ok' : 'muted'} text={save.message} testId="llm-save-message" />
          <Outcome tone={test.status === 'failed' || (test.result && !test.result.ok) ? 'bad' : test.result?.ok ? 'ok' : 'muted'} text={test.message} testId="llm-test-result" />
        </div>
      </form>
      <p className="small muted">Prompt version {view?.prompt_version ?? '—'}.</p>
    </div>
  );
}
