// For store tests: answers ApiClient.call from a script of routes, each answer checked against the contract's schema as the real client does.
import type { ZodType } from 'zod';
import { ApiError, type ApiClient, type ApiErrorCode, type HttpMethod } from './api';

export type ScriptedAnswer = unknown | ((body: unknown, path: string) => unknown);

/** A refusal the script returns for a route: thrown as the client would throw it. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly message: string,
  ) {}
}

export interface ScriptedServer {
  api: Pick<ApiClient, 'call'>;
  /** Every request in order: `METHOD path` and the body sent. */
  requests: { route: string; body: unknown }[];
  /** Replaces or adds the answer for `METHOD path` (the path without its query, or with it to match exactly). */
  answer(route: string, answer: ScriptedAnswer): void;
}

export function scriptedServer(routes: Record<string, ScriptedAnswer> = {}): ScriptedServer {
  const table = new Map(Object.entries(routes));
  const requests: { route: string; body: unknown }[] = [];
  const api: Pick<ApiClient, 'call'> = {
    async call<T>(method: HttpMethod, path: string, schema: ZodType<T>, body?: unknown): Promise<T> {
      const exact = `${method} ${path}`;
      const bare = `${method} ${path.split('?')[0] ?? path}`;
      requests.push({ route: exact, body });
      const entry = table.has(exact) ? table.get(exact) : table.get(bare);
      if (entry === undefined) throw new ApiError(404, 'not_found', `No route ${exact} in this script.`);
      const value = typeof entry === 'function' ? (entry as (b: unknown, p: string) => unknown)(body, path) : entry;
      const settled = await value;
      if (settled instanceof Refusal) throw new ApiError(settled.status, settled.code, settled.message);
      if (settled instanceof Error) throw settled;
      const parsed = schema.safeParse(settled);
      if (!parsed.success) throw new ApiError(200, 'bad_response', `Jarvis sent an unexpected answer for ${path}.`);
      return parsed.data;
    },
  };
  return { api, requests, answer: (route, answer) => void table.set(route, answer) };
}
