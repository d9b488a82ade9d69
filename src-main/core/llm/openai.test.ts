// The OpenAI-compatible provider over real HTTP against the simulator: plain and streamed answers, retries, timeouts, garbage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmSimulator, type LlmSimulator } from '../../../tests/helpers/llm-simulator';
import { LlmError } from './errors';
import { OpenAiProvider } from './openai';
import type { ChatRequest } from './types';

let sim: LlmSimulator;
beforeAll(async () => {
  sim = await startLlmSimulator();
});
afterAll(async () => {
  await sim.close();
});

const provider = (o: { stream: boolean; timeoutMs?: number; retries?: number; model?: string; apiKey?: string }) =>
  new OpenAiProvider({ baseUrl: sim.url, model: o.model ?? 'sim-chat', apiKey: o.apiKey ?? null, timeoutMs: o.timeoutMs ?? 5000, retries: o.retries ?? 0, stream: o.stream });

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are a test.' },
    { role: 'user', content: 'set a timer' },
    { role: 'assistant', content: null, toolCalls: [{ id: 'call_s1_1', name: 'echo', arguments: '{"text":"a"}' }] },
    { role: 'tool', toolCallId: 'call_s1_1', name: 'echo', content: '{"text":"a"}' },
  ],
  tools: [{ name: 'timer__set', description: 'Sets a timer (risk: low)', parameters: { type: 'object', properties: { amount: { type: 'number' } } } }],
  toolChoice: 'auto',
  maxOutput: 256,
  temperature: 0.2,
};

async function failure(p: Promise<unknown>): Promise<LlmError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LlmError);
  return err as LlmError;
}

describe.each([false, true])('OpenAI-compatible chat completions (stream: %s)', (stream) => {
  it('sends the documented request and reads a reply with its token counts', async () => {
    sim.chat.script({ content: 'Timer is set.' });
    const result = await provider({ stream }).complete(request);
    expect(result).toMatchObject({ text: 'Timer is set.', toolCalls: [], finishReason: 'stop', model: 'sim-chat', usage: { estimated: false } });
    expect(result.usage.input).toBeGreaterThan(0);
    expect(result.usage.output).toBeGreaterThan(0);
    const sent = sim.chat.requests.at(-1);
    expect(sent?.messages[2]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'call_s1_1', type: 'function', function: { name: 'echo', arguments: '{"text":"a"}' } }] });
    expect(sent?.messages[3]).toEqual({ role: 'tool', tool_call_id: 'call_s1_1', content: '{"text":"a"}' });
    expect(sent?.tools?.[0]?.function.name).toBe('timer__set');
    expect(sent?.stream ?? false).toBe(stream);
  });

  it('reads structured tool calls, joined from fragments when streamed', async () => {
    sim.chat.script({ toolCalls: [{ name: 'timer__set', arguments: { amount: 5, unit: 'minute', label: 'tea with a long label to split' } }, { name: 'echo', arguments: { text: 'b' } }] });
    const result = await provider({ stream }).complete(request);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['timer__set', { amount: 5, unit: 'minute', label: 'tea with a long label to split' }],
      ['echo', { text: 'b' }],
    ]);
    expect(result.toolCalls.every((c) => c.id.startsWith('call_sim'))).toBe(true);
  });

  it('garbage is a bad_response, not a crash', async () => {
    sim.chat.script({ garbage: '<html>502 upstream</html>' });
    const err = await failure(provider({ stream }).complete(request));
    expect(err.kind).toBe('bad_response');
  });

  it('a hung server is a timeout within the deadline', async () => {
    sim.chat.script({ hang: true });
    const err = await failure(provider({ stream, timeoutMs: 1000 }).complete(request));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not answer within 1000 ms/);
  });

  it('429 and 5xx are retried with backoff, then answered', async () => {
    sim.chat.script({ status: 429, message: 'Rate limit reached' }, { status: 503, message: 'overloaded' }, { content: 'third time' });
    const before = sim.chat.requests.length;
    const result = await provider({ stream, retries: 2 }).complete(request);
    expect(result.text).toBe('third time');
    expect(sim.chat.requests.length - before).toBe(3);
  });

  it('a refused request is not retried and says what to check', async () => {
    const before = sim.requests.length;
    const err = await failure(provider({ stream, retries: 2, model: 'no-such-model' }).complete(request));
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(/404.*no-such-model.*check the base URL and the model name/);
    expect(sim.requests.length - before).toBe(1);
  });
});

describe('streams that break', () => {
  it('a stream cut before its end is a bad_response', async () => {
    sim.failNext('/v1/chat/completions', { sse: { events: [JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] })] } });
    const err = await failure(provider({ stream: true }).complete(request));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/ended the stream after 1 chunk/);
  });

  it('a stream that stalls halfway ends at the deadline', async () => {
    sim.failNext('/v1/chat/completions', { sse: { events: [JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] }), '[DONE]'], hangAfter: 1 } });
    const err = await failure(provider({ stream: true, timeoutMs: 800 }).complete(request));
    expect(err.kind).toBe('timeout');
  });

  it('an error object mid-stream is reported with the provider\'s words', async () => {
    sim.failNext('/v1/chat/completions', { sse: { events: [JSON.stringify({ error: { message: 'model crashed' } })] } });
    const err = await failure(provider({ stream: true }).complete(request));
    expect(err.message).toMatch(/model crashed/);
  });

  it('a chunk in the wrong shape is a bad_response naming the field', async () => {
    sim.failNext('/v1/chat/completions', { sse: { events: [JSON.stringify({ choices: [{ delta: { content: 42 } }] }), '[DONE]'] } });
    const err = await failure(provider({ stream: true }).complete(request));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/choices\.0\.delta\.content/);
  });
});

describe('credentials', () => {
  it('a wrong key is an auth error that names where the key comes from, never the key', async () => {
    const locked = await startLlmSimulator({ apiKey: 'sk-right' });
    try {
      const wrong = new OpenAiProvider({ baseUrl: locked.url, model: 'sim-chat', apiKey: 'sk-wrong-secret', timeoutMs: 3000, retries: 2, stream: false });
      const err = await failure(wrong.complete(request));
      expect(err.kind).toBe('auth');
      expect(err.message).toMatch(/JARVIS_LLM_API_KEY/);
      expect(err.message).not.toMatch(/sk-wrong-secret/);
      locked.chat.script({ content: 'ok' });
      const right = new OpenAiProvider({ baseUrl: locked.url, model: 'sim-chat', apiKey: 'sk-right', timeoutMs: 3000, retries: 0, stream: false });
      expect((await right.complete(request)).text).toBe('ok');
    } finally {
      await locked.close();
    }
  });
});
