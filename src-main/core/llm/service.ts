// The live language model: settings (changeable at run time), the key, the provider-backed port, and "test connection".
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import { newId } from '../util/ids';
import type { LlmSettingsUpdate, LlmSettingsView, LlmTestRequest, LlmTestResult } from '../../../src-shared/contract/llm';
import { AnthropicProvider } from './anthropic';
import { LlmCallStore } from './calls';
import { DEFAULT_BASE_URLS, KEY_ENV, KeyFileError, LLM_SETTING_KEYS, MAX_OUTPUT, readApiKey, readConfigFile, writeApiKey, writeConfigKeys, type LlmConfig, type LlmProviderKind } from './config';
import type { MemoryLookup } from './context';
import { LlmError } from './errors';
import { ModelAgent } from './model-agent';
import { OpenAiProvider } from './openai';
import type { LlmPort } from './port';
import { CONNECTION_TEST_PROMPT, PROMPT_VERSION } from './prompts';
import type { ChatProvider, ChatRequest } from './types';

/** HTTP-level retries of one call (connection refused, 429, 5xx); the task engine may retry the whole turn after that. */
const HTTP_RETRIES = 2;
const TEST_TIMEOUT_MS = 30_000;

/** A setting the environment decides; the message says which variable to unset. */
export class LlmSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LlmServiceDeps {
  db: Db;
  audit: AuditLog;
  home: string;
  config: LlmConfig;
  env?: NodeJS.ProcessEnv;
  autonomy(): string;
  memories?: MemoryLookup | undefined;
  /** A model that replaces the configured provider (tests of the engine script one). */
  override?: LlmPort | undefined;
  now?: () => Date;
}

const FIELDS: Readonly<Record<keyof LlmConfig, keyof LlmSettingsUpdate>> = {
  llmProvider: 'provider',
  llmBaseUrl: 'base_url',
  llmModel: 'model',
  llmTimeoutMs: 'timeout_ms',
  llmContextTokens: 'context_tokens',
};

export function createProvider(kind: Exclude<LlmProviderKind, 'none'>, o: { baseUrl: string; model: string; apiKey: string | null; timeoutMs: number; stream: boolean }): ChatProvider {
  const options = { baseUrl: o.baseUrl || DEFAULT_BASE_URLS[kind], model: o.model, apiKey: o.apiKey, timeoutMs: o.timeoutMs, retries: HTTP_RETRIES, stream: o.stream };
  return kind === 'openai' ? new OpenAiProvider(options) : new AnthropicProvider(options);
}

export class LlmService {
  readonly calls: LlmCallStore;
  private config: LlmConfig;
  private readonly env: NodeJS.ProcessEnv;
  private built: { port: LlmPort | null; problem: string | null } | null = null;

  constructor(private readonly d: LlmServiceDeps) {
    this.calls = new LlmCallStore(d.db, d.audit);
    this.config = { ...d.config };
    this.env = d.env ?? process.env;
  }

  private key(): { key: string | null; source: 'environment' | 'file' | null; problem: string | null } {
    try {
      return { ...readApiKey(this.d.home, this.env), problem: null };
    } catch (err) {
      if (err instanceof KeyFileError) return { key: null, source: null, problem: err.message };
      throw err;
    }
  }

  private build(): { port: LlmPort | null; problem: string | null } {
    if (this.d.override) return { port: this.d.override, problem: null };
    const c = this.config;
    if (c.llmProvider === 'none') {
      return {
        port: null,
        problem: `No language model is set up. Choose one in Settings → Language model, or set JARVIS_LLM_PROVIDER (openai for OpenAI, Ollama, LM Studio, llama.cpp or vLLM; anthropic for Claude), JARVIS_LLM_BASE_URL and JARVIS_LLM_MODEL, with ${KEY_ENV} if it needs a key.`,
      };
    }
    if (c.llmModel.trim() === '') return { port: null, problem: `No model is named for ${c.llmProvider}: set it in Settings → Language model or with JARVIS_LLM_MODEL.` };
    const key = this.key();
    if (key.problem) return { port: null, problem: key.problem };
    const hosted = c.llmProvider === 'anthropic' || (c.llmBaseUrl === '' && c.llmProvider === 'openai');
    if (hosted && !key.key) return { port: null, problem: `${c.llmProvider} needs an API key: set ${KEY_ENV} or save one in Settings → Language model.` };
    const provider = createProvider(c.llmProvider, { baseUrl: c.llmBaseUrl, model: c.llmModel, apiKey: key.key, timeoutMs: c.llmTimeoutMs, stream: true });
    const port = new ModelAgent({
      provider,
      calls: this.calls,
      limits: { contextTokens: c.llmContextTokens, maxOutput: Math.min(MAX_OUTPUT, Math.floor(c.llmContextTokens / 4)) },
      sources: { db: this.d.db, autonomy: this.d.autonomy, memories: this.d.memories, now: this.d.now ?? (() => new Date()) },
    });
    return { port, problem: null };
  }

