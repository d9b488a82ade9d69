// HTTP plumbing: JSON replies in the contract's error envelope, and bounded, typed body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ErrorCode } from '../../src-shared/contract';
import { MAX_BODY_BYTES } from '../../src-shared/contract';

/** An error that becomes `{"error":{code,message,details}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details !== undefined) error.details = err.details;
  if (err.status === 401) res.setHeader('www-authenticate', 'Bearer realm="jarvis"');
  sendJson(res, err.status, { error });
}

/** Turns zod issues into details a person can act on: which field, what was wrong. */
export function issuesToDetails(error: z.ZodError): { field: string; problem: string }[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(root)', problem: i.message }));
}

export function describeIssues(error: z.ZodError): string {
  return issuesToDetails(error)
    .map((d) => `${d.field}: ${d.problem}`)
    .join('; ');
}

/** Reads a JSON body: requires application/json, refuses more than MAX_BODY_BYTES, reports bad JSON. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', `Send the body as JSON with "Content-Type: application/json" (got ${type ? `"${type}"` : 'none'}).`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ApiError(413, 'payload_too_large', `The body is ${declared} bytes; the limit is ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, 'payload_too_large', `The body is over the limit of ${limit} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON: ${(err as Error).message}.`);
  }
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, 'bad_request', `Invalid ${what}: ${describeIssues(result.error)}.`, issuesToDetails(result.error));
  return result.data;
}
