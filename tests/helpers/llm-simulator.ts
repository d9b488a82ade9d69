// A simulated OpenAI-compatible server for tests (node:http on 127.0.0.1:0): /v1/embeddings and /v1/models, a route table for more (chat: llm-chat-simulator.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatSim, type ChatSim } from './llm-chat-simulator';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none). */
  body: unknown;
}

/** What a handler answers: JSON (or raw text) with a status; `hang` never answers, `delayMs` answers late. */
export interface SimAnswer {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  hang?: boolean;
  delayMs?: number;
  /** A server-sent event stream: each string is sent as one `data:` event, `delayMs` apart; `hangAfter` events, it stops and holds. */
  sse?: { events: string[]; delayMs?: number; hangAfter?: number };
}

export type SimHandler = (req: SimRequest, sim: LlmSimulator) => SimAnswer | Promise<SimAnswer>;

export interface EmbeddingModel {
  dimensions: number;
  /** Accepts `dimensions` to shorten its vectors, like OpenAI's text-embedding-3 models. */
  shortenable?: boolean;
}

export interface LlmSimulatorOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get OpenAI's 401. */
  apiKey?: string;
  embeddingModels?: Record<string, EmbeddingModel>;
  /** Replaces the built-in embedding function. */
  embed?: (text: string, dimensions: number, model: string) => number[];
  /** Models POST /v1/chat/completions accepts (default: sim-chat). */
  chatModels?: string[];
}

export interface LlmSimulator {
  /** The base URL clients are configured with, ending in /v1. */
  url: string;
  port: number;
  /** Every request, in arrival order (bodies parsed). */
  readonly requests: SimRequest[];
  /** POST /v1/chat/completions: script its answers per test and read what it was asked. */
  readonly chat: ChatSim;
  /** Adds or replaces a route, e.g. `route('POST', '/v1/chat/completions', handler)`. */
  route(method: string, path: string, handler: SimHandler): void;
  /** The next `times` requests to `path` get this answer instead of the route's (outages, garbage, hangs). */
  failNext(path: string, answer: SimAnswer, times?: number): void;
  close(): Promise<void>;
}

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
export const openAiError = (status: number, message: string, code: string | null = null, param: string | null = null, type = 'invalid_request_error'): SimAnswer => ({
  status,
  json: { error: { message, type, param, code } },
});

/**
 * A stand-in for a real embedding model, just good enough for tests to tell meaning from spelling:
 * words in one of these groups land on the same direction, so "automobile" finds "car" although no
 * word is shared; every other word gets its own hashed direction.
 */
const SYNONYMS: readonly string[][] = [
  ['car', 'cars', 'automobile', 'automobiles', 'vehicle', 'vehicles', 'volvo', 'drive', 'drives'],
  ['dog', 'dogs', 'puppy', 'puppies', 'canine', 'hound'],
  ['coffee', 'espresso', 'latte', 'cappuccino', 'brew'],
  ['doctor', 'physician', 'dentist', 'appointment', 'clinic'],
  ['birthday', 'anniversary', 'celebration', 'party'],
];
const STOP = new Set(['a', 'an', 'the', 'is', 'my', 'i', 'to', 'of', 'and', 'in', 'on', 'at', 'for', 'what', 'which', 'do', 'does', 'with']);

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

export function conceptEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  for (const word of words) {
    if (STOP.has(word)) continue;
    const group = SYNONYMS.findIndex((g) => g.includes(word));
    const feature = group === -1 ? `word:${word}` : `concept:${group}`;
    // Three signed slots per feature, so two features rarely cancel out entirely.
    for (let j = 0; j < 3; j += 1) {
      const h = hash(`${feature}#${j}`);
      vector[h % dimensions] = (vector[h % dimensions] ?? 0) + (h & 0x80000000 ? -1 : 1);
    }
  }
  if (!vector.some((x) => x !== 0)) vector[0] = 1;
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
  return vector.map((x) => x / norm);
}

const isTokenArray = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t) && (t as number) >= 0);

