// The provider-backed LlmPort: builds the context, records and audits the call, and reads the answer as tool calls or a reply.
import { buildContext, type ContextLimits, type ContextSources } from './context';
import type { LlmCallStore } from './calls';
import { LlmError } from './errors';
import type { LlmDecideRequest, LlmDecision, LlmPort, ProposedCall } from './port';
import { parseTextToolCalls } from './text-tools';
import type { ToolNameMap } from './tool-names';
import type { ChatProvider, ChatResult } from './types';

/** More than this many calls in one answer is read as a confused model, not a plan. */
export const MAX_CALLS_PER_TURN = 8;

/** A turn that cannot go on, with the kind the task engine's retry policy reads. */
export class TurnError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ModelAgentDeps {
  provider: ChatProvider;
  sources: ContextSources;
  calls: LlmCallStore;
  limits: ContextLimits;
}

function readCalls(written: readonly { name: string; arguments: string }[], names: ToolNameMap, truncated: boolean): ProposedCall[] {
  if (written.length > MAX_CALLS_PER_TURN) throw new TurnError('bad_response', `The model proposed ${written.length} calls in one answer; at most ${MAX_CALLS_PER_TURN} are accepted.`);
  return written.map((c) => {
    const tool = names.resolve(c.name);
    if (!tool) throw new TurnError('unknown_tool', `The model asked for a tool it was not offered: "${c.name.slice(0, 100)}".`);
    let input: unknown;
    try {
      input = JSON.parse(c.arguments) as unknown;
    } catch {
      throw new TurnError('bad_response', `The model's arguments for "${tool}" are not valid JSON${truncated ? ' (the answer was cut off at the output limit)' : ''}: ${JSON.stringify(c.arguments.slice(0, 120))}.`);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TurnError('bad_response', `The model's arguments for "${tool}" are not a JSON object.`);
    return { tool, input: input as Record<string, unknown> };
  });
}

/** Structured calls first; else calls written as text; else the text is the reply. */
export function interpretAnswer(result: ChatResult, names: ToolNameMap): { decision: LlmDecision; formats: string[] } {
  const truncated = result.finishReason === 'length';
  let calls: ProposedCall[];
  let text = result.text.trim();
  let formats: string[] = [];
  if (result.toolCalls.length > 0) {
    calls = readCalls(result.toolCalls, names, truncated);
    formats = ['structured'];
  } else {
    const parsed = parseTextToolCalls(result.text);
    if (parsed.calls.length === 0 && parsed.malformed.length > 0) {
      throw new TurnError('bad_response', `The model wrote a tool call that could not be read: ${parsed.malformed[0] ?? ''}`);
    }
    calls = readCalls(parsed.calls, names, truncated);
    formats = parsed.formats;
    text = parsed.text;
  }
  if (calls.length === 0) {
    if (text === '') throw new TurnError('bad_response', `The model gave an empty answer (finish reason: ${result.finishReason}).`);
    return { decision: { action: 'complete', reply: text }, formats: ['text'] };
  }
  const meta = text ? { text } : {};
  const first = calls[0];
  const decision: LlmDecision = calls.length === 1 && first ? { action: 'call', tool: first.tool, input: first.input, ...meta } : { action: 'calls', calls, ...meta };
  return { decision, formats };
}

export class ModelAgent implements LlmPort {
  readonly name: string;

  constructor(private readonly d: ModelAgentDeps) {
    this.name = `${d.provider.kind}:${d.provider.model}`;
  }

  async decide(request: LlmDecideRequest): Promise<LlmDecision> {
    const { chat, names, record } = await buildContext(this.d.sources, request, this.d.limits);
    const subject = request.taskId ?? 'decide';
    const id = this.d.calls.begin({
      traceId: request.traceId,
      taskId: request.taskId ?? null,
      stepId: request.stepId ?? null,
      turn: request.turn ?? null,
      threadId: record.thread_id,
      purpose: 'decide',
      provider: this.d.provider.describe,
      model: this.d.provider.model,
      context: record,
      request: this.d.provider.wireBody(chat),
      messages: chat.messages.length,
      tools: chat.tools.length,
    });
    const started = Date.now();
    let result: ChatResult;
    try {
      result = await this.d.provider.complete(chat, { signal: request.signal });
    } catch (err) {
      const failure = err instanceof LlmError ? { kind: err.kind, message: err.message } : { kind: 'llm_unavailable', message: (err as Error).message };
      this.d.calls.failed(id, request.traceId, subject, failure, Date.now() - started);
      throw new TurnError(failure.kind, failure.message);
    }
    this.d.calls.responded(id, request.traceId, subject, result, Date.now() - started);
    try {
      const { decision } = interpretAnswer(result, names);
      return { ...decision, llm_call_id: id };
    } catch (err) {
      const failure = err instanceof TurnError ? { kind: err.kind, message: err.message } : { kind: 'bad_response', message: (err as Error).message };
      this.d.calls.failed(id, request.traceId, subject, failure, Date.now() - started);
      throw new TurnError(failure.kind, failure.message);
    }
  }
}
