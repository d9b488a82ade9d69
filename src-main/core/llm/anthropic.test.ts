// Anthropic's Messages API mapping against its documented shapes (no Anthropic server is simulated): request, answer, stream.
import { describe, expect, it } from 'vitest';
import { AnthropicProvider, foldAnthropicStream, fromAnthropicAnswer, toAnthropicMessages } from './anthropic';
import { LlmError } from './errors';
import type { ChatMessage, ChatRequest } from './types';

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are Jarvis.' },
  { role: 'user', content: 'earlier question' },
  { role: 'assistant', content: 'earlier answer' },
  { role: 'user', content: 'set two timers' },
  { role: 'assistant', content: 'Setting them.', toolCalls: [{ id: 'call_s1_1', name: 'timer__set', arguments: '{"amount":1,"unit":"minute"}' }, { id: 'call_s1_2', name: 'timer__set', arguments: '{"amount":2,"unit":"minute"}' }] },
  { role: 'tool', toolCallId: 'call_s1_1', name: 'timer__set', content: '{"timer_id":"a"}' },
  { role: 'tool', toolCallId: 'call_s1_2', name: 'timer__set', content: '{"timer_id":"b"}' },
];

const request: ChatRequest = {
  messages: conversation,
  tools: [{ name: 'timer__set', description: 'Sets a timer (risk: low)', parameters: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } }],
  toolChoice: 'auto',
  maxOutput: 512,
  temperature: 0.2,
};

const events = (...list: unknown[]) =>
  (async function* () {
    for (const e of list) yield { data: typeof e === 'string' ? e : JSON.stringify(e) };
  })();

describe('the Messages API request', () => {
  it('moves system text to `system`, turns calls into tool_use and results into one user turn of tool_result blocks', () => {
    const { system, messages } = toAnthropicMessages(conversation);
    expect(system).toBe('You are Jarvis.');
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'earlier question' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'earlier answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'set two timers' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Setting them.' },
          { type: 'tool_use', id: 'call_s1_1', name: 'timer__set', input: { amount: 1, unit: 'minute' } },
          { type: 'tool_use', id: 'call_s1_2', name: 'timer__set', input: { amount: 2, unit: 'minute' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_s1_1', content: '{"timer_id":"a"}' },
          { type: 'tool_result', tool_use_id: 'call_s1_2', content: '{"timer_id":"b"}' },
        ],
      },
    ]);
  });

  it('merges turns of one role, since user and assistant must alternate', () => {
    const { messages } = toAnthropicMessages([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
    expect(messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  it('builds the body with max_tokens, tools as input_schema and tool_choice, and sends the key and version as headers', () => {
    const provider = new AnthropicProvider({ baseUrl: 'https://api.anthropic.com', model: 'claude-x', apiKey: 'k', timeoutMs: 1000, retries: 0, stream: true });
    const body = provider.wireBody(request);
    expect(body).toMatchObject({
      model: 'claude-x',
      max_tokens: 512,
      system: 'You are Jarvis.',
      stream: true,
      tools: [{ name: 'timer__set', description: 'Sets a timer (risk: low)', input_schema: request.tools[0]?.parameters }],
      tool_choice: { type: 'auto' },
    });
    expect(JSON.stringify(body)).not.toContain('"k"');
    expect(provider.wireBody({ ...request, toolChoice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(provider.describe).toBe('anthropic at https://api.anthropic.com');
  });
});

describe('the Messages API answer', () => {
  it('reads text and tool_use blocks, stop_reason and usage', () => {
    const result = fromAnthropicAnswer(
      {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [
          { type: 'text', text: 'I will set it.' },
          { type: 'tool_use', id: 'toolu_01', name: 'timer__set', input: { amount: 5, unit: 'minute' } },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 120, output_tokens: 30 },
      },
      'anthropic',
    );
    expect(result).toMatchObject({
      text: 'I will set it.',
      toolCalls: [{ id: 'toolu_01', name: 'timer__set', arguments: '{"amount":5,"unit":"minute"}' }],
      finishReason: 'tool_calls',
      usage: { input: 120, output: 30, estimated: false },
      model: 'claude-x',
    });
    expect(fromAnthropicAnswer({ type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'x' }], stop_reason: 'max_tokens', usage: { input_tokens: 1, output_tokens: 1 } }, 'a').finishReason).toBe('length');
  });

  it('an answer in another shape is a bad_response naming the field', () => {
    let caught: unknown;
    try {
      fromAnthropicAnswer({ type: 'message', role: 'assistant', model: 'm', content: 'text', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } }, 'anthropic');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LlmError);
    expect((caught as LlmError).kind).toBe('bad_response');
    expect((caught as LlmError).message).toMatch(/content/);
  });

  it('folds the documented stream: text deltas, input_json_delta fragments, message_delta usage', async () => {
    const heard: string[] = [];
    const result = await foldAnthropicStream(
      events(
        { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 25, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'ping' },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay, ' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'setting it.' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'timer__set', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"amount": 5,' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' "unit": "minute"}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
        { type: 'message_stop' },
      ),
      'anthropic',
      { onText: (t) => heard.push(t) },
    );
    expect(result).toMatchObject({
      text: 'Okay, setting it.',
      toolCalls: [{ id: 'toolu_9', name: 'timer__set', arguments: '{"amount": 5, "unit": "minute"}' }],
      finishReason: 'tool_calls',
      usage: { input: 25, output: 42, estimated: false },
      model: 'claude-x',
    });
    expect(heard).toEqual(['Okay, ', 'setting it.']);
  });

  it('a stream that stops before message_stop, or reports an error event, fails with the reason', async () => {
    const cut = foldAnthropicStream(events({ type: 'message_start', message: { model: 'm', usage: { input_tokens: 1, output_tokens: 0 } } }), 'anthropic');
    await expect(cut).rejects.toMatchObject({ kind: 'bad_response', message: expect.stringMatching(/before message_stop/) });
    const overloaded = foldAnthropicStream(events({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), 'anthropic');
    await expect(overloaded).rejects.toMatchObject({ kind: 'llm_unavailable', message: expect.stringMatching(/Overloaded/) });
    await expect(foldAnthropicStream(events('not json'), 'anthropic')).rejects.toMatchObject({ kind: 'bad_response' });
  });
});
