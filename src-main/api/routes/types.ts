// What every route handler receives, and the route declaration itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../core';
import type { Agent } from '../../core/agent';
import type { SignInCodes } from '../credentials';
import type { Role } from '../../../src-shared/contract/safety';

export interface RouteContext {
  core: Core;
  agent: Agent;
  token: string;
  codes: SignInCodes;
  version: string;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Values of `:name` segments in the route's path. */
  params: Record<string, string>;
  /** Who is calling, for the audit trail: the remote address, never the token. */
  caller: string;
  /** The role of the presented token (open routes: viewer). */
  role: Role;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path with optional `:name` segments. */
  path: string;
  open?: boolean;
  /** The least role that may call it; GET defaults to viewer, everything else to member. */
  role?: Role;
  handle(ctx: RouteContext): Promise<void> | void;
}

/** Matches `/v1/agent/status/:task_id` against a pathname; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

export const queryOf = (url: URL) => Object.fromEntries(url.searchParams);
