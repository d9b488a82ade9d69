// Anthropic's Messages API, written to its documented shapes: request mapping, answers checked with zod, streamed events folded.
import { z } from 'zod';
import { LlmError } from './errors';
import { postJson, readJsonAnswer, readSse, type HttpTarget } from './http';
import type { CallOptions, ChatMessage, ChatProvider, ChatRequest, ChatResult, ChatToolCall, FinishReason } from './types';

export const ANTHROPIC_VERSION = '2023-06-01';

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

const ContentBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  // Blocks this client does not ask for (thinking, server tools) are tolerated and ignored.
  z.object({ type: z.enum(['thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result']) }),
]);

const Usage = z.object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() });

export const MessageAnswer = z.object({
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(ContentBlock),
  stop_reason: z.string().nullable(),
  usage: Usage,
});

const StreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ model: z.string(), usage: Usage.partial().optional() }) }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number().int().nonnegative(),
    content_block: z.object({ type: z.string(), text: z.string().optional(), id: z.string().optional(), name: z.string().optional() }),
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number().int().nonnegative(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int() }),
  z.object({ type: z.literal('message_delta'), delta: z.object({ stop_reason: z.string().nullish() }), usage: z.object({ output_tokens: z.number().int().nonnegative() }).optional() }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string() }) }),
]);

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args || '{}') as unknown;
  } catch {
    // Replayed history only: keep what the model wrote rather than failing the whole request.
    return { _unparsed: args };
  }
}

/**
 * System messages become the top-level `system`; tool results become `tool_result` blocks in a user turn;
 * consecutive turns of one role are merged, since the API wants user and assistant to alternate.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): { system: string; messages: WireMessage[] } {
  const system: string[] = [];
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        system.push(m.content);
        break;
      case 'user':
        push('user', [{ type: 'text', text: m.content }]);
        break;
      case 'assistant': {
        const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
        for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.arguments) });
        push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
        break;
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ type: 'text', text: '(conversation continues)' }] });
  return { system: system.join('\n\n'), messages: out };
}

function toolChoice(choice: ChatRequest['toolChoice']): Record<string, unknown> {
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
    default: {
      const never: never = choice;
      throw new Error(`unknown tool choice ${String(never)}`);
    }
  }
}

/** The neutral answer from a (non-streamed) Messages API answer. */
export function fromAnthropicAnswer(raw: unknown, describe: string): ChatResult {
  const parsed = MessageAnswer.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LlmError('bad_response', `${describe} answered in an unexpected shape: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable'}.`);
  }
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const block of parsed.data.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  return {
    text,
    toolCalls,
    finishReason: mapStopReason(parsed.data.stop_reason),
    usage: { input: parsed.data.usage.input_tokens, output: parsed.data.usage.output_tokens, estimated: false },
    model: parsed.data.model,
    raw,
  };
}

export interface AnthropicOptions {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  retries: number;
  stream: boolean;
}

export class AnthropicProvider implements ChatProvider {
  readonly kind = 'anthropic' as const;
  readonly model: string;
  readonly describe: string;
  private readonly target: HttpTarget;

  constructor(private readonly o: AnthropicOptions) {
    this.model = o.model;
    const base = o.baseUrl.replace(/\/+$/, '');
    this.describe = `anthropic at ${base}`;
    const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
    if (o.apiKey) headers['x-api-key'] = o.apiKey;
    this.target = { describe: this.describe, url: base.endsWith('/v1') ? `${base}/messages` : `${base}/v1/messages`, headers, timeoutMs: o.timeoutMs, retries: o.retries };
  }

  wireBody(request: ChatRequest): Record<string, unknown> {
    const { system, messages } = toAnthropicMessages(request.messages);
    const body: Record<string, unknown> = { model: this.model, max_tokens: request.maxOutput, messages, temperature: request.temperature, stream: this.o.stream };
    if (system) body.system = system;
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
      body.tool_choice = toolChoice(request.toolChoice);
    }
    return body;
  }

  async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const started = await postJson(this.target, this.wireBody(request), options.signal);
    if (!this.o.stream) return fromAnthropicAnswer(await readJsonAnswer(started, this.describe), this.describe);
    return foldAnthropicStream(readSse(started), this.describe, options);
  }
}

/** Folds the documented stream (message_start, content_block_*, message_delta, message_stop) into one answer. */
export async function foldAnthropicStream(events: AsyncIterable<{ data: string }>, describe: string, options: CallOptions = {}): Promise<ChatResult> {
  const blocks = new Map<number, { type: string; text: string; id: string; name: string; json: string }>();
  let model = '';
  let input = 0;
  let output = 0;
  let stop: string | null = null;
  let stopped = false;
  for await (const event of events) {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new LlmError('bad_response', `${describe} streamed an event that is not JSON: ${JSON.stringify(event.data.slice(0, 120))}.`);
    }
    const parsed = StreamEvent.safeParse(json);
    if (!parsed.success) {
      // Event types added to the API later are skipped, as the documentation asks of clients.
      if (typeof (json as { type?: unknown }).type === 'string') continue;
      throw new LlmError('bad_response', `${describe} streamed an event in an unexpected shape.`);
    }
    const e = parsed.data;
    switch (e.type) {
      case 'message_start':
        model = e.message.model;
        input = e.message.usage?.input_tokens ?? 0;
        output = e.message.usage?.output_tokens ?? 0;
        break;
      case 'content_block_start':
        blocks.set(e.index, { type: e.content_block.type, text: e.content_block.text ?? '', id: e.content_block.id ?? '', name: e.content_block.name ?? '', json: '' });
        break;
      case 'content_block_delta': {
        const block = blocks.get(e.index);
        if (!block) throw new LlmError('bad_response', `${describe} streamed a delta for block ${e.index} before starting it.`);
        if (e.delta.type === 'text_delta' && e.delta.text) {
          block.text += e.delta.text;
          options.onText?.(e.delta.text);
        } else if (e.delta.type === 'input_json_delta' && e.delta.partial_json) block.json += e.delta.partial_json;
        break;
      }
      case 'message_delta':
        stop = e.delta.stop_reason ?? stop;
        if (e.usage) output = e.usage.output_tokens;
        break;
      case 'message_stop':
        stopped = true;
        break;
      case 'error':
        throw new LlmError(e.error.type === 'overloaded_error' ? 'llm_unavailable' : 'refused', `${describe} reported an error mid-stream: ${e.error.message.slice(0, 300)}.`);
      case 'content_block_stop':
      case 'ping':
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }
  if (!stopped) throw new LlmError('bad_response', `${describe} ended the stream before message_stop.`);
  let text = '';
  const toolCalls: ChatToolCall[] = [];
  for (const [, b] of [...blocks.entries()].sort(([a], [c]) => a - c)) {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'tool_use') toolCalls.push({ id: b.id, name: b.name, arguments: b.json || '{}' });
  }
  return { text, toolCalls, finishReason: mapStopReason(stop), usage: { input, output, estimated: false }, model, raw: { model, streamed: true, stop_reason: stop, content: [...blocks.values()] } };
}
