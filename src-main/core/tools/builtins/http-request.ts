// The built-in http_request tool: fetches a URL, refusing private and metadata addresses after DNS and connecting only to the address it checked.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { allowlistMatches, isBlockedAddress } from './address-policy';

// Node rejects header names that are not HTTP tokens and values outside these bytes; saying so
// at the boundary gives a clear validation error instead of a throw from deep inside http.request.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const HttpRequestInput = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  url: z.url(),
  headers: z.record(z.string().regex(HEADER_NAME, 'not a valid header name'), z.string().regex(HEADER_VALUE, 'contains characters not allowed in a header')).optional(),
  body: z.string().max(1_048_576).optional(),
  timeout_ms: z.number().int().min(100).max(60_000).optional(),
});
export type HttpRequestInput = z.infer<typeof HttpRequestInput>;

export const HttpRequestOutput = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  /** UTF-8 text. Binary bodies come back lossy; a base64 mode is not offered yet. */
  body: z.string(),
  truncated: z.boolean(),
  /** The final URL, after redirects. */
  url: z.string(),
  /** The IP address the answer actually came from. */
  address: z.string(),
});
export type HttpRequestOutput = z.infer<typeof HttpRequestOutput>;

export type ResolvedAddress = { address: string; family: 4 | 6 };

export interface HttpRequestOptions {
  /** `host` or `host:port` entries (see allowlistMatches) that may resolve to otherwise blocked addresses. */
  allowlist: string[];
  maxResponseBytes: number;
  /** Whole-request limit, body included; a request's own timeout_ms takes precedence. */
  timeoutMs: number;
  maxRedirects: number;
  /** Name resolution; replaceable so tests can make any name resolve anywhere. */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export const HTTP_REQUEST_DEFAULTS: Readonly<Omit<HttpRequestOptions, 'lookup'>> = Object.freeze({
  allowlist: [],
  maxResponseBytes: 1_048_576,
  timeoutMs: 10_000,
  maxRedirects: 3,
});

export type HttpRequestRefusedCode = 'blocked_address' | 'scheme_not_allowed' | 'too_many_redirects' | 'credentials_in_url';

/** The request was not sent (or a redirect not followed) because policy forbids it. */
export class HttpRequestRefused extends Error {
  override readonly name = 'HttpRequestRefused';
  readonly code: HttpRequestRefusedCode;
  readonly host: string;
  readonly address?: string;
  readonly range?: string;

  constructor(code: HttpRequestRefusedCode, host: string, message: string, where: { address?: string; range?: string } = {}) {
    super(message);
    this.code = code;
    this.host = host;
    if (where.address !== undefined) this.address = where.address;
    if (where.range !== undefined) this.range = where.range;
  }
}

export type HttpRequestFailedCode = 'timeout' | 'dns_failed' | 'connect_failed' | 'aborted' | 'bad_response';

/** The request was allowed but did not complete. Messages name the host, never headers or the full URL. */
export class HttpRequestFailed extends Error {
  override readonly name = 'HttpRequestFailed';
  readonly code: HttpRequestFailedCode;

