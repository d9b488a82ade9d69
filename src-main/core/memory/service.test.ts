// The memory service: embedder settings (the key only from the environment), background re-embedding, failures audited once, stop cancels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLlmSimulator, type LlmSimulator } from '../../../tests/helpers/llm-simulator';
import { AuditLog } from '../audit';
import { ConfigError, loadSettings } from '../config';
import { openDatabase, type Db } from '../db';
import { offlineEmbedder, openAiEmbedder } from './embeddings';
import { embedderFromSettings, MemoryService } from './service';
import { MemoryStore } from './store';

const dirs: string[] = [];
const dbs: Db[] = [];
let sim: LlmSimulator;
beforeAll(async () => {
  sim = await startLlmSimulator({ apiKey: 'k-123' });
});
afterAll(() => sim.close());
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
function temp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-memsvc-'));
  dirs.push(dir);
  return dir;
}
function open(): { db: Db; audit: AuditLog } {
  const db = openDatabase(path.join(temp(), 'jarvis.db'));
  dbs.push(db);
  return { db, audit: new AuditLog(db) };
}
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
};

describe('embedding settings', () => {
  it('default to the offline embedder; provider, address, model and timeout come from config.json or JARVIS_EMBEDDING_*', () => {
    const home = temp();
    expect(embedderFromSettings(loadSettings({ env: { JARVIS_HOME: home } })).model).toBe(offlineEmbedder().model);
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ embeddingProvider: 'ollama', embeddingModel: 'all-minilm' }));
    const settings = loadSettings({ env: { JARVIS_HOME: home, JARVIS_EMBEDDING_BASE_URL: 'http://127.0.0.1:11500', JARVIS_EMBEDDING_TIMEOUT_MS: '5000' } });
    expect(settings).toMatchObject({ embeddingProvider: 'ollama', embeddingModel: 'all-minilm', embeddingBaseUrl: 'http://127.0.0.1:11500', embeddingTimeoutMs: 5000 });
    expect(embedderFromSettings(settings).describe).toBe('ollama at http://127.0.0.1:11500, model all-minilm');
  });

  it('refuses an unknown provider or an address with credentials, naming the key', () => {
    const home = temp();
    expect(() => loadSettings({ env: { JARVIS_HOME: home, JARVIS_EMBEDDING_PROVIDER: 'magic' } })).toThrow(ConfigError);
    expect(() => loadSettings({ env: { JARVIS_HOME: home, JARVIS_EMBEDDING_PROVIDER: 'magic' } })).toThrow(/"embeddingProvider".*one of "offline", "openai", "ollama"/);
    expect(() => loadSettings({ env: { JARVIS_HOME: home, JARVIS_EMBEDDING_BASE_URL: 'http://u:p@127.0.0.1' } })).toThrow(/"embeddingBaseUrl".*without credentials/);
  });

  it('takes the key from JARVIS_EMBEDDING_API_KEY only, and sends it as a bearer token', async () => {
    const settings = { embeddingProvider: 'openai' as const, embeddingBaseUrl: sim.url, embeddingModel: 'sim-embed-small', embeddingTimeoutMs: 5000 };
    await expect(embedderFromSettings(settings, {}).embed(['x'])).rejects.toThrow(/answered 401: it needs an API key \(set JARVIS_EMBEDDING_API_KEY\)/);
    expect(await embedderFromSettings(settings, { JARVIS_EMBEDDING_API_KEY: 'k-123' }).embed(['x'])).toHaveLength(1);
  });
});

describe('MemoryService', () => {
  it('re-embeds in the background after the model changed, and audits a failing provider once, not on every sweep', async () => {
    const { db, audit } = open();
    const old = new MemoryStore({ db, audit, embedder: offlineEmbedder() });
    await old.add({ content: 'The dog needs a walk at seven' }, { actor: 'test' });

    const down = new MemoryService({ db, audit, embedder: openAiEmbedder({ baseUrl: sim.url, model: 'sim-embed-small', apiKey: 'wrong', timeoutMs: 2000 }), sweepMs: 50 });
    down.start();
    await until(() => audit.list({ type: 'memory.reembed_failed', limit: 5 }).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    await down.stop();
    const failed = audit.list({ type: 'memory.reembed_failed', limit: 5 });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.payload).toMatchObject({ to: 'openai:sim-embed-small', pending: 1 });
    expect(JSON.stringify(failed)).not.toContain('wrong');

    const up = new MemoryService({ db, audit, embedder: openAiEmbedder({ baseUrl: sim.url, model: 'sim-embed-small', apiKey: 'k-123', timeoutMs: 2000 }), sweepMs: 50 });
    up.start();
    await until(() => up.store.status().pending === 0);
    await up.stop();
    expect(up.store.list({ limit: 5 }).memories.map((m) => m.embedding_model)).toEqual(['openai:sim-embed-small']);
  });

  it('stop cancels a re-embedding request in flight and writes nothing after it', async () => {
    const { db, audit } = open();
    await new MemoryStore({ db, audit, embedder: offlineEmbedder() }).add({ content: 'coffee at nine' }, { actor: 'test' });
    sim.failNext('/v1/embeddings', { hang: true });
    const service = new MemoryService({ db, audit, embedder: openAiEmbedder({ baseUrl: sim.url, model: 'sim-embed-small', apiKey: 'k-123', timeoutMs: 30_000 }) });
    const asked = sim.requests.length;
    service.start();
    await until(() => sim.requests.length > asked);
    const rows = audit.head().count;
    await service.stop();
    expect(audit.head().count).toBe(rows);
    expect(service.store.status().pending).toBe(1);
  });
});
