// The language-model API: provider settings, "test connection", and what each model call received (GET /v1/llm/context).
import { z } from 'zod';

export const LLM_PROVIDER_KINDS = ['none', 'openai', 'anthropic'] as const;
export const SETTING_SOURCES = ['default', 'config', 'environment'] as const;

const HttpUrl = z.string().refine((v) => {
  if (v === '') return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials, or "" for the provider\'s usual address');

export const LlmSettingsView = z.object({
  provider: z.enum(LLM_PROVIDER_KINDS),
  base_url: z.string(),
  /** The address actually used (the provider's usual one when base_url is ""). */
  effective_base_url: z.string().nullable(),
  model: z.string(),
  timeout_ms: z.number().int(),
  context_tokens: z.number().int(),
  /** Whether a key is set and where it comes from; the key itself is never shown. */
  key: z.object({ present: z.boolean(), source: z.enum(['environment', 'file']).nullable(), problem: z.string().nullable() }),
  /** Where each value comes from; a value set by an environment variable cannot be changed here. */
  sources: z.record(z.string(), z.enum(SETTING_SOURCES)),
  /** true when the LLM lane is live. */
  configured: z.boolean(),
  /** Why it is not, in words, with what to do. */
  problem: z.string().nullable(),
  prompt_version: z.string(),
});
export type LlmSettingsView = z.infer<typeof LlmSettingsView>;

export const LlmSettingsUpdate = z.strictObject({
  provider: z.enum(LLM_PROVIDER_KINDS, { error: `provider must be one of ${LLM_PROVIDER_KINDS.join(', ')}` }).optional(),
  base_url: HttpUrl.optional(),
  model: z.string().trim().max(200).optional(),
  timeout_ms: z.number().int().min(1000).max(600_000).optional(),
  context_tokens: z.number().int().min(1024).max(2_000_000).optional(),
  /** Stored in $JARVIS_HOME/llm-api-key (mode 0600); null removes it. Never returned or audited. */
  api_key: z.string().trim().min(1).max(4096).nullable().optional(),
});
export type LlmSettingsUpdate = z.infer<typeof LlmSettingsUpdate>;

/** Test the saved settings, or these values instead (nothing is saved). */
export const LlmTestRequest = z.strictObject({
  provider: z.enum(['openai', 'anthropic'], { error: 'provider must be openai or anthropic' }).optional(),
  base_url: HttpUrl.optional(),
  model: z.string().trim().min(1).max(200).optional(),
  api_key: z.string().trim().min(1).max(4096).optional(),
});
export type LlmTestRequest = z.infer<typeof LlmTestRequest>;

export const LlmUsage = z.object({ input: z.number().int(), output: z.number().int(), estimated: z.boolean() });

export const LlmTestResult = z.object({
  ok: z.boolean(),
  provider: z.string(),
  model: z.string(),
  base_url: z.string().nullable(),
  latency_ms: z.number(),
  reply: z.string().nullable(),
  usage: LlmUsage.nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  trace_id: z.string(),
});
export type LlmTestResult = z.infer<typeof LlmTestResult>;

export const LlmCallView = z.object({
  id: z.string(),
  trace_id: z.string(),
  task_id: z.string().nullable(),
  step_id: z.string().nullable(),
  turn: z.number().int().nullable(),
  thread_id: z.string().nullable(),
  purpose: z.string(),
  provider: z.string(),
  model: z.string(),
  prompt_version: z.string(),
  status: z.enum(['requested', 'responded', 'failed']),
  /** The context section by section: message, history, memories, activity, tools, autonomy, budget. */
  context: z.record(z.string(), z.unknown()),
  /** The request body exactly as sent to the provider (credentials travel in headers and are not kept). */
  request: z.record(z.string(), z.unknown()),
  response: z.unknown(),
  usage: LlmUsage.nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type LlmCallView = z.infer<typeof LlmCallView>;

export const LlmContextQuery = z.strictObject({ trace_id: z.string().min(1, 'trace_id is required').max(128) });

export const LlmContextResponse = z.object({ trace_id: z.string(), calls: z.array(LlmCallView) });
export type LlmContextResponse = z.infer<typeof LlmContextResponse>;