  constructor(code: HttpRequestFailedCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

type Method = HttpRequestInput['method'];

/** What a later policy engine shows before the request runs; credentials in the URL are masked. */
export function httpRequestPreview(input: z.input<typeof HttpRequestInput>): { method: string; url: string; host: string; body_bytes: number } {
  const url = new URL(input.url);
  if (url.username !== '' || url.password !== '') {
    url.username = 'redacted';
    url.password = 'redacted';
  }
  return { method: input.method ?? 'GET', url: url.href, host: url.host, body_bytes: Buffer.byteLength(input.body ?? '', 'utf8') };
}

/** Parses and vets one URL (the first, or a redirect target) before anything touches the network. */
function vetUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (cause) {
    const message = base ? `${base.hostname} redirected to a location that is not a valid URL.` : 'The URL is not valid.';
    throw new HttpRequestFailed('bad_response', message, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpRequestRefused('scheme_not_allowed', url.hostname, `Only http and https URLs can be fetched, not ${url.protocol.slice(0, -1)}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new HttpRequestRefused('credentials_in_url', url.hostname, `The URL for ${url.hostname} carries a user name or password; send credentials in a header instead.`);
  }
  return url;
}

const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');
const portOf = (url: URL): number => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

async function defaultLookup(hostname: string): Promise<ResolvedAddress[]> {
  const found = await dns.promises.lookup(hostname, { all: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** Resolves the URL's host and checks every address; returns the addresses the connection may use. */
async function resolveChecked(url: URL, options: HttpRequestOptions, guard: Guard): Promise<ResolvedAddress[]> {
  const host = bareHost(url);
  const port = portOf(url);
  const allowed = allowlistMatches(options.allowlist, host, port);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    let found: ResolvedAddress[];
    try {
      found = await guard.race((options.lookup ?? defaultLookup)(host));
    } catch (cause) {
      if (cause instanceof HttpRequestFailed) throw cause;
      throw new HttpRequestFailed('dns_failed', `Could not resolve ${host}.`, { cause });
    }
    // The family comes from the text, not the resolver's word. Anything that is not an address is
    // dropped for allow-listed hosts and, for the rest, refused by the check below.
    addresses = found
      .filter((a) => !allowed || isIP(a.address) !== 0)
      .map((a) => ({ address: a.address, family: isIP(a.address) === 6 ? 6 : 4 }));
    if (addresses.length === 0) throw new HttpRequestFailed('dns_failed', `${host} did not resolve to any address.`);
  }
  if (!allowed) {
    for (const { address } of addresses) {
      const verdict = isBlockedAddress(address);
      if (verdict.blocked) {
        const entry = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        const via = address === host ? '' : ` (it resolves to ${address})`;
        throw new HttpRequestRefused(
          'blocked_address',
          host,
          `Refused to fetch from ${host}${via}: ${address} is in ${verdict.range}. If this is intended, add "${entry}" to the http_request allow-list.`,
          { address, range: verdict.range },
        );
      }
    }
  }
  return addresses;
}

/** Hands the connection only the addresses that were checked, whatever name it asks about. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, opts, callback) => {
    // Newer Node typings also allow 'IPv4'/'IPv6' here; comparing as text covers both spellings.
    const want = String(opts.family ?? 0);
    const usable = addresses.filter((a) => want === '0' || want === String(a.family) || want === `IPv${a.family}`);
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }), '', 4);
    } else if (opts.all) {
      callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/** One deadline and one abort signal for the whole request, redirects and body included. */
interface Guard {
  signal: AbortSignal;
  /** Settles with `work`, or rejects when the deadline passes or the caller aborts, whichever is first. */
  race<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

function makeGuard(timeoutMs: number, host: string, outer?: AbortSignal): Guard {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new HttpRequestFailed('aborted', `The request to ${host} was cancelled.`));
  const timer = setTimeout(
    () => controller.abort(new HttpRequestFailed('timeout', `The request to ${host} did not finish within ${timeoutMs} ms (redirects and body included).`)),
    timeoutMs,
  );
  if (outer?.aborted) abort();
  else outer?.addEventListener('abort', abort, { once: true });
  const { signal } = controller;
  return {
    signal,
    race: <T>(work: Promise<T>): Promise<T> => {
      if (signal.aborted) return Promise.reject(signal.reason as Error);
      return new Promise<T>((resolve, reject) => {
        const stop = (): void => reject(signal.reason as Error);
        signal.addEventListener('abort', stop, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
      });
    },
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    },
  };
}

// Framing and routing are ours to set: a caller's Host, Content-Length or Transfer-Encoding could
// smuggle a second request or aim a virtual host other than the one checked, so they are dropped.
const DROPPED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer', 'expect']);
// Like browsers, never carry these to another origin on a redirect.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);

function cleanHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    if (!DROPPED_HEADERS.has(key)) out[key] = value;
  }
  return out;
}

function without(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.has(k)));
}

interface Sent {
  res: http.IncomingMessage;
  address: string;
}

/** Sends one request over a fresh connection to a checked address and waits for the response head. */
function send(url: URL, method: Method, headers: Record<string, string>, body: string | undefined, addresses: readonly ResolvedAddress[], guard: Guard): Promise<Sent> {
  const host = bareHost(url);
  return new Promise<Sent>((resolve, reject) => {
    if (guard.signal.aborted) return reject(guard.signal.reason as Error);
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = (url.protocol === 'https:' ? https : http).request({
      protocol: url.protocol,
      hostname: host,
      port: portOf(url),
      path: `${url.pathname}${url.search}`,
      method,
      headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers,
      lookup: pinnedLookup(addresses),
      // A fresh connection per request: a pooled socket would skip the lookup and the check with it.
      agent: false,
    });
    const onAbort = (): void => void req.destroy(guard.signal.reason as Error);
    guard.signal.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => guard.signal.removeEventListener('abort', onAbort));
    // Until the connection (and TLS handshake) is up, every error is a failure to connect.
    let connected = false;
    req.once('socket', (socket) => socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true)));
    req.on('error', (err) => {
      if (err instanceof HttpRequestFailed) return reject(err);
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      reject(
        connected
          ? new HttpRequestFailed('bad_response', `${host} sent a response that could not be read (${code}).`, { cause: err })
          : new HttpRequestFailed('connect_failed', `Could not connect to ${host} (${code}).`, { cause: err }),
      );
    });
    req.once('response', (res) => {
      const checked = addresses[0]?.address ?? host;
      resolve({ res, address: res.socket.remoteAddress ?? checked });
    });
    req.end(payload);
  });
}

/** Reads the body up to `max` bytes; past that the connection is dropped and the text so far kept. */
function readBody(res: http.IncomingMessage, max: number, host: string, guard: Guard): Promise<{ body: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    // StringDecoder holds back a character cut in half by the cap instead of inventing a U+FFFD.
    const decoder = new StringDecoder('utf8');
    let text = '';
    let bytes = 0;
    let settled = false;
    const finish = (result: { body: string; truncated: boolean } | Error): void => {
      if (settled) return;
      settled = true;
      guard.signal.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void => {
      finish(guard.signal.reason as Error);
      res.destroy();
    };
    if (guard.signal.aborted) return onAbort();
    guard.signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = max - bytes;
      if (chunk.length <= room) {
        bytes += chunk.length;
        text += decoder.write(chunk);
        return;
      }
      text += decoder.write(chunk.subarray(0, room));
      finish({ body: text, truncated: true });
      res.destroy();
    });
    res.once('end', () => finish({ body: text + decoder.end(), truncated: false }));
    res.on('error', (cause) => finish(new HttpRequestFailed('bad_response', `The response from ${host} broke off before it was complete.`, { cause })));
    res.once('close', () => finish(new HttpRequestFailed('bad_response', `The response from ${host} broke off before it was complete.`)));
  });
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Where to go next, or null to return this response as it is. GET and HEAD follow every redirect;
 * other methods follow only 303 (as GET, which is what 303 asks for) so a POST is never replayed elsewhere.
 */
function nextHop(status: number, method: Method): Method | null {
  if (!REDIRECTS.has(status)) return null;
  if (method === 'GET' || method === 'HEAD') return method;
  return status === 303 ? 'GET' : null;
}

/**
 * Fetches `input.url`. Each hop's host is resolved and every address checked before connecting,
 * and the connection is pinned to those addresses, so DNS cannot change its answer in between.
 */
export async function httpRequest(input: HttpRequestInput, options: HttpRequestOptions, signal?: AbortSignal): Promise<HttpRequestOutput> {
  let url = vetUrl(input.url);
  const guard = makeGuard(input.timeout_ms ?? options.timeoutMs, url.hostname, signal);
  try {
    let method: Method = input.method;
    let body = input.body;
    let headers = cleanHeaders(input.headers);
    for (let hop = 0; ; hop++) {
      const addresses = await resolveChecked(url, options, guard);
      const { res, address } = await send(url, method, headers, body, addresses, guard);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      const next = location === undefined ? null : nextHop(status, method);
      if (next === null || location === undefined) {
        const { body: text, truncated } = await readBody(res, options.maxResponseBytes, url.hostname, guard);
        return { status, headers: flattenHeaders(res.headers), body: text, truncated, url: url.href, address };
      }
      res.destroy();
      if (hop >= options.maxRedirects) {
        throw new HttpRequestRefused('too_many_redirects', url.hostname, `Stopped after ${options.maxRedirects} redirects; ${url.hostname} redirected again.`);
      }
      const target = vetUrl(location, url);
      if (target.origin !== url.origin) headers = without(headers, CREDENTIAL_HEADERS);
      if (next !== method) {
        body = undefined;
        headers = without(headers, BODY_HEADERS);
      }
      method = next;
      url = target;
    }
  } finally {
    guard.dispose();
  }
}
