// Memory over the HTTP API of a real `jarvis serve`: both lanes, forgetting, secrets, an HTTP embedder against the simulator, re-embedding.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/core/db';
import type { Memory, MemoryList, MemoryQueryResponse } from '../../src-shared/contract/memory';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';
import { startLlmSimulator, type LlmSimulator } from '../helpers/llm-simulator';

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const add = async (j: JarvisProcess, body: unknown) => api(j, '/v1/memory/add', post(body));
const query = async (j: JarvisProcess, body: unknown) => (await api(j, '/v1/memory/query', post(body))).body as unknown as MemoryQueryResponse;
const ids = (answer: MemoryQueryResponse) => answer.results.map((r) => r.memory.id);

/** What the database holds for memory, read from the file itself (with sqlite-vec loaded, as the app loads it). */
function stored(home: string) {
  const db = openDatabase(path.join(home, 'jarvis.db'), { readonly: true });
  try {
    const pluck = (sql: string) => db.prepare(sql).pluck().all() as number[];
    return {
      memories: pluck('SELECT seq FROM memories ORDER BY seq'),
      text: pluck('SELECT id FROM memory_fts_docsize ORDER BY id'),
      vectors: pluck('SELECT memory_seq FROM memory_embeddings ORDER BY memory_seq'),
      bits: pluck('SELECT rowid FROM memory_vec ORDER BY rowid'),
    };
  } finally {
    db.close();
  }
}

