// Chat completions for the simulated OpenAI-compatible server: requests checked as OpenAI checks them, answers scripted per test.
import { z } from 'zod';
import type { SimAnswer, SimRequest } from './llm-simulator';

/** What the "model" answers to one request. */
export type ChatReply =
  /** A final answer (or any text, e.g. tool calls written as text the way local models do). */
  | { content: string; finishReason?: 'stop' | 'length' }
  /** Structured tool calls, optionally with text beside them. */
  | { toolCalls: { name: string; arguments: Record<string, unknown> | string }[]; content?: string }
  /** 200 with a body that is not a chat completion at all. */
  | { garbage: string }
  /** Never answers: the client's timeout has to end it. */
  | { hang: true }
  /** An OpenAI error body with this status. */
  | { status: number; message: string }
  /** Decided from the request. */
  | ((request: ChatCompletionRequest) => ChatReply);

const ROLE_MESSAGE = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]) }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable().optional(),
    tool_calls: z.array(z.object({ id: z.string().min(1), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) })).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]) }),
]);

export const ChatCompletionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(ROLE_MESSAGE).min(1),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "string does not match pattern '^[a-zA-Z0-9_-]{1,64}$'"), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
      }),
    )
    .max(128)
    .optional(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })]).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const error = (status: number, message: string, param: string | null = null, code: string | null = null): SimAnswer => ({
  status,
  json: { error: { message, type: 'invalid_request_error', param, code } },
});

/** OpenAI's own ordering checks: every tool message answers a call of the assistant turn before it, and every call is answered. */
function checkToolPairing(messages: ChatCompletionRequest['messages']): string | null {
  let open: Set<string> | null = null;
  for (const [i, m] of messages.entries()) {
    if (m.role === 'tool') {
      if (!open || !open.has(m.tool_call_id)) return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages.[${i}]).`;
      open.delete(m.tool_call_id);
      continue;
    }
    if (open && open.size > 0) return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    open = m.role === 'assistant' && m.tool_calls && m.tool_calls.length > 0 ? new Set(m.tool_calls.map((c) => c.id)) : null;
  }
  if (open && open.size > 0) return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
  return null;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function pieces(text: string, n: number): string[] {
  if (text === '') return [];
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export interface ChatSim {
  /** Valid chat requests, in arrival order. */
  readonly requests: ChatCompletionRequest[];
  /** Queues answers, one per coming request. */
  script(...replies: ChatReply[]): void;
  /** Answers left unused. */
  pending(): number;
  /** Drops the answers left unused (between tests). */
  clear(): void;
  /** Serves POST /v1/chat/completions. */
  handle(req: SimRequest): SimAnswer;
}

export function createChatSim(models: readonly string[] = ['sim-chat']): ChatSim {
  const queue: ChatReply[] = [];
  const requests: ChatCompletionRequest[] = [];
  let seq = 0;

  function answer(req: ChatCompletionRequest, reply: ChatReply): SimAnswer {
    if (typeof reply === 'function') return answer(req, reply(req));
    if ('hang' in reply) return { hang: true };
    if ('garbage' in reply) return { status: 200, text: reply.garbage, headers: { 'content-type': 'application/json' } };
    if ('status' in reply) return error(reply.status, reply.message, null, reply.status === 429 ? 'rate_limit_exceeded' : null);
    seq += 1;
    const id = `chatcmpl-sim${seq}`;
    const created = Math.floor(Date.now() / 1000);
    const calls = 'toolCalls' in reply ? reply.toolCalls.map((c, i) => ({ id: `call_sim${seq}_${i + 1}`, type: 'function' as const, function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } })) : [];
    const content = reply.content ?? (calls.length > 0 ? null : '');
    const finish = calls.length > 0 ? 'tool_calls' : 'finishReason' in reply && reply.finishReason ? reply.finishReason : 'stop';
    const usage = { prompt_tokens: tokens(JSON.stringify(req.messages) + JSON.stringify(req.tools ?? [])), completion_tokens: tokens((content ?? '') + calls.map((c) => c.function.name + c.function.arguments).join('')) };
    const fullUsage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
    if (!req.stream) {
      return {
        json: {
          id,
          object: 'chat.completion',
          created,
          model: req.model,
          system_fingerprint: 'fp_sim',
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...(calls.length > 0 ? { tool_calls: calls } : {}) }, logprobs: null, finish_reason: finish }],
          usage: fullUsage,
        },
      };
    }
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ id, object: 'chat.completion.chunk', created, model: req.model, system_fingerprint: 'fp_sim', choices, ...extra });
    const events = [chunk([{ index: 0, delta: { role: 'assistant', content: calls.length > 0 ? null : '' }, logprobs: null, finish_reason: null }])];
    for (const part of pieces(content ?? '', 3)) events.push(chunk([{ index: 0, delta: { content: part }, logprobs: null, finish_reason: null }]));
    calls.forEach((c, i) => {
      events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
      for (const part of pieces(c.function.arguments, 3)) events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: part } }] }, logprobs: null, finish_reason: null }]));
    });
    events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]));
    if (req.stream_options?.include_usage) events.push(chunk([], { usage: fullUsage }));
    events.push('[DONE]');
    return { sse: { events } };
  }

  return {
    requests,
    script: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    clear: () => void queue.splice(0),
    handle(req) {
      const parsed = ChatCompletionRequest.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = issue?.path.join('.') ?? null;
        return error(400, `Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'invalid request'}.`, param);
      }
      const body = parsed.data;
      if (!models.includes(body.model)) return error(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
      const pairing = checkToolPairing(body.messages);
      if (pairing) return error(400, pairing, 'messages');
      if (body.tool_choice !== undefined && !body.tools?.length) return error(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice');
      requests.push(body);
      const next = queue.shift();
      if (!next) return error(500, 'The simulator has no scripted answer for this request.', null, 'unscripted');
      return answer(body, next);
    },
  };
}
