// Without a provider the LLM lane says how to set one up; the settings API, "test connection" and the key file, on a real server.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, runCli, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';
import { startLlmSimulator, type LlmSimulator } from '../helpers/llm-simulator';

const KEY = 'sk-local-test-9f8e7d6c5b4a';
let sim: LlmSimulator;
let j: JarvisProcess;
beforeAll(async () => {
  sim = await startLlmSimulator({ apiKey: KEY });
  j = await startJarvis();
});
afterAll(async () => {
  await j.stop();
  await sim.close();
});

const json = (body: unknown, method = 'POST') => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('no language model configured', () => {
  it('an event nothing else understands is routing.unhandled, and the reply says how to set a model up', async () => {
    const res = await api(j, '/v1/events?wait=true', json({ channel: 'api', payload: { text: 'write me a poem about the sea' } }));
    expect(res.body).toMatchObject({ status: 'unhandled' });
    expect(res.body.reply).toMatch(/^I don't know how to do that yet\. Try: .* No language model is set up\. Choose one in Settings → Language model, or set JARVIS_LLM_PROVIDER/);
    const trail = (await api(j, `/v1/audit?trace_id=${res.body.trace_id}`)).body.events as { type: string; payload: { stages?: { stage: string; outcome: string }[] } }[];
    expect(trail.map((e) => e.type)).toEqual(['event.ingested', 'routing.unhandled', 'response.sent']);
    expect(trail[1]?.payload.stages?.at(-1)).toMatchObject({ stage: 'llm', outcome: 'unavailable' });
  });

  it('GET /v1/llm/settings says it is not configured and why', async () => {
    const view = await api(j, '/v1/llm/settings');
    expect(view.body).toMatchObject({ provider: 'none', configured: false, key: { present: false }, sources: { provider: 'default' }, prompt_version: 'jarvis-agent/1' });
    expect(view.body.problem).toMatch(/No language model is set up/);
  });
});

describe('test connection', () => {
  it('tests values before saving them: a wrong key fails with the reason, the right one answers', async () => {
    const wrong = await api(j, '/v1/llm/test', json({ provider: 'openai', base_url: sim.url, model: 'sim-chat', api_key: 'sk-wrong' }));
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(JSON.stringify(wrong.body)).not.toContain('sk-wrong');

    sim.chat.script({ content: 'OK' });
    const right = await api(j, '/v1/llm/test', json({ provider: 'openai', base_url: sim.url, model: 'sim-chat', api_key: KEY }));
    expect(right.body).toMatchObject({ ok: true, provider: 'openai', model: 'sim-chat', base_url: sim.url, reply: 'OK', error: null });
    // The test is not streamed and offers no tools.
    expect(sim.chat.requests.at(-1)).toMatchObject({ stream: false, messages: [{ role: 'user', content: 'Reply with the single word OK.' }] });
    expect(sim.chat.requests.at(-1)?.tools).toBeUndefined();

    const tested = (await api(j, '/v1/audit?type=llm.connection_tested')).body.events as { payload: Record<string, unknown> }[];
    expect(tested.map((e) => e.payload.ok)).toEqual([false, true]);
    // Nothing was saved by testing.
    expect((await api(j, '/v1/llm/settings')).body).toMatchObject({ provider: 'none', configured: false });
  });

  it('a bad body is a 400 naming the field', async () => {
    const res = await api(j, '/v1/llm/test', json({ provider: 'gpt', base_url: 'ftp://x' }));
    expect(res.status).toBe(400);
    expect((res.body.error?.details as { field: string }[]).map((d) => d.field)).toEqual(['provider', 'base_url']);
  });
});

describe('saving settings', () => {
  it('PUT saves to config.json and the 0600 key file, applies at once, audits without the key; only owners may', async () => {
    const member = runCli(['token', 'create', '--role', 'member'], { JARVIS_HOME: j.home }).stdout.trim().split('\n').at(-1) ?? '';
    const byMember = await api(j, '/v1/llm/settings', { ...json({ provider: 'openai' }, 'PUT'), auth: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${member}` } });
    expect(byMember.status).toBe(403);

    const saved = await api(j, '/v1/llm/settings', json({ provider: 'openai', base_url: sim.url, model: 'sim-chat', api_key: KEY }, 'PUT'));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: 'openai', model: 'sim-chat', configured: true, problem: null, key: { present: true, source: 'file' }, sources: { provider: 'config', model: 'config', api_key: 'config' } });
    expect(JSON.stringify(saved.body)).not.toContain(KEY);

    const config = JSON.parse(fs.readFileSync(path.join(j.home, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({ llmProvider: 'openai', llmBaseUrl: sim.url, llmModel: 'sim-chat' });
    const keyFile = path.join(j.home, 'llm-api-key');
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(KEY);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    // Live without a restart: the lane now asks the model, with the saved key.
    sim.chat.script({ content: 'Now I can answer that.' });
    const res = await api(j, '/v1/events?wait=true', json({ channel: 'api', payload: { text: 'write me a poem about the sea' } }));
    expect(res.body).toMatchObject({ status: 'done', reply: 'Now I can answer that.' });
    expect(sim.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

    const changed = (await api(j, '/v1/audit?type=llm.settings_changed')).body.events as { payload: Record<string, unknown> }[];
    expect(changed[0]?.payload).toMatchObject({ changed: ['provider', 'base_url', 'model'], key_changed: true, configured: true });
    const everything = await api(j, '/v1/audit?limit=1000');
    expect(JSON.stringify(everything.body)).not.toContain(KEY);
    const context = await api(j, `/v1/llm/context?trace_id=${res.body.trace_id}`);
    expect(JSON.stringify(context.body)).not.toContain(KEY);
  });

  it('an unreadable config.json is a 409 that says what to fix, and nothing is written', async () => {
    const file = path.join(j.home, 'config.json');
    const saved = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{ "llmModel": ');
    try {
      const res = await api(j, '/v1/llm/settings', json({ model: 'other-model', api_key: 'sk-should-not-land' }, 'PUT'));
      expect(res.status).toBe(409);
      expect(res.body.error?.message).toMatch(/config\.json is not valid JSON .*fix it before changing settings here/);
      expect(fs.readFileSync(path.join(j.home, 'llm-api-key'), 'utf8')).toBe(KEY);
      expect(fs.readFileSync(file, 'utf8')).toBe('{ "llmModel": ');
    } finally {
      fs.writeFileSync(file, saved);
    }
  });

  it('a key file others can read is refused with what to do', async () => {
    if (process.platform === 'win32') return;
    const keyFile = path.join(j.home, 'llm-api-key');
    fs.chmodSync(keyFile, 0o644);
    try {
      // Saving any field rebuilds the provider, which reads the key again.
      const view = await api(j, '/v1/llm/settings', json({ context_tokens: 4096 }, 'PUT'));
      expect(view.body).toMatchObject({ configured: false, key: { present: false } });
      expect(view.body.problem).toMatch(/can be read by other users \(mode 644\); run "chmod 600 /);
    } finally {
      fs.chmodSync(keyFile, 0o600);
    }
  });
});
