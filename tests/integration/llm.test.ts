// The LLM lane end to end: a real `jarvis serve` asking the simulated OpenAI-compatible server, over the real API and SQLite.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';
import { startLlmSimulator, type LlmSimulator } from '../helpers/llm-simulator';
import type { ChatCompletionRequest } from '../helpers/llm-chat-simulator';

let sim: LlmSimulator;
let j: JarvisProcess;
beforeAll(async () => {
  sim = await startLlmSimulator();
  j = await startJarvis({ env: { JARVIS_LLM_PROVIDER: 'openai', JARVIS_LLM_BASE_URL: sim.url, JARVIS_LLM_MODEL: 'sim-chat', JARVIS_LLM_TIMEOUT_MS: '1500' } });
});
afterAll(async () => {
  await j.stop();
  await sim.close();
});
afterEach(() => {
  // Every scripted answer was asked for: nothing leaks into the next test.
  const left = sim.chat.pending();
  sim.chat.clear();
  expect(left).toBe(0);
});

const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const say = (text: string, extra: Record<string, unknown> = {}) => api(j, '/v1/events?wait=true', json({ channel: 'api', payload: { text }, ...extra }));

interface Row {
  type: string;
  payload: Record<string, unknown>;
}
async function trail(traceId: string): Promise<Row[]> {
  return (await api(j, `/v1/audit?trace_id=${traceId}&limit=1000`)).body.events as Row[];
}

interface CallView {
  context: { history: { text: string; reply: string | null }[]; tools: { name: string; wire_name: string; risk: string; input_schema: { properties?: Record<string, unknown> } }[]; autonomy: string; thread_id: string | null };
  request: { messages: { role: string; content: unknown; tool_calls?: unknown[] }[]; tools: { function: { name: string; description: string } }[] };
  usage: { input: number; output: number } | null;
  status: string;
}
async function contextOf(traceId: string): Promise<CallView[]> {
  const res = await api(j, `/v1/llm/context?trace_id=${traceId}`);
  expect(res.status).toBe(200);
  return res.body.calls as CallView[];
}

