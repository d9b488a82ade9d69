// OpenAI-compatible chat completions (OpenAI, Ollama, LM Studio, llama.cpp's server, vLLM): request mapping, answers checked with zod, streaming folded.
import { z } from 'zod';
import { LlmError } from './errors';
import { postJson, readJsonAnswer, readSse, type HttpTarget } from './http';
import { estimateTokens, type CallOptions, type ChatMessage, type ChatProvider, type ChatRequest, type ChatResult, type ChatToolCall, type FinishReason } from './types';

// Some local servers send arguments as an object rather than the documented JSON string: accept both, keep text.
const Arguments = z.union([z.string(), z.record(z.string(), z.unknown()).transform((o) => JSON.stringify(o))]);

const Usage = z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).nullish();

const Completion = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(z.object({ id: z.string().optional(), type: z.string().optional(), function: z.object({ name: z.string(), arguments: Arguments.optional() }) })).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, 'the answer has no choices'),
  usage: Usage,
});

const Chunk = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(z.object({ index: z.number().int().nonnegative(), id: z.string().nullish(), function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish() }))
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: Usage,
});

const StreamError = z.object({ error: z.object({ message: z.string() }).or(z.string()) });

export function mapFinish(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
      return reason;
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

export function toOpenAiMessage(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return m.toolCalls && m.toolCalls.length > 0
        ? { role: 'assistant', content: m.content, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
        : { role: 'assistant', content: m.content ?? '' };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Token counts as reported, or estimated from the text when the server reports none. */
function usageOf(reported: z.infer<typeof Usage>, request: ChatRequest, text: string, calls: ChatToolCall[]) {
  if (reported) return { input: reported.prompt_tokens, output: reported.completion_tokens, estimated: false };
  const input = estimateTokens(JSON.stringify(request.messages)) + estimateTokens(JSON.stringify(request.tools));
  return { input, output: estimateTokens(text + calls.map((c) => c.name + c.arguments).join('')), estimated: true };
}

export interface OpenAiOptions {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  retries: number;
  stream: boolean;
}

export class OpenAiProvider implements ChatProvider {
  readonly kind = 'openai' as const;
  readonly model: string;
  readonly describe: string;
  private readonly target: HttpTarget;

  constructor(private readonly o: OpenAiOptions) {
    this.model = o.model;
    const base = o.baseUrl.replace(/\/+$/, '');
    this.describe = `openai-compatible at ${base}`;
    this.target = { describe: this.describe, url: `${base}/chat/completions`, headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}, timeoutMs: o.timeoutMs, retries: o.retries };
  }

  wireBody(request: ChatRequest): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.messages.map(toOpenAiMessage),
      max_tokens: request.maxOutput,
      temperature: request.temperature,
      stream: this.o.stream,
    };
    if (this.o.stream) body.stream_options = { include_usage: true };
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
      body.tool_choice = request.toolChoice;
    }
    return body;
  }

  async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const body = this.wireBody(request);
    const started = await postJson(this.target, body, options.signal);
    if (!this.o.stream) {
      const raw = await readJsonAnswer(started, this.describe);
      const parsed = Completion.safeParse(raw);
      if (!parsed.success) throw new LlmError('bad_response', `${this.describe} answered in an unexpected shape: ${describeIssues(parsed.error)}.`);
      const choice = parsed.data.choices[0];
      const text = choice?.message.content ?? '';
      const toolCalls = (choice?.message.tool_calls ?? []).map((c, i) => ({ id: c.id ?? `call_${i + 1}`, name: c.function.name, arguments: c.function.arguments ?? '{}' }));
      return { text, toolCalls, finishReason: mapFinish(choice?.finish_reason), usage: usageOf(parsed.data.usage, request, text, toolCalls), model: parsed.data.model ?? this.model, raw };
    }
    return this.fold(request, readSse(started), options);
  }

  /** Folds streamed chunks into one answer: text appended, tool-call fragments joined by index. */
  private async fold(request: ChatRequest, events: AsyncGenerator<{ data: string }>, options: CallOptions): Promise<ChatResult> {
    let text = '';
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let finish: string | null = null;
    let usage: z.infer<typeof Usage> = null;
    let model = this.model;
    let done = false;
    let chunks = 0;
    for await (const event of events) {
      if (event.data.trim() === '[DONE]') {
        done = true;
        break;
      }
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        throw new LlmError('bad_response', `${this.describe} streamed a chunk that is not JSON: ${JSON.stringify(event.data.slice(0, 120))}.`);
      }
      const failed = StreamError.safeParse(json);
      if (failed.success) {
        const message = typeof failed.data.error === 'string' ? failed.data.error : failed.data.error.message;
        throw new LlmError('llm_unavailable', `${this.describe} reported an error mid-stream: ${message.slice(0, 300)}.`);
      }
      const chunk = Chunk.safeParse(json);
      if (!chunk.success) throw new LlmError('bad_response', `${this.describe} streamed a chunk in an unexpected shape: ${describeIssues(chunk.error)}.`);
      chunks++;
      if (chunk.data.model) model = chunk.data.model;
      if (chunk.data.usage) usage = chunk.data.usage;
      for (const choice of chunk.data.choices) {
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          options.onText?.(delta.content);
        }
        for (const part of delta?.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(part.index, call);
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
    if (!done && finish === null) throw new LlmError('bad_response', `${this.describe} ended the stream after ${chunks} chunk(s) without finishing the answer.`);
    const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([i, c]) => ({ id: c.id || `call_${i + 1}`, name: c.name, arguments: c.arguments || '{}' }));
    const raw = { model, streamed: true, chunks, choices: [{ message: { content: text, tool_calls: toolCalls }, finish_reason: finish }], usage };
    return { text, toolCalls, finishReason: mapFinish(finish), usage: usageOf(usage, request, text, toolCalls), model, raw };
  }
}
