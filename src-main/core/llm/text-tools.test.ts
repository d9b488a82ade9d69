// Tool calls written as text by local models: each notation read, ordinary text left alone, broken blocks reported.
import { describe, expect, it } from 'vitest';
import { parseTextToolCalls } from './text-tools';

describe('tool calls written as text', () => {
  it('reads <tool_call> JSON blocks (Hermes, Qwen), several in one answer, and keeps the words beside them', () => {
    const parsed = parseTextToolCalls('Let me check.\n<tool_call>\n{"name": "echo", "arguments": {"text": "hi"}}\n</tool_call>\n<tool_call>{"name":"timer.set","arguments":"{\\"amount\\":5,\\"unit\\":\\"minute\\"}"}</tool_call>');
    expect(parsed.calls).toEqual([
      { name: 'echo', arguments: '{"text":"hi"}' },
      { name: 'timer.set', arguments: '{"amount":5,"unit":"minute"}' },
    ]);
    expect(parsed.text).toBe('Let me check.');
    expect(parsed.formats).toEqual(['tool_call_tag']);
  });

  it('reads <tool_call> with <name> and <arguments> children', () => {
    expect(parseTextToolCalls('<tool_call><name>echo</name><arguments>{"text": "a &amp; b"}</arguments></tool_call>').calls).toEqual([{ name: 'echo', arguments: '{"text":"a & b"}' }]);
  });

  it("reads Llama 3.1's <function=name>{…}</function>", () => {
    const parsed = parseTextToolCalls('<function=timer.set>{"amount": 10, "unit": "second"}</function>');
    expect(parsed.calls).toEqual([{ name: 'timer.set', arguments: '{"amount":10,"unit":"second"}' }]);
    expect(parsed.formats).toEqual(['function_tag']);
  });

  it('reads <invoke name> blocks with typed and plain parameters', () => {
    const parsed = parseTextToolCalls('<function_calls>\n<invoke name="timer.set">\n<parameter name="amount">3</parameter>\n<parameter name="unit">minute</parameter>\n</invoke>\n</function_calls>');
    expect(parsed.calls).toEqual([{ name: 'timer.set', arguments: '{"amount":3,"unit":"minute"}' }]);
    expect(parsed.text).toBe('');
  });

  it('reads call-shaped JSON in a fence, bare, after [TOOL_CALLS], and OpenAI-shaped {tool_calls}', () => {
    expect(parseTextToolCalls('```json\n{"name": "echo", "parameters": {"text": "x"}}\n```').calls).toEqual([{ name: 'echo', arguments: '{"text":"x"}' }]);
    expect(parseTextToolCalls('  {"tool": "noop", "input": {}}  ').calls).toEqual([{ name: 'noop', arguments: '{}' }]);
    expect(parseTextToolCalls('[TOOL_CALLS] [{"name": "echo", "arguments": {"text": "1"}}, {"name": "noop"}]').calls).toEqual([
      { name: 'echo', arguments: '{"text":"1"}' },
      { name: 'noop', arguments: '{}' },
    ]);
    expect(parseTextToolCalls('{"tool_calls": [{"function": {"name": "echo", "arguments": "{\\"text\\":\\"y\\"}"}}]}').calls).toEqual([{ name: 'echo', arguments: '{"text":"y"}' }]);
  });

  it('leaves ordinary answers alone, JSON that is not a call included', () => {
    for (const text of ['The weather is fine.', '{"temperature": 21}', '```json\n{"a": 1}\n```', 'Use <b>bold</b> here.']) {
      const parsed = parseTextToolCalls(text);
      expect(parsed.calls).toEqual([]);
      expect(parsed.malformed).toEqual([]);
      expect(parsed.text).toBe(text);
    }
  });

  it('reports a block marked as a call that cannot be read, instead of guessing', () => {
    const parsed = parseTextToolCalls('<tool_call>{"name": "echo", "arguments": {"text": </tool_call>');
    expect(parsed.calls).toEqual([]);
    expect(parsed.malformed).toEqual(['{"name": "echo", "arguments": {"text":']);
    expect(parseTextToolCalls('<function=echo>not json</function>').malformed).toEqual(['<function=echo>not json']);
    expect(parseTextToolCalls('```tool_call\n{broken\n```').malformed).toEqual(['{broken']);
  });
});