describe('memory with the offline embedder (the default)', () => {
  let j: JarvisProcess;
  beforeAll(async () => {
    j = await startJarvis();
  });
  afterAll(async () => {
    await j.stop();
  });

  it('adds memories and finds them through vectors and through text; a forgotten memory is gone from both', async () => {
    const dinner = await add(j, { kind: 'episodic', content: "Anniversary dinner booked at Marcello's trattoria on Friday", metadata: { source: 'calendar' } });
    expect(dinner.status).toBe(201);
    const dinnerId = (dinner.body as unknown as Memory).id;
    expect(dinner.body).toMatchObject({ kind: 'episodic', metadata: { source: 'calendar' }, expires_at: null, embedding_model: 'offline:hashed-ngrams-v1/384' });
    await add(j, { kind: 'preference', content: 'I prefer dark roast coffee in the morning' });
    await add(j, { content: 'The garage door opener battery was replaced in March' });

    // Misspelt words share no token with the memory, so only the vector lane can find it.
    const byVector = await query(j, { text: 'aniversary marcelo', mode: 'vector', k: 1 });
    expect(ids(byVector)).toEqual([dinnerId]);
    expect(byVector.results[0]).toMatchObject({ vector: { rank: 1 }, text: null });
    expect(ids(await query(j, { text: 'aniversary marcelo', mode: 'text' }))).toEqual([]);
    const byText = await query(j, { text: 'trattoria', mode: 'text' });
    expect(byText.results.map((r) => [r.memory.id, r.text])).toEqual([[dinnerId, { rank: 1 }]]);
    const hybrid = await query(j, { text: 'dinner at the trattoria', k: 3 });
    expect(hybrid.results[0]).toMatchObject({ memory: { id: dinnerId }, vector: { rank: 1 }, text: { rank: 1 } });

    const before = stored(j.home);
    expect(before.text).toEqual(before.memories);
    expect(before.vectors).toEqual(before.memories);
    expect(before.bits).toEqual(before.memories);

    const forgotten = await api(j, `/v1/memory/${dinnerId}`, { method: 'DELETE' });
    expect(forgotten).toMatchObject({ status: 200, body: { forgotten: dinnerId, kind: 'episodic' } });
    expect(ids(await query(j, { text: 'trattoria', mode: 'text' }))).toEqual([]);
    expect(ids(await query(j, { text: 'aniversary marcelo', mode: 'vector', k: 5 }))).not.toContain(dinnerId);
    const after = stored(j.home);
    expect(after.memories).toHaveLength(before.memories.length - 1);
    for (const index of [after.text, after.vectors, after.bits]) expect(index).toEqual(after.memories);
    expect((await api(j, `/v1/memory/${dinnerId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(j, `/v1/memory/${dinnerId}`)).status).toBe(404);

    const list = (await api(j, '/v1/memory?limit=10')).body as unknown as MemoryList;
    expect(list.total).toBe(2);
    expect(list.index).toMatchObject({ model: 'offline:hashed-ngrams-v1/384', pending: 0 });

    const trail = (await api(j, '/v1/audit?limit=200')).body as { events: { type: string; subject: string | null }[] };
    const memoryRows = trail.events.filter((e) => e.type.startsWith('memory.'));
    expect(memoryRows.map((e) => e.type)).toEqual(['memory.added', 'memory.added', 'memory.added', 'memory.forgotten']);
    expect(JSON.stringify(memoryRows)).not.toMatch(/trattoria|roast|garage/);
  });

  it('refuses a memory holding an API key and says why, audited without the content; allow_secret stores it', async () => {
    const content = 'Lab OpenAI key: sk-proj-4fQm9ZtXw2LbR7cV1nKp8sD3hJ6yA0eU';
    const refused = await add(j, { content });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe('unprocessable');
    expect(refused.body.error?.message).toMatch(/content \(characters 17–56\) holds what looks like an API key.*secrets do not belong there.*"allow_secret": true/);
    expect(refused.body.error?.details).toEqual([{ field: 'content', problem: 'looks like an API key (sk-…)' }]);
    expect(JSON.stringify(refused.body)).not.toContain('4fQm9');

    const trail = (await api(j, '/v1/audit?type=memory.refused&limit=10')).body as { events: { payload: Record<string, unknown> }[] };
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]?.payload).toMatchObject({ reason: 'looks_like_secret', findings: [{ field: 'content', looks_like: 'an API key (sk-…)' }] });
    expect(JSON.stringify(trail)).not.toContain('4fQm9');
    expect(ids(await query(j, { text: 'lab openai key', mode: 'text' }))).toEqual([]);

    const allowed = await add(j, { content, allow_secret: true });
    expect(allowed.status).toBe(201);
  });

  it('the plan for a goal carries the memories that bear on it, the most relevant first', async () => {
    expect((await add(j, { kind: 'preference', content: 'Dentist appointments go to the family calendar' })).status).toBe(201);
    expect((await add(j, { kind: 'semantic', content: 'The garage code changes every spring' })).status).toBe(201);
    const planned = await api(j, '/v1/agent/plan', post({ goal: 'echo book the dentist appointment' }));
    expect(planned.status).toBe(200);
    const memories = (planned.body as { memories?: { content: string }[] }).memories ?? [];
    expect(memories[0]?.content).toBe('Dentist appointments go to the family calendar');
  });

  it('answers bad input with the field and what was expected', async () => {
    const bad = await add(j, { kind: 'forever', content: '  ', ttl_seconds: 10, expires_at: '2030-01-01T00:00:00Z' });
    expect(bad.status).toBe(400);
    const fields = (bad.body.error?.details as { field: string; problem: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['content', 'kind']);
    expect(bad.body.error?.message).toMatch(/kind must be one of ephemeral, episodic, semantic, preference/);
    expect((await add(j, { content: 'x', ttl_seconds: 10, expires_at: '2030-01-01T00:00:00Z' })).body.error?.message).toMatch(/ttl_seconds: give expires_at or ttl_seconds, not both/);
    expect((await add(j, { content: 'x', expires_at: '2001-01-01T00:00:00Z' })).body.error?.message).toMatch(/in the past/);
    expect((await api(j, '/v1/memory/query', post({ text: 'x', mode: 'fuzzy', extra: 1 }))).body.error?.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'mode' }), expect.objectContaining({ field: '(root)' })]),
    );
    expect((await api(j, '/v1/memory?limit=0')).status).toBe(400);
  });
});

describe('memory with an OpenAI-compatible embedding server (simulated)', () => {
  let sim: LlmSimulator;
  const key = 'sk-simulated-embedding-key-0123456789';
  beforeAll(async () => {
    sim = await startLlmSimulator({ apiKey: key });
  });
  afterAll(() => sim.close());

  const remoteEnv = (model = 'sim-embed-small') => ({
    JARVIS_EMBEDDING_PROVIDER: 'openai',
    JARVIS_EMBEDDING_BASE_URL: sim.url,
    JARVIS_EMBEDDING_MODEL: model,
    JARVIS_EMBEDDING_API_KEY: key,
  });

  it('embeds through /v1/embeddings with the key, and its vectors find meaning no shared word shows', async () => {
    const j = await startJarvis({ env: remoteEnv() });
    try {
      const before = sim.requests.length;
      const car = (await add(j, { content: 'I drive a blue Volvo' })).body as unknown as Memory;
      await add(j, { content: 'The dog needs a walk at seven' });
      expect(car.embedding_model).toBe('openai:sim-embed-small');
      const req = sim.requests[before];
      expect(req).toMatchObject({ method: 'POST', path: '/v1/embeddings', body: { model: 'sim-embed-small', input: ['I drive a blue Volvo'], encoding_format: 'float' } });
      expect(req?.headers.authorization).toBe(`Bearer ${key}`);

      const found = await query(j, { text: 'automobile', k: 1 });
      expect(found.results.map((r) => [r.memory.id, r.text])).toEqual([[car.id, null]]);
      expect(found.model).toBe('openai:sim-embed-small');
      expect(ids(await query(j, { text: 'automobile', mode: 'text' }))).toEqual([]);

      // The provider fails: adding says which provider and why and stores nothing; a hybrid query falls back to text.
      sim.failNext('/v1/embeddings', { status: 500, json: { error: { message: 'model crashed' } } }, 3);
      const failed = await add(j, { content: 'Volvo service is due in May' });
      expect(failed.status).toBe(502);
      expect(failed.body.error?.message).toMatch(/embedding provider \(openai-compatible at http:\/\/127\.0\.0\.1:\d+\/v1, model sim-embed-small\) answered 500.*model crashed.*Nothing was stored/);
      sim.failNext('/v1/embeddings', { status: 500, json: { error: { message: 'model crashed' } } }, 3);
      const fallback = await query(j, { text: 'volvo' });
      expect(fallback.warnings[0]).toMatch(/Only the text lane ran/);
      expect(ids(fallback)).toEqual([car.id]);
      expect(((await api(j, '/v1/memory')).body as unknown as MemoryList).total).toBe(2);

      const trail = JSON.stringify((await api(j, '/v1/audit?limit=500')).body);
      expect(trail).not.toContain(key);
    } finally {
      await j.stop();
      expect(j.output()).not.toContain(key);
    }
  });

  it('re-embeds what is stored when the embedding model changes, recording the model per vector', async () => {
    const home = tempHome();
    const offline = await startJarvis({ home });
    const car = (await add(offline, { content: 'I drive a blue Volvo' })).body as unknown as Memory;
    const dog = (await add(offline, { content: 'The dog needs a walk at seven' })).body as unknown as Memory;
    // The offline embedder sees no likeness between "automobile" and the car sentence.
    const similarity = async (j: JarvisProcess) => (await query(j, { text: 'automobile', mode: 'vector', k: 2 })).results.find((r) => r.memory.id === car.id)?.vector?.similarity ?? 0;
    expect(await similarity(offline)).toBeLessThan(0.2);
    await offline.stop();

    const remote = await startJarvis({ home, env: remoteEnv() });
    try {
      let list = (await api(remote, '/v1/memory')).body as unknown as MemoryList;
      for (let i = 0; i < 100 && list.index.pending > 0; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        list = (await api(remote, '/v1/memory')).body as unknown as MemoryList;
      }
      expect(list.index).toMatchObject({ model: 'openai:sim-embed-small', pending: 0 });
      expect(list.memories.map((m) => [m.id, m.embedding_model]).sort()).toEqual(
        [
          [car.id, 'openai:sim-embed-small'],
          [dog.id, 'openai:sim-embed-small'],
        ].sort(),
      );
      expect(ids(await query(remote, { text: 'automobile', mode: 'vector', k: 1 }))).toEqual([car.id]);
      expect(await similarity(remote)).toBeGreaterThan(0.5);
      const trail = (await api(remote, '/v1/audit?type=memory.reembedded&limit=5')).body as { events: { payload: unknown }[] };
      expect(trail.events.map((e) => e.payload)).toEqual([{ count: 2, to: 'openai:sim-embed-small', from: ['offline:hashed-ngrams-v1/384'] }]);
    } finally {
      await remote.stop();
    }
  });
});
