// POSTs to an embedding provider: one deadline per attempt, retries with backoff for what may pass, zod-checked answers.
import type { z } from 'zod';
import { EmbeddingError } from './types';
import { providerMessage } from '../../util/provider-message';

export interface HttpTarget {
  /** Provider and address for messages, e.g. "openai-compatible at http://127.0.0.1:8080/v1". */
  describe: string;
  url: string;
  /** Sent as a bearer token and never put into a message. */
  apiKey?: string | undefined;
  timeoutMs: number;
  /** Further attempts after a retryable failure. */
  retries: number;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function statusHint(status: number, hasKey: boolean): string {
  if (status === 401 || status === 403) return hasKey ? 'the API key was refused (check JARVIS_EMBEDDING_API_KEY)' : 'it needs an API key (set JARVIS_EMBEDDING_API_KEY)';
  if (status === 404) return 'the model or the address is wrong (check embeddingModel and embeddingBaseUrl)';
  if (status === 429) return 'it is rate-limiting requests';
  if (status >= 500) return 'it failed on its side';
  return 'it refused the request';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

async function attempt<T>(target: HttpTarget, body: unknown, schema: z.ZodType<T>, cancel?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  let res: Response;
  try {
    const deadline = AbortSignal.timeout(target.timeoutMs);
    res = await fetch(target.url, { method: 'POST', headers, body: JSON.stringify(body), signal: cancel ? AbortSignal.any([deadline, cancel]) : deadline });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (cancel?.aborted) throw new EmbeddingError(`The request to the embedding provider (${target.describe}) was cancelled.`, false);
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new EmbeddingError(`The embedding provider (${target.describe}) did not answer within ${target.timeoutMs} ms.`, true);
    throw new EmbeddingError(`The embedding provider (${target.describe}) could not be reached: ${e.cause?.message ?? e.message}.`, true);
  }
  let text: string;
  try {
    if (Number(res.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES) throw new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`);
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw new EmbeddingError(`The embedding provider (${target.describe}) ${timedOut ? `did not finish its answer within ${target.timeoutMs} ms` : `sent an unreadable answer: ${e.message}`}.`, true);
  }
  if (!res.ok) {
    throw new EmbeddingError(
      `The embedding provider (${target.describe}) answered ${res.status}: ${statusHint(res.status, Boolean(target.apiKey))}. It said: ${providerMessage(text)}`,
      RETRYABLE_STATUS.has(res.status),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EmbeddingError(`The embedding provider (${target.describe}) answered with something that is not JSON: ${providerMessage(text)}`, false);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new EmbeddingError(`The embedding provider (${target.describe}) answered in an unexpected shape: ${describeIssues(parsed.error)}.`, false);
  return parsed.data;
}

/** Posts body and validates the answer; retries timeouts, refused connections, 429 and 5xx with backoff. */
export async function postJson<T>(target: HttpTarget, body: unknown, schema: z.ZodType<T>, cancel?: AbortSignal): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt(target, body, schema, cancel);
    } catch (err) {
      if (!(err instanceof EmbeddingError) || !err.retryable || tries >= target.retries || cancel?.aborted) throw err;
      await sleep(Math.min(250 * 4 ** tries, 4000));
    }
  }
}

/** Joins a base URL and a path without doubling or losing the slash between them. */
export const joinUrl = (base: string, suffix: string): string => `${base.replace(/\/+$/, '')}/${suffix.replace(/^\/+/, '')}`;
