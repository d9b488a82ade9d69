// The HTTP embedders against the simulated OpenAI-compatible server: request shape, batching, the key, and every way an answer can be wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conceptEmbedding, startLlmSimulator, type LlmSimulator } from '../../../../tests/helpers/llm-simulator';
import { createEmbedder } from './index';
import { OllamaEmbedAnswer, openAiEmbedder } from './remote';
import { EmbeddingError } from './types';

let sim: LlmSimulator;
beforeAll(async () => {
  sim = await startLlmSimulator({ apiKey: 'test-key-123' });
});
afterAll(() => sim.close());

const embedder = (over: { apiKey?: string; timeoutMs?: number; model?: string } = {}) =>
  openAiEmbedder({ baseUrl: sim.url, model: over.model ?? 'sim-embed-small', apiKey: over.apiKey ?? 'test-key-123', timeoutMs: over.timeoutMs ?? 5000, retries: 1 });

async function failure(p: Promise<unknown>): Promise<EmbeddingError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmbeddingError);
  return err as EmbeddingError;
}

describe('OpenAI-compatible embedder', () => {
  it('posts {model, input[], encoding_format} with the bearer key and returns the vectors in input order', async () => {
    const before = sim.requests.length;
    const vectors = await embedder().embed(['my car', 'a puppy']);
    const req = sim.requests[before];
    expect(req?.path).toBe('/v1/embeddings');
    expect(req?.headers.authorization).toBe('Bearer test-key-123');
    expect(req?.body).toEqual({ model: 'sim-embed-small', input: ['my car', 'a puppy'], encoding_format: 'float' });
    expect(vectors.map((v) => Array.from(v))).toEqual([conceptEmbedding('my car', 256), conceptEmbedding('a puppy', 256)].map((v) => Array.from(Float32Array.from(v))));
    expect(embedder().model).toBe('openai:sim-embed-small');
  });

  it('splits long lists into batches of 64', async () => {
    const before = sim.requests.length;
    const texts = Array.from({ length: 150 }, (_, i) => `note ${i}`);
    expect(await embedder().embed(texts)).toHaveLength(150);
    expect(sim.requests.slice(before).map((r) => (r.body as { input: string[] }).input.length)).toEqual([64, 64, 22]);
  });

  it('says the key was refused, without the key', async () => {
    const err = await failure(embedder({ apiKey: 'wrong-key-456' }).embed(['x']));
    expect(err.message).toMatch(/answered 401: the API key was refused/);
    expect(err.message).not.toContain('wrong-key-456');
    expect(err.retryable).toBe(false);
  });

  it('names a model the server does not have', async () => {
    const err = await failure(embedder({ model: 'no-such-model' }).embed(['x']));
    expect(err.message).toMatch(/answered 404: the model or the address is wrong.*The model `no-such-model` does not exist/);
  });

  it('retries a 503 and succeeds on the next attempt', async () => {
    sim.failNext('/v1/embeddings', { status: 503, json: { error: { message: 'overloaded' } } });
    expect(await embedder().embed(['x'])).toHaveLength(1);
  });

  it('gives up after its retries with the provider\'s words', async () => {
    sim.failNext('/v1/embeddings', { status: 500, json: { error: { message: 'boom' } } }, 2);
    const err = await failure(embedder().embed(['x']));
    expect(err.message).toMatch(/answered 500: it failed on its side. It said: boom/);
  });

  it('refuses garbage, wrong shapes, missing and mismatched vectors', async () => {
    sim.failNext('/v1/embeddings', { text: '<html>gateway</html>' });
    expect((await failure(embedder().embed(['x']))).message).toMatch(/not JSON/);
    sim.failNext('/v1/embeddings', { json: { data: [{ index: 0, embedding: 'nope' }] } });
    expect((await failure(embedder().embed(['x']))).message).toMatch(/unexpected shape: data\.0\.embedding/);
    sim.failNext('/v1/embeddings', { json: { data: [{ index: 0, embedding: [1, 2] }] } });
    expect((await failure(embedder().embed(['x', 'y']))).message).toMatch(/no vector for input 1/);
    sim.failNext('/v1/embeddings', { json: { data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1, 2, 3] }] } });
    expect((await failure(embedder().embed(['x', 'y']))).message).toMatch(/different widths/);
    sim.failNext('/v1/embeddings', { json: { data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [1] }] } });
    expect((await failure(embedder().embed(['x', 'y']))).message).toMatch(/duplicate or out-of-range index 0/);
  });

  it('times out a server that never answers', async () => {
    sim.failNext('/v1/embeddings', { hang: true }, 2);
    const err = await failure(embedder({ timeoutMs: 300 }).embed(['x']));
    expect(err.message).toMatch(/did not answer within 300 ms/);
  });

  it('reports a server that is not there', async () => {
    const err = await failure(openAiEmbedder({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 2000, retries: 0 }).embed(['x']));
    expect(err.message).toMatch(/could not be reached/);
  });

  it('uses each provider\'s usual address and model when the settings leave them empty', () => {
    expect(createEmbedder({ provider: 'openai', baseUrl: '', model: '', timeoutMs: 1000 }).describe).toBe('openai-compatible at https://api.openai.com/v1, model text-embedding-3-small');
    expect(createEmbedder({ provider: 'ollama', baseUrl: '', model: '', timeoutMs: 1000 }).model).toBe('ollama:nomic-embed-text');
    expect(createEmbedder({ provider: 'offline', baseUrl: '', model: '', timeoutMs: 1000 }).model).toMatch(/^offline:/);
  });
});

describe('Ollama answer', () => {
  it('accepts the documented /api/embed answer and refuses one without embeddings', () => {
    // The example answer from Ollama's API documentation (vectors shortened).
    const documented = { model: 'all-minilm', embeddings: [[0.010071029, -0.0017594862, 0.05007221, 0.04692972], [-0.0098027075, 0.06042469, 0.025257962, -0.006364387]], total_duration: 14143917, load_duration: 1019500, prompt_eval_count: 8 };
    expect(OllamaEmbedAnswer.parse(documented).embeddings).toHaveLength(2);
    expect(OllamaEmbedAnswer.safeParse({ model: 'all-minilm', embedding: [0.1] }).success).toBe(false);
  });
});
