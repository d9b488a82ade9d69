// The memory store on a real SQLite file: both lanes, forgetting, expiry, secrets, atomic writes and re-embedding after a model change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLlmSimulator, type LlmSimulator } from '../../../tests/helpers/llm-simulator';
import { AuditLog } from '../audit';
import { openDatabase, type Db } from '../db';
import { offlineEmbedder, openAiEmbedder } from './embeddings';
import type { Embedder } from './embeddings/types';
import { SecretRefusedError, MemoryStore } from './store';

const dirs: string[] = [];
const dbs: Db[] = [];
let sim: LlmSimulator;
beforeAll(async () => {
  sim = await startLlmSimulator();
});
afterAll(() => sim.close());
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function open(): { db: Db; file: string; audit: AuditLog } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-memory-'));
  dirs.push(dir);
  const file = path.join(dir, 'jarvis.db');
  const db = openDatabase(file);
  dbs.push(db);
  return { db, file, audit: new AuditLog(db) };
}

const who = { actor: 'test' };
const simEmbedder = (): Embedder => openAiEmbedder({ baseUrl: sim.url, model: 'sim-embed-small', timeoutMs: 5000 });
const count = (db: Db, sql: string, ...params: unknown[]) => db.prepare(sql).pluck().get(...params) as number;
const indexRows = (db: Db) => ({
  memories: count(db, 'SELECT COUNT(*) FROM memories'),
  text: count(db, "SELECT COUNT(*) FROM memory_fts WHERE memory_fts MATCH 'marcello OR coffee OR volvo OR router OR garage'"),
  textDocs: count(db, "SELECT COUNT(*) FROM memory_fts_docsize"),
  vectors: count(db, 'SELECT COUNT(*) FROM memory_embeddings'),
  bits: count(db, 'SELECT COUNT(*) FROM memory_vec'),
});