async function settled(taskId: string): Promise<{ status: string; reply: string | null; steps: { id: string; action: string; status: string; output?: unknown }[] }> {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await api(j, `/v1/agent/status/${taskId}`);
    const body = res.body as { status: string; reply: string | null; steps: { id: string; action: string; status: string; output?: unknown }[] };
    if (['succeeded', 'failed', 'cancelled'].includes(body.status)) return body;
    if (Date.now() > until) throw new Error(`task ${taskId} is still ${body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('context: a thread, the tools, exactly what the call received', () => {
  it('two related messages in one thread: the second call\'s context holds the first, and the registry is in it', async () => {
    sim.chat.script({ content: 'Noted: your sister is Ada.' }, { content: 'Your sister is called Ada.' });
    const first = await say('my sister is called Ada', { thread_id: 'th-family' });
    expect(first.body).toMatchObject({ status: 'done', reply: 'Noted: your sister is Ada.' });
    const second = await say('what is my sister called?', { thread_id: 'th-family' });
    expect(second.body).toMatchObject({ status: 'done', reply: 'Your sister is called Ada.' });

    const [call] = await contextOf(second.body.trace_id as string);
    expect(call?.status).toBe('responded');
    expect(call?.context.thread_id).toBe('th-family');
    expect(call?.context.history).toEqual([expect.objectContaining({ text: 'my sister is called Ada', reply: 'Noted: your sister is Ada.' })]);
    const roles = call?.request.messages.map((m) => [m.role, m.role === 'system' ? '…' : m.content]);
    expect(roles).toEqual([
      ['system', '…'],
      ['user', 'my sister is called Ada'],
      ['assistant', 'Noted: your sister is Ada.'],
      ['user', 'what is my sister called?'],
    ]);
    // What the endpoint shows is byte for byte what the provider was sent.
    expect(call?.request.messages).toEqual(sim.chat.requests.at(-1)?.messages);
    expect(call?.request.tools).toEqual(sim.chat.requests.at(-1)?.tools);

    // The tool registry: names, descriptions, schemas and risk, in the context and on the wire.
    const timer = call?.context.tools.find((t) => t.name === 'timer.set');
    expect(timer).toMatchObject({ wire_name: 'timer__set', risk: 'low' });
    expect(Object.keys(timer?.input_schema.properties ?? {})).toEqual(['amount', 'unit', 'label']);
    expect(call?.request.tools.find((t) => t.function.name === 'timer__set')?.function.description).toMatch(/\(risk: low\)$/);
    expect(call?.context.autonomy).toBe('A2');
    const system = String(call?.request.messages[0]?.content);
    expect(system).toMatch(/Autonomy level A2/);
    expect(system).toMatch(/- http_request \(risk low\)/);

    const events = await trail(second.body.trace_id as string);
    expect(events.find((e) => e.type === 'routing.decided')?.payload).toMatchObject({ lane: 'llm', thread_id: 'th-family' });
    expect(events.find((e) => e.type === 'llm.requested')?.payload).toMatchObject({ thread_id: 'th-family', model: 'sim-chat', turn: 1 });
    const responded = events.find((e) => e.type === 'llm.responded')?.payload as { usage: { input: number; output: number; total: number; estimated: boolean } };
    expect(responded.usage.input).toBeGreaterThan(0);
    expect(responded.usage.total).toBe(responded.usage.input + responded.usage.output);
    expect(responded.usage.estimated).toBe(false);
  });

  it('relevant memories from the memory module are in the context; unrelated ones are not', async () => {
    expect((await api(j, '/v1/memory/add', json({ kind: 'semantic', content: "Ada's birthday is on the twelfth of May" }))).status).toBe(201);
    expect((await api(j, '/v1/memory/add', json({ kind: 'preference', content: 'prefers oat milk in coffee' }))).status).toBe(201);
    sim.chat.script({ content: 'On the twelfth of May.' });
    const sent = await say("when is Ada's birthday?");
    expect(sent.body).toMatchObject({ status: 'done', reply: 'On the twelfth of May.' });
    const [call] = await contextOf(sent.body.trace_id as string);
    const memories = (call?.context as unknown as { memories: { kind: string; content: string }[] }).memories;
    expect(memories.map((m) => m.content)).toContain("Ada's birthday is on the twelfth of May");
    expect(memories.map((m) => m.content)).not.toContain('prefers oat milk in coffee');
    expect(String(call?.request.messages[0]?.content)).toMatch(/Memories \(notes that may be relevant\)\n- \[semantic\] Ada's birthday is on the twelfth of May/);
  });

  it('a trace without model calls has an empty list; a missing trace_id is a 400 naming the field', async () => {
    expect((await api(j, '/v1/llm/context?trace_id=nothing-here')).body).toEqual({ trace_id: 'nothing-here', calls: [] });
    const bad = await api(j, '/v1/llm/context');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details).toEqual([{ field: 'trace_id', problem: expect.stringMatching(/expected string/) }]);
  });
});

describe('the agent loop', () => {
  it('runs a two-tool plan through the executor and the gate: at A1 the timer waits for approval, then the model finishes', async () => {
    expect((await api(j, '/v1/controls/autonomy', json({ level: 'A1', reason: 'llm test' }))).status).toBe(200);
    try {
      let secondTurn: ChatCompletionRequest | undefined;
      sim.chat.script(
        { content: 'I will note it and set the timer.', toolCalls: [{ name: 'echo', arguments: { text: 'tea noted' } }, { name: 'timer__set', arguments: { amount: 10, unit: 'minute', label: 'tea' } }] },
        (req) => {
          secondTurn = req;
          return { content: 'Done: noted, and a 10-minute tea timer is running.' };
        },
      );
      const sent = await say('note that I want tea and remind me in ten minutes');
      expect(sent.body).toMatchObject({ status: 'waiting' });
      const taskId = sent.body.task_id as string;

      const pending = (await api(j, '/v1/approvals?status=pending')).body.approvals as { id: string; tool: string; trace_id: string; requested_by: string; input: unknown }[];
      const approval = pending.find((a) => a.trace_id === sent.body.trace_id);
      expect(approval).toMatchObject({ tool: 'timer.set', requested_by: 'llm', input: { amount: 10, unit: 'minute', label: 'tea' } });
      expect((await api(j, `/v1/approvals/${approval?.id}/approve`, json({}))).status).toBe(200);

      const done = await settled(taskId);
      expect(done.status).toBe('succeeded');
      expect(done.reply).toBe('Done: noted, and a 10-minute tea timer is running.');
      expect(done.steps.map((s) => [s.id, s.action, s.status])).toEqual([
        ['s1.1', 'echo', 'succeeded'],
        ['s1.2', 'timer.set', 'succeeded'],
        ['s1', 'llm_decide', 'succeeded'],
      ]);

      // Both results went back to the model under the calls they answer.
      const msgs = secondTurn?.messages ?? [];
      const assistant = msgs.find((m) => m.role === 'assistant' && m.tool_calls);
      expect(assistant && 'tool_calls' in assistant ? assistant.tool_calls?.map((c) => [c.id, c.function.name]) : null).toEqual([
        ['call_s1_1', 'echo'],
        ['call_s1_2', 'timer__set'],
      ]);
      const results = msgs.filter((m) => m.role === 'tool');
      expect(results.map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toEqual(['call_s1_1', 'call_s1_2']);
      expect(results[0]?.content).toBe('{"text":"tea noted"}');

      const events = await trail(sent.body.trace_id as string);
      const seq = events.map((e) => e.type).filter((t) => t.startsWith('llm.') || t.startsWith('tool_call.') || t.startsWith('gate.'));
      expect(seq).toEqual([
        'llm.requested',
        'llm.responded',
        'llm.step_decided',
        'tool_call.attempted',
        'tool_call.succeeded',
        'gate.required',
        'gate.approved',
        'tool_call.attempted',
        'tool_call.succeeded',
        'llm.requested',
        'llm.responded',
        'llm.step_decided',
      ]);
      const attempted = events.filter((e) => e.type === 'tool_call.attempted').map((e) => [e.payload.tool, (e.payload.gate as { cell: string }).cell]);
      expect(attempted).toEqual([
        ['echo', 'A1×none'],
        ['timer.set', `approval:${approval?.id}`],
      ]);
      const decided = events.filter((e) => e.type === 'llm.step_decided').map((e) => e.payload);
      expect(decided[0]).toMatchObject({ turn: 1, text: 'I will note it and set the timer.', calls: [{ step_id: 's1.1', tool: 'echo' }, { step_id: 's1.2', tool: 'timer.set' }] });
      expect(decided[1]).toMatchObject({ turn: 2, decision: { action: 'complete' } });
    } finally {
      await api(j, '/v1/controls/autonomy', json({ level: 'A2', reason: 'llm test done' }));
    }
  });

  it('a tool call written as text by a local model is parsed and run, in two notations', async () => {
    sim.chat.script(
      { content: 'Sure.\n<tool_call>\n{"name": "echo", "arguments": {"text": "parsed from text"}}\n</tool_call>' },
      { content: '<function=timer.set>{"amount": 2, "unit": "minute", "label": "stretch"}</function>' },
      { content: 'Echoed it and set a 2-minute stretch timer.' },
    );
    const sent = await say('repeat something back to me, then remind me to stretch');
    expect(sent.body).toMatchObject({ status: 'done', reply: 'Echoed it and set a 2-minute stretch timer.' });
    const events = await trail(sent.body.trace_id as string);
    const succeeded = events.filter((e) => e.type === 'tool_call.succeeded').map((e) => [e.payload.tool, e.payload.output]);
    expect(succeeded[0]).toEqual(['echo', { text: 'parsed from text' }]);
    expect(succeeded[1]?.[0]).toBe('timer.set');
    const firstAnswer = events.find((e) => e.type === 'llm.responded')?.payload;
    expect(firstAnswer).toMatchObject({ tool_calls: [], finish_reason: 'stop' });
    // On the next turn the text call is given back as a structured call with its result.
    const third = sim.chat.requests.at(-1);
    expect(third?.messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toEqual(['call_s1_1', 'call_s1_2']);
  });
});

describe('bad answers fail the turn cleanly, with the reason audited, and the task retries', () => {
  it('garbage, then a good answer: one failed call audited, a retry scheduled, then done', async () => {
    sim.chat.script({ garbage: 'this is not json {' }, { content: 'Recovered.' });
    const sent = await say('tell me something nice');
    expect(sent.body).toMatchObject({ status: 'done', reply: 'Recovered.' });
    const events = await trail(sent.body.trace_id as string);
    expect(events.find((e) => e.type === 'llm.failed')?.payload).toMatchObject({ reason: 'bad_response' });
    expect(events.find((e) => e.type === 'task.step_retry_scheduled')?.payload).toMatchObject({ step_id: 's1', reason: 'bad_response', next_attempt: 2 });
    const calls = await contextOf(sent.body.trace_id as string);
    expect(calls.map((c) => c.status)).toEqual(['failed', 'responded']);
  });

  it('a provider that hangs times out, is retried, and answers the second time', async () => {
    sim.chat.script({ hang: true }, { content: 'Back again.' });
    const sent = await say('are you still there');
    expect(sent.body).toMatchObject({ status: 'done', reply: 'Back again.' });
    const failed = (await trail(sent.body.trace_id as string)).find((e) => e.type === 'llm.failed')?.payload;
    expect(failed).toMatchObject({ reason: 'timeout', message: expect.stringMatching(/did not answer within 1500 ms/) });
  });

  it('garbage every time: after three attempts the task fails with the reason, and Jarvis keeps serving', async () => {
    sim.chat.script({ garbage: '' }, { garbage: '<html>' }, { content: '' });
    const sent = await say('describe the colour blue');
    expect(sent.body).toMatchObject({ status: 'failed' });
    expect(sent.body.reply).toMatch(/^I could not finish that: The model gave an empty answer/);
    const events = await trail(sent.body.trace_id as string);
    expect(events.filter((e) => e.type === 'llm.failed').map((e) => e.payload.reason)).toEqual(['bad_response', 'bad_response', 'bad_response']);
    expect(events.find((e) => e.type === 'task.step_failed')?.payload).toMatchObject({ reason: 'bad_response', attempts: 3 });
    expect((await api(j, '/health')).status).toBe(200);
  });

  it('a call to a tool that was not offered fails the turn with unknown_tool and nothing runs', async () => {
    sim.chat.script({ toolCalls: [{ name: 'launch_rockets', arguments: { count: 3 } }] });
    const sent = await say('do something dramatic');
    expect(sent.body).toMatchObject({ status: 'failed' });
    expect(sent.body.reply).toMatch(/not offered: "launch_rockets"/);
    const events = await trail(sent.body.trace_id as string);
    expect(events.find((e) => e.type === 'llm.failed')?.payload).toMatchObject({ reason: 'unknown_tool' });
    expect(events.find((e) => e.type === 'task.step_failed')?.payload).toMatchObject({ reason: 'unknown_tool' });
    expect(events.some((e) => e.type.startsWith('tool_call.'))).toBe(false);
  });
});

describe('settings from the environment', () => {
  it('shows where each value comes from and refuses to change one the environment sets', async () => {
    const view = (await api(j, '/v1/llm/settings')).body;
    expect(view).toMatchObject({ provider: 'openai', model: 'sim-chat', base_url: sim.url, configured: true, problem: null, key: { present: false, source: null } });
    expect(view.sources).toMatchObject({ provider: 'environment', model: 'environment', context_tokens: 'default' });
    const refused = await api(j, '/v1/llm/settings', json({ model: 'other' }, 'PUT'));
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/set by JARVIS_LLM_MODEL in the environment/);
  });
});
