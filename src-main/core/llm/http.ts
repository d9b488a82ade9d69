// POSTs to a provider: one deadline for the whole call, retries with backoff for what may pass, bounded JSON and SSE readers.
import { LlmError } from './errors';
import { providerMessage } from '../util/provider-message';

export interface HttpTarget {
  /** Provider and address for messages, e.g. "openai-compatible at http://127.0.0.1:8080/v1". */
  describe: string;
  url: string;
  /** Credentials go here and nowhere else: never into a message, a record or the audit trail. */
  headers: Record<string, string>;
  timeoutMs: number;
  /** Further attempts after a retryable failure (connection refused, 408, 429, 5xx). */
  retries: number;
}

export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
const MAX_RETRY_AFTER_MS = 10_000;

function statusError(target: HttpTarget, status: number, text: string): LlmError {
  const said = providerMessage(text);
  if (status === 401 || status === 403) return new LlmError('auth', `${target.describe} refused the credentials (HTTP ${status}: ${said}). Check the API key (JARVIS_LLM_API_KEY or the llm-api-key file).`, status);
  if (status === 429) return new LlmError('rate_limited', `${target.describe} is rate-limiting requests (HTTP 429: ${said}).`, status);
  if (status >= 500) return new LlmError('llm_unavailable', `${target.describe} failed on its side (HTTP ${status}: ${said}).`, status);
  if (status === 404) return new LlmError('refused', `${target.describe} answered 404 (${said}): check the base URL and the model name.`, status);
  return new LlmError('refused', `${target.describe} refused the request (HTTP ${status}: ${said}).`, status);
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - Date.now()));
}

function backoffMs(attempt: number): number {
  const base = Math.min(8000, 500 * 2 ** attempt);
  return base * (0.75 + Math.random() * 0.5);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/** A started call: its response, and the signal that ends it (deadline or caller), which body readers honour. */
export interface Started {
  response: Response;
  signal: AbortSignal;
  /** Converts an abort while reading the body into the right LlmError. */
  abortError(): LlmError;
}

/** POSTs JSON, retrying connection failures and retryable statuses with backoff, all within one deadline. */
export async function postJson(target: HttpTarget, body: unknown, caller?: AbortSignal): Promise<Started> {
  const deadline = AbortSignal.timeout(target.timeoutMs);
  const signal = caller ? AbortSignal.any([caller, deadline]) : deadline;
  const abortError = () =>
    deadline.aborted
      ? new LlmError('timeout', `${target.describe} did not answer within ${target.timeoutMs} ms.`)
      : new LlmError('aborted', 'The call was cancelled.');
  const text = JSON.stringify(body);
  let last: LlmError | null = null;
  for (let attempt = 0; attempt <= target.retries; attempt++) {
    if (signal.aborted) throw abortError();
    let response: Response;
    try {
      response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: text, signal });
    } catch (err) {
      if (signal.aborted) throw abortError();
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      last = new LlmError('llm_unavailable', `Cannot reach ${target.describe}: ${cause?.code ?? cause?.message ?? (err as Error).message}.`);
      if (attempt < target.retries) await sleep(backoffMs(attempt), signal);
      continue;
    }
    if (response.ok) return { response, signal, abortError };
    const errorText = await readText(response, 64 * 1024, signal, abortError).catch(() => '');
    last = statusError(target, response.status, errorText);
    if (!RETRYABLE_STATUS.has(response.status) || attempt >= target.retries) throw last;
    await sleep(retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt), signal);
  }
  if (signal.aborted) throw abortError();
  throw last ?? new LlmError('llm_unavailable', `${target.describe} could not be reached.`);
}

/** The body's chunks; a reader rather than async iteration, which the DOM typings of ReadableStream lack. */
async function* chunksOf(response: Response): AsyncGenerator<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Left early (a [DONE] marker, an error): stop the body so the connection is not held open.
    reader.cancel().catch(() => undefined);
  }
}

/** Reads a body as text, refusing more than `limit` bytes. */
export async function readText(response: Response, limit: number, signal: AbortSignal, abortError: () => LlmError): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of chunksOf(response)) {
      size += chunk.byteLength;
      if (size > limit) throw new LlmError('bad_response', `The answer is over ${limit} bytes.`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof LlmError) throw err;
    if (signal.aborted) throw abortError();
    throw new LlmError('llm_unavailable', `The connection broke while reading the answer: ${(err as Error).message}.`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON answer; anything that is not JSON is a bad response, with a preview of what came. */
export async function readJsonAnswer(started: Started, describe: string): Promise<unknown> {
  const text = await readText(started.response, MAX_ANSWER_BYTES, started.signal, started.abortError);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LlmError('bad_response', `${describe} answered with something that is not JSON: ${JSON.stringify(text.slice(0, 120))}.`);
  }
}

export interface SseEvent {
  event: string | null;
  data: string;
}

/** Server-sent events from a streamed answer: `event:` and `data:` lines, events split by a blank line. */
export async function* readSse(started: Started): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let size = 0;
  const parse = (block: string): SseEvent | null => {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    return data.length === 0 ? null : { event, data: data.join('\n') };
  };
  try {
    for await (const chunk of chunksOf(started.response)) {
      size += chunk.byteLength;
      if (size > MAX_ANSWER_BYTES) throw new LlmError('bad_response', `The streamed answer is over ${MAX_ANSWER_BYTES} bytes.`);
      buffer += decoder.decode(chunk, { stream: true });
      let end: RegExpExecArray | null;
      while ((end = /\r?\n\r?\n/.exec(buffer))) {
        const block = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        const event = parse(block);
        if (event) yield event;
      }
    }
  } catch (err) {
    if (err instanceof LlmError) throw err;
    if (started.signal.aborted) throw started.abortError();
    throw new LlmError('llm_unavailable', `The stream broke: ${(err as Error).message}.`);
  }
  const rest = parse(buffer.trim());
  if (rest) yield rest;
}
