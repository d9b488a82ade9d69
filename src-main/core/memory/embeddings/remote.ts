// Embeddings over HTTP: OpenAI-compatible `/embeddings` (OpenAI, LM Studio, llama.cpp, vLLM, Ollama's /v1) and Ollama's `/api/embed`.
import { z } from 'zod';
import { joinUrl, postJson, type HttpTarget } from './http';
import { EmbeddingError, type Embedder } from './types';

/** Inputs per request: small enough for every server's limits, large enough that re-embedding is not chatty. */
const BATCH = 64;
const MAX_DIMENSIONS = 16_384;

const Vector = z.array(z.number()).min(1).max(MAX_DIMENSIONS);

/** OpenAI's answer: `{object:"list", data:[{object:"embedding", index, embedding:[…]}], model, usage}`. */
export const OpenAiEmbeddingsAnswer = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: Vector })),
  model: z.string().optional(),
});

/** Ollama's answer: `{model, embeddings:[[…], …], total_duration, load_duration, prompt_eval_count}`. */
export const OllamaEmbedAnswer = z.object({ model: z.string().optional(), embeddings: z.array(Vector) });

export interface RemoteOptions {
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  retries?: number;
}

/** Checks what came back against what was asked: one vector per input, one width for all. */
export function checkVectors(vectors: readonly (readonly number[])[], expected: number, describe: string): Float32Array[] {
  if (vectors.length !== expected) throw new EmbeddingError(`The embedding provider (${describe}) returned ${vectors.length} vectors for ${expected} inputs.`, false);
  const width = vectors[0]?.length ?? 0;
  const odd = vectors.findIndex((v) => v.length !== width);
  if (odd !== -1) throw new EmbeddingError(`The embedding provider (${describe}) returned vectors of different widths (${width} and ${vectors[odd]?.length}).`, false);
  return vectors.map((v) => Float32Array.from(v));
}

/** Puts OpenAI's entries in input order, refusing duplicates and gaps. */
export function openAiVectors(answer: z.infer<typeof OpenAiEmbeddingsAnswer>, expected: number, describe: string): Float32Array[] {
  const byIndex: (number[] | undefined)[] = new Array<number[] | undefined>(expected);
  for (const item of answer.data) {
    if (item.index >= expected || byIndex[item.index]) throw new EmbeddingError(`The embedding provider (${describe}) returned a duplicate or out-of-range index ${item.index}.`, false);
    byIndex[item.index] = item.embedding;
  }
  const missing = byIndex.findIndex((v) => v === undefined);
  if (missing !== -1 || answer.data.length !== expected) throw new EmbeddingError(`The embedding provider (${describe}) returned no vector for input ${missing === -1 ? answer.data.length : missing}.`, false);
  return checkVectors(byIndex as number[][], expected, describe);
}

async function inBatches(texts: readonly string[], run: (batch: string[]) => Promise<Float32Array[]>): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += BATCH) out.push(...(await run(texts.slice(i, i + BATCH))));
  return out;
}

export function openAiEmbedder(options: RemoteOptions): Embedder {
  const url = joinUrl(options.baseUrl, 'embeddings');
  const describe = `openai-compatible at ${options.baseUrl}, model ${options.model}`;
  const target: HttpTarget = { describe, url, apiKey: options.apiKey, timeoutMs: options.timeoutMs, retries: options.retries ?? 2 };
  return {
    model: `openai:${options.model}`,
    describe,
    embed: (texts, opts) =>
      inBatches(texts, async (batch) => {
        const answer = await postJson(target, { model: options.model, input: batch, encoding_format: 'float' }, OpenAiEmbeddingsAnswer, opts?.signal);
        return openAiVectors(answer, batch.length, describe);
      }),
  };
}

export function ollamaEmbedder(options: RemoteOptions): Embedder {
  const url = joinUrl(options.baseUrl, 'api/embed');
  const describe = `ollama at ${options.baseUrl}, model ${options.model}`;
  const target: HttpTarget = { describe, url, apiKey: options.apiKey, timeoutMs: options.timeoutMs, retries: options.retries ?? 2 };
  return {
    model: `ollama:${options.model}`,
    describe,
    embed: (texts, opts) =>
      inBatches(texts, async (batch) => {
        const answer = await postJson(target, { model: options.model, input: batch }, OllamaEmbedAnswer, opts?.signal);
        return checkVectors(answer.embeddings, batch.length, describe);
      }),
  };
}