  /** The model the LLM lane and llm_decide steps ask, or null when none is usable (problem() says why). */
  port(): LlmPort | null {
    this.built ??= this.build();
    return this.built.port;
  }

  problem(): string | null {
    this.built ??= this.build();
    return this.built.problem;
  }

  private sourceOf(field: keyof LlmConfig, fileKeys: ReadonlySet<string>): 'default' | 'config' | 'environment' {
    if (this.env[LLM_SETTING_KEYS[field]]) return 'environment';
    return fileKeys.has(field) ? 'config' : 'default';
  }

  private configFileKeys(): Set<string> {
    try {
      return new Set(Object.keys(readConfigFile(this.d.home)));
    } catch {
      return new Set();
    }
  }

  view(): LlmSettingsView {
    const c = this.config;
    const key = this.key();
    const fileKeys = this.configFileKeys();
    const sources: Record<string, 'default' | 'config' | 'environment'> = {};
    for (const field of Object.keys(FIELDS) as (keyof LlmConfig)[]) sources[FIELDS[field]] = this.sourceOf(field, fileKeys);
    sources.api_key = key.source === 'environment' ? 'environment' : key.source === 'file' ? 'config' : 'default';
    return {
      provider: c.llmProvider,
      base_url: c.llmBaseUrl,
      effective_base_url: c.llmProvider === 'none' ? null : c.llmBaseUrl || DEFAULT_BASE_URLS[c.llmProvider],
      model: c.llmModel,
      timeout_ms: c.llmTimeoutMs,
      context_tokens: c.llmContextTokens,
      key: { present: key.key !== null, source: key.source, problem: key.problem },
      sources,
      configured: this.port() !== null,
      problem: this.problem(),
      prompt_version: PROMPT_VERSION,
    };
  }

  /** Saves the given fields to config.json (and the key file), applies them at once and audits what changed (never the key). */
  update(body: LlmSettingsUpdate, actor: string): LlmSettingsView {
    const next: Partial<LlmConfig> = {};
    const changed: string[] = [];
    for (const field of Object.keys(FIELDS) as (keyof LlmConfig)[]) {
      const value = body[FIELDS[field]];
      if (value === undefined || value === null) continue;
      if (this.env[LLM_SETTING_KEYS[field]]) {
        throw new LlmSettingsError(FIELDS[field], `${FIELDS[field]} is set by ${LLM_SETTING_KEYS[field]} in the environment, which wins over this screen; unset it and restart to change it here.`);
      }
      (next as Record<string, unknown>)[field] = value;
      if (this.config[field] !== value) changed.push(FIELDS[field]);
    }
    if (body.api_key !== undefined && this.env[KEY_ENV]) {
      throw new LlmSettingsError('api_key', `The key comes from ${KEY_ENV} in the environment, which wins over this screen; unset it and restart to change it here.`);
    }
    // Read config.json before writing anything, so an unreadable file changes nothing.
    let current: Record<string, unknown>;
    try {
      current = readConfigFile(this.d.home);
    } catch (err) {
      throw new LlmSettingsError('config.json', (err as Error).message);
    }
    if (body.api_key !== undefined) writeApiKey(this.d.home, body.api_key);
    if (Object.keys(next).length > 0) writeConfigKeys(this.d.home, current, next);
    this.config = { ...this.config, ...next };
    this.built = null;
    const view = this.view();
    this.d.audit.append({
      type: 'llm.settings_changed',
      actor,
      subject: 'llm',
      payload: { changed, provider: view.provider, model: view.model, base_url: view.effective_base_url, key_changed: body.api_key !== undefined, key_present: view.key.present, configured: view.configured },
    });
    return view;
  }