describe('MemoryStore', () => {
  it('finds a misspelt memory through the vector lane and an exact word through the text lane; hybrid fuses both', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    const dinner = await store.add({ kind: 'episodic', content: "Anniversary dinner booked at Marcello's trattoria on Friday" }, who);
    await store.add({ kind: 'preference', content: 'I prefer dark roast coffee in the morning' }, who);
    await store.add({ content: 'The garage door opener battery was replaced in March' }, who);

    const byVector = await store.query({ text: 'aniversary marcelo', mode: 'vector', k: 1 });
    expect(byVector.results.map((r) => r.memory.id)).toEqual([dinner.id]);
    expect(byVector.results[0]?.vector?.rank).toBe(1);
    expect((await store.query({ text: 'aniversary marcelo', mode: 'text' })).results).toEqual([]);

    const byText = await store.query({ text: 'trattoria', mode: 'text' });
    expect(byText.results.map((r) => [r.memory.id, r.text?.rank, r.vector])).toEqual([[dinner.id, 1, null]]);

    const hybrid = await store.query({ text: 'dinner at the trattoria', k: 3 });
    expect(hybrid.results[0]?.memory.id).toBe(dinner.id);
    expect(hybrid.results[0]?.vector?.rank).toBe(1);
    expect(hybrid.results[0]?.text?.rank).toBe(1);
    expect(hybrid.results[0]?.memory.embedding_model).toBe(offlineEmbedder().model);
  });

  it('filters by kind in both lanes', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    await store.add({ kind: 'semantic', content: 'coffee beans are kept in the left cupboard' }, who);
    const pref = await store.add({ kind: 'preference', content: 'coffee with oat milk, no sugar' }, who);
    for (const mode of ['vector', 'text', 'hybrid'] as const) {
      const { results } = await store.query({ text: 'coffee', kinds: ['preference'], mode });
      expect(results.map((r) => r.memory.id)).toEqual([pref.id]);
    }
  });

  it('forgets a memory from the table, the text index and both vector tables in one transaction, audited without content', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    const kept = await store.add({ content: 'The router admin page is at 192.168.1.1' }, who);
    const gone = await store.add({ content: 'Volvo service is due in May' }, who);
    expect(indexRows(db)).toEqual({ memories: 2, text: 2, textDocs: 2, vectors: 2, bits: 2 });

    expect(store.forget(gone.id, who)?.id).toBe(gone.id);
    expect(indexRows(db)).toEqual({ memories: 1, text: 1, textDocs: 1, vectors: 1, bits: 1 });
    expect((await store.query({ text: 'Volvo service', mode: 'text' })).results).toEqual([]);
    expect((await store.query({ text: 'Volvo service', mode: 'vector' })).results.map((r) => r.memory.id)).toEqual([kept.id]);
    expect(store.forget(gone.id, who)).toBeNull();
    // The newest memory was forgotten: its row number is never handed out again, so a vector still being made for it cannot land on another.
    const next = await store.add({ content: 'a later note' }, who);
    expect(count(db, 'SELECT seq FROM memories WHERE id = ?', next.id)).toBe(3);
    store.forget(next.id, who);

    const rows = audit.list({ limit: 10 }).filter((e) => e.type.startsWith('memory.'));
    expect(rows.map((e) => e.type)).toEqual(['memory.added', 'memory.added', 'memory.forgotten', 'memory.added', 'memory.forgotten']);
    expect(JSON.stringify(rows)).not.toMatch(/Volvo|router/);
  });

  it('refuses a memory holding an API key before it reaches the provider, audited without the content; allow_secret stores it', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: simEmbedder() });
    const before = sim.requests.length;
    const content = 'The OpenAI key for the lab is sk-proj-4fQm9ZtXw2LbR7cV1nKp8sD3hJ6yA0eU';
    const err = await store.add({ content }, who).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretRefusedError);
    expect((err as Error).message).toMatch(/looks like an API key.*allow_secret/);
    expect(sim.requests.length).toBe(before);
    expect(indexRows(db).memories).toBe(0);
    const refused = audit.list({ type: 'memory.refused', limit: 5 });
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(refused)).not.toContain('4fQm9');

    const stored = await store.add({ content, allow_secret: true }, who);
    expect(stored.content).toBe(content);
    expect(audit.list({ type: 'memory.added', limit: 5 })[0]?.payload).toMatchObject({ secret_allowed: true, findings: 1 });
  });

  it('writes nothing at all when any part of the write fails, even after the vector table was rebuilt for a new model', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    const first = await store.add({ content: 'coffee at nine' }, who);
    const auditRows = audit.head().count;
    expect(() => store.insert({ ...store.check({ content: 'coffee at ten' }, who), id: first.id }, new Float32Array(384).fill(0.2), offlineEmbedder().model, who)).toThrow(/UNIQUE/);
    // The audit row is the last write of the transaction; make SQLite refuse it (as a full disk would).
    db.exec("CREATE TEMP TRIGGER refuse_memory_audit BEFORE INSERT ON audit_events WHEN NEW.type = 'memory.added' BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    const wider = new Float32Array(128).fill(0.1);
    expect(() => store.insert(store.check({ content: 'tea at four' }, who), wider, 'other:model', who)).toThrow(/audit refused/);
    db.exec('DROP TRIGGER refuse_memory_audit');
    expect(indexRows(db)).toMatchObject({ memories: 1, textDocs: 1, vectors: 1, bits: 1 });
    expect(db.prepare('SELECT model, bits FROM memory_vector_index').get()).toEqual({ model: offlineEmbedder().model, bits: 384 });
    expect(audit.head().count).toBe(auditRows);
    expect((await store.query({ text: 'coffee', mode: 'vector' })).results.map((r) => r.memory.id)).toEqual([first.id]);
  });

  it('does not return expired memories and purges them with their index rows; ephemeral ones expire after a day by default', async () => {
    const { db, audit } = open();
    let now = Date.parse('2030-01-01T00:00:00Z');
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder(), now: () => now });
    const brief = await store.add({ content: 'parking spot 42 on level B', ttl_seconds: 60 }, who);
    const eph = await store.add({ kind: 'ephemeral', content: 'parking ticket is in the glovebox' }, who);
    const lasting = await store.add({ content: 'parking at the office is free after six' }, who);
    expect(eph.expires_at).toBe('2030-01-02T00:00:00.000Z');
    expect(brief.expires_at).toBe('2030-01-01T00:01:00.000Z');

    now += 61_000;
    expect((await store.query({ text: 'parking', k: 5 })).results.map((r) => r.memory.id).sort()).toEqual([eph.id, lasting.id].sort());
    expect(store.get(brief.id)).toBeNull();
    now += 24 * 3600_000;
    expect(store.list({ limit: 10 }).memories.map((m) => m.id)).toEqual([lasting.id]);
    expect(indexRows(db)).toMatchObject({ memories: 1, textDocs: 1, vectors: 1, bits: 1 });
    expect(audit.list({ type: 'memory.expired', limit: 5 }).map((e) => e.payload.ids)).toEqual([[brief.id], [eph.id]]);
    expect(() => store.check({ content: 'x', expires_at: '2029-01-01T00:00:00Z' }, who)).toThrow(/in the past/);
  });

  it('re-embeds everything after a model change (another width too), recording the model per vector', async () => {
    const { db, audit } = open();
    const offline = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    const car = await offline.add({ content: 'I drive a blue Volvo' }, who);
    await offline.add({ content: 'The dog needs a walk at seven' }, who);
    expect(count(db, 'SELECT bits FROM memory_vector_index')).toBe(384);

    const remote = new MemoryStore({ db, audit, embedder: simEmbedder() });
    expect(remote.status().pending).toBe(2);
    // Until re-embedded the vector lane has nothing of the new model; the text lane still answers.
    expect((await remote.query({ text: 'automobile', mode: 'vector' })).results).toEqual([]);
    expect(await remote.reembed()).toBe(2);
    expect(remote.status().pending).toBe(0);
    expect(db.prepare('SELECT model, bits FROM memory_vector_index').get()).toEqual({ model: 'openai:sim-embed-small', bits: 256 });
    expect(db.prepare('SELECT DISTINCT model, dims FROM memory_embeddings').all()).toEqual([{ model: 'openai:sim-embed-small', dims: 256 }]);
    expect(count(db, 'SELECT COUNT(*) FROM memory_vec')).toBe(2);
    // The simulated model knows "automobile" and "Volvo" mean alike, which no shared word shows.
    const found = await remote.query({ text: 'automobile', mode: 'vector', k: 1 });
    expect(found.results.map((r) => [r.memory.id, r.memory.embedding_model])).toEqual([[car.id, 'openai:sim-embed-small']]);
    expect(audit.list({ type: 'memory.reembedded', limit: 1 })[0]?.payload).toEqual({ count: 2, to: 'openai:sim-embed-small', from: [offlineEmbedder().model] });
  });

  it('answers from the text lane with a warning when the provider is down, and fails a vector-only query', async () => {
    const { db, audit } = open();
    const store = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    await store.add({ content: 'The Volvo is parked on Elm Street' }, who);
    const down = new MemoryStore({ db, audit, embedder: openAiEmbedder({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x', timeoutMs: 1000, retries: 0 }) });
    const answer = await down.query({ text: 'volvo' });
    expect(answer.results).toHaveLength(1);
    expect(answer.warnings[0]).toMatch(/Only the text lane ran: .*could not be reached/);
    await expect(down.query({ text: 'volvo', mode: 'vector' })).rejects.toThrow(/could not be reached/);
    await expect(down.add({ content: 'something new' }, who)).rejects.toThrow(/could not be reached/);
    expect(count(db, 'SELECT COUNT(*) FROM memories')).toBe(1);
  });
});
