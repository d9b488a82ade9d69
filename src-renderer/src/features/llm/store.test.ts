// Language model settings: only changed, unlocked values are sent, bad numbers are named by field, the key is write-only, tests are described in words.
import { describe, expect, it } from 'vitest';
import type { LlmSettingsUpdate, LlmSettingsView, LlmTestRequest, LlmTestResult } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { LlmApi } from './api';
import { buildTest, buildUpdate, createLlmStore, describeTest, lockedBy, sourceLabel } from './store';

const view = (over: Partial<LlmSettingsView> = {}): LlmSettingsView => ({
  provider: 'none',
  base_url: '',
  effective_base_url: null,
  model: '',
  timeout_ms: 60000,
  context_tokens: 8000,
  key: { present: false, source: null, problem: null },
  sources: { provider: 'default', base_url: 'default', model: 'default', timeout_ms: 'environment', context_tokens: 'default', api_key: 'default' },
  configured: false,
  problem: 'No language model is set up.',
  prompt_version: 'p/1',
  ...over,
});

const result = (over: Partial<LlmTestResult>): LlmTestResult => ({ ok: true, provider: 'openai', model: 'm', base_url: 'http://127.0.0.1:9/v1', latency_ms: 12.4, reply: 'OK', usage: null, error: null, trace_id: 't', ...over });

function server(): LlmApi & { saved: LlmSettingsUpdate[]; tested: LlmTestRequest[] } {
  let current = view();
  const saved: LlmSettingsUpdate[] = [];
  const tested: LlmTestRequest[] = [];
  return {
    saved,
    tested,
    settings: async () => current,
    save: async (update) => {
      saved.push(update);
      if (update.timeout_ms !== undefined) throw new ApiError(409, 'conflict', 'timeout_ms is set by JARVIS_LLM_TIMEOUT_MS in the environment.', [{ field: 'timeout_ms', problem: 'set by JARVIS_LLM_TIMEOUT_MS' }]);
      const { api_key } = update;
      current = {
        ...current,
        provider: update.provider ?? current.provider,
        base_url: update.base_url ?? current.base_url,
        model: update.model ?? current.model,
        context_tokens: update.context_tokens ?? current.context_tokens,
        configured: true,
        problem: null,
        key: api_key === undefined ? current.key : { present: api_key !== null, source: api_key === null ? null : 'file', problem: null },
      };
      return current;
    },
    test: async (request) => {
      tested.push(request);
      return result({ model: request.model ?? 'm' });
    },
  };
}

describe('where values come from', () => {
  it('locks a field its environment variable sets and says where the others come from', () => {
    const v = view({ sources: { timeout_ms: 'environment', model: 'config', api_key: 'config' } });
    expect(lockedBy(v, 'timeout_ms')).toBe('JARVIS_LLM_TIMEOUT_MS');
    expect(lockedBy(v, 'model')).toBeNull();
    expect(sourceLabel(v, 'model')).toBe('from the settings file');
    expect(sourceLabel(v, 'api_key')).toMatch(/stored in the data folder/);
    expect(sourceLabel(v, 'provider')).toBe('default');
  });
});

describe('requests', () => {
  it('sends only what changed and is not locked; the key only when typed', () => {
    const v = view();
    const form = { provider: 'openai' as const, base_url: 'http://127.0.0.1:9/v1', model: 'm', timeout_ms: '1', context_tokens: '8000', api_key: '' };
    expect(buildUpdate(v, form)).toEqual({ ok: true, update: { provider: 'openai', base_url: 'http://127.0.0.1:9/v1', model: 'm' } });
    expect(buildUpdate(v, { ...form, api_key: 'sk-x' })).toMatchObject({ ok: true, update: { api_key: 'sk-x' } });
  });

  it('names a bad field with what was expected', () => {
    const v = view({ sources: {} });
    expect(buildUpdate(v, { provider: 'none', base_url: 'ftp://x', model: '', timeout_ms: 'soon', context_tokens: '10', api_key: '' })).toEqual({
      ok: false,
      fieldErrors: { base_url: expect.stringMatching(/http\(s\) URL/), timeout_ms: 'a whole number of milliseconds from 1000 to 600000', context_tokens: 'a whole number of tokens from 1024 to 2000000' },
    });
  });

  it('tests the values on screen, leaving out what is empty', () => {
    expect(buildTest({ provider: 'none', base_url: '', model: '', timeout_ms: '', context_tokens: '', api_key: '' })).toEqual({});
    expect(buildTest({ provider: 'openai', base_url: ' http://h/v1 ', model: 'm', timeout_ms: '', context_tokens: '', api_key: 'k' })).toEqual({ provider: 'openai', base_url: 'http://h/v1', model: 'm', api_key: 'k' });
  });

  it('describes a test in words', () => {
    expect(describeTest(result({}))).toBe('Connected: openai model “m” at http://127.0.0.1:9/v1 answered in 12 ms (“OK”).');
    expect(describeTest(result({ ok: false, reply: null, error: { kind: 'auth', message: 'Incorrect API key provided.' } }))).toBe('Could not use openai model “m” at http://127.0.0.1:9/v1: Incorrect API key provided. (auth).');
  });
});

describe('llm store', () => {
  it('loads, saves changes, clears the typed key, and removes the stored key', async () => {
    const api = server();
    const store = createLlmStore(api);
    await store.getState().load();
    store.getState().setField('provider', 'openai');
    store.getState().setField('model', 'sim-chat');
    store.getState().setField('api_key', 'sk-typed');
    await store.getState().submit();
    expect(api.saved.at(-1)).toEqual({ provider: 'openai', model: 'sim-chat', api_key: 'sk-typed' });
    expect(store.getState().form.api_key).toBe('');
    expect(store.getState().save).toEqual({ status: 'saved', message: 'Saved. The language model is live.' });

    await store.getState().submit();
    expect(store.getState().save.message).toBe('Nothing changed.');

    await store.getState().removeKey();
    expect(api.saved.at(-1)).toEqual({ api_key: null });
    expect(store.getState().view?.key.present).toBe(false);
  });

  it('a refusal marks its field and says nothing was saved', async () => {
    const api = server();
    const store = createLlmStore(api);
    await store.getState().load();
    // The view says timeout is locked; an unlocked copy lets the refusal through to the server.
    store.setState({ view: view({ sources: {} }) });
    store.getState().setField('timeout_ms', '5000');
    await store.getState().submit();
    expect(store.getState().fieldErrors).toEqual({ timeout_ms: 'set by JARVIS_LLM_TIMEOUT_MS' });
    expect(store.getState().save).toMatchObject({ status: 'failed', message: expect.stringMatching(/environment\. .*Nothing was saved\.$/) });
  });

  it('runs a test with the values on screen', async () => {
    const api = server();
    const store = createLlmStore(api);
    await store.getState().load();
    store.getState().setField('model', 'other');
    await store.getState().runTest();
    expect(api.tested).toEqual([{ model: 'other' }]);
    expect(store.getState().test).toMatchObject({ status: 'done', message: expect.stringMatching(/^Connected: openai model “other”/) });
  });
});