  /** Asks the saved provider (or the given values, unsaved) for a one-word answer; recorded and audited like any call. */
  async test(body: LlmTestRequest, actor: string): Promise<LlmTestResult> {
    const c = this.config;
    const kind = body.provider ?? (c.llmProvider === 'none' ? null : c.llmProvider);
    const model = body.model ?? c.llmModel;
    const baseUrl = body.base_url ?? (body.provider && body.provider !== c.llmProvider ? '' : c.llmBaseUrl);
    const traceId = newId();
    const effective = kind ? baseUrl || DEFAULT_BASE_URLS[kind] : null;
    const base = { provider: kind ?? 'none', model, base_url: effective, trace_id: traceId };
    const finish = (result: LlmTestResult): LlmTestResult => {
      this.d.audit.append({
        type: 'llm.connection_tested',
        actor,
        subject: 'llm',
        traceId,
        payload: { ok: result.ok, provider: result.provider, model: result.model, base_url: result.base_url, latency_ms: result.latency_ms, reason: result.error?.kind ?? null, message: result.error?.message ?? null },
      });
      return result;
    };
    if (!kind || model === '') {
      return finish({ ...base, ok: false, latency_ms: 0, reply: null, usage: null, error: { kind: 'not_configured', message: this.problem() ?? 'Choose a provider and a model first.' } });
    }
    const key = body.api_key !== undefined ? { key: body.api_key, problem: null } : this.key();
    if (key.problem) return finish({ ...base, ok: false, latency_ms: 0, reply: null, usage: null, error: { kind: 'auth', message: key.problem } });
    const provider = createProvider(kind, { baseUrl, model, apiKey: key.key, timeoutMs: Math.min(c.llmTimeoutMs, TEST_TIMEOUT_MS), stream: false });
    const chat: ChatRequest = { messages: [{ role: 'user', content: CONNECTION_TEST_PROMPT }], tools: [], toolChoice: 'none', maxOutput: 16, temperature: 0 };
    const id = this.calls.begin({ traceId, taskId: null, stepId: null, turn: null, threadId: null, purpose: 'test', provider: provider.describe, model, context: { prompt_version: PROMPT_VERSION, test: true }, request: provider.wireBody(chat), messages: 1, tools: 0 });
    const started = Date.now();
    try {
      const result = await provider.complete(chat);
      const latency = Date.now() - started;
      this.calls.responded(id, traceId, 'test', result, latency);
      return finish({ ...base, ok: true, latency_ms: latency, reply: result.text.slice(0, 200), usage: result.usage, error: null });
    } catch (err) {
      const latency = Date.now() - started;
      const error = err instanceof LlmError ? { kind: err.kind, message: err.message } : { kind: 'llm_unavailable', message: (err as Error).message };
      this.calls.failed(id, traceId, 'test', error, latency);
      return finish({ ...base, ok: false, latency_ms: latency, reply: null, usage: null, error });
    }
  }
}

interface MemoryQueryAnswer {
  results: { memory: { id: string; kind: string; content: string }; score: number; vector: { similarity: number } | null; text: { rank: number } | null }[];
}

/** Below this cosine, a memory found only by its vector is noise rather than relevant (the fused ranking always returns k). */
const MIN_SIMILARITY = 0.25;

/** The context builder's memory seam over the memory module's query (vectors and text fused). */
export function memoryLookup(query: (input: { text: string; k: number }) => Promise<MemoryQueryAnswer>): MemoryLookup {
  return async (text, limit) => {
    const answer = await query({ text: text.slice(0, 2000), k: limit });
    return answer.results
      .filter((r) => r.text !== null || (r.vector?.similarity ?? 0) >= MIN_SIMILARITY)
      .map((r) => ({ id: r.memory.id, kind: r.memory.kind, content: r.memory.content, score: r.score }));
  };
}