/** POST /v1/embeddings as OpenAI documents it: string, string[], token ids or token-id arrays; float or base64. */
function embeddings(req: SimRequest, options: Required<Pick<LlmSimulatorOptions, 'embeddingModels' | 'embed'>>): SimAnswer {
  const body = req.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return openAiError(400, 'We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string' || body.model === '') return openAiError(400, 'You must provide a model parameter.', null, 'model');
  const model = options.embeddingModels[body.model];
  if (!model) return openAiError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'model_not_found');
  const input = body.input;
  let texts: string[];
  if (typeof input === 'string') texts = [input];
  else if (isTokenArray(input)) texts = [`tokens:${input.join(',')}`];
  else if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'string')) texts = input as string[];
  else if (Array.isArray(input) && input.length > 0 && input.every(isTokenArray)) texts = input.map((t) => `tokens:${t.join(',')}`);
  else return openAiError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", null, 'input');
  if (texts.length > 2048) return openAiError(400, `'$.input' is too long: ${texts.length} items, at most 2048.`, null, 'input');
  if (texts.some((t) => t === '')) return openAiError(400, "'$.input' is invalid: an input is empty.", null, 'input');
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return openAiError(400, `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`, null, 'encoding_format');
  let dimensions = model.dimensions;
  if (body.dimensions !== undefined) {
    if (!model.shortenable) return openAiError(400, 'This model does not support specifying dimensions.', null, 'dimensions');
    if (!Number.isInteger(body.dimensions) || (body.dimensions as number) < 1 || (body.dimensions as number) > model.dimensions) {
      return openAiError(400, `dimensions must be between 1 and ${model.dimensions}.`, null, 'dimensions');
    }
    dimensions = body.dimensions as number;
  }
  const tokens = texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);
  return {
    json: {
      object: 'list',
      data: texts.map((t, index) => {
        const vector = options.embed(t, dimensions, body.model as string);
        const embedding = format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

export async function startLlmSimulator(options: LlmSimulatorOptions = {}): Promise<LlmSimulator> {
  const embeddingModels = options.embeddingModels ?? { 'sim-embed-small': { dimensions: 256, shortenable: true }, 'sim-embed-legacy': { dimensions: 200 } };
  const embed = options.embed ?? ((text, dims) => conceptEmbedding(text, dims));
  const routes = new Map<string, SimHandler>();
  const failures = new Map<string, { answer: SimAnswer; times: number }>();
  const requests: SimRequest[] = [];
  const hanging = new Set<http.ServerResponse>();

  routes.set('POST /v1/embeddings', (req) => embeddings(req, { embeddingModels, embed }));
  const chat = createChatSim(options.chatModels);
  routes.set('POST /v1/chat/completions', (req) => chat.handle(req));
  routes.set('GET /v1/models', () => ({
    json: { object: 'list', data: Object.keys(embeddingModels).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'simulator' })) },
  }));

  async function answer(req: SimRequest): Promise<SimAnswer> {
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return openAiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_api_key');
    }
    const failure = failures.get(req.path);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return failure.answer;
    }
    const handler = routes.get(`${req.method} ${req.path}`);
    if (!handler) return openAiError(404, `Invalid URL (${req.method} ${req.path})`);
    return handler(req, sim);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        let badJson = false;
        try {
          body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
        } catch {
          badJson = true;
        }
        const simReq: SimRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        requests.push(simReq);
        const out = badJson ? openAiError(400, 'We could not parse the JSON body of your request.') : await answer(simReq);
        if (out.hang) {
          hanging.add(res);
          return;
        }
        if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
        if (out.sse) {
          res.writeHead(out.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...out.headers });
          for (const [i, event] of out.sse.events.entries()) {
            if (i === out.sse.hangAfter) return void hanging.add(res);
            if (out.sse.delayMs && i > 0) await new Promise((r) => setTimeout(r, out.sse?.delayMs));
            res.write(`data: ${event}\n\n`);
          }
          res.end();
          return;
        }
        const text = out.text ?? JSON.stringify(out.json ?? {});
        res.writeHead(out.status ?? 200, { 'content-type': out.text !== undefined ? 'text/plain' : 'application/json', ...out.headers });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const sim: LlmSimulator = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    chat,
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    failNext: (path, failure, times = 1) => void failures.set(path, { answer: failure, times }),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}
