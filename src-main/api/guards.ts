// Request guards: loopback Host and Origin (DNS-rebinding defence) and the bearer token, compared in constant time.
import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from '../../src-shared/contract/safety';

export type GuardFailure = { status: 401 | 403; reason: string; message: string };

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** Host must name this loopback server; Origin, when a browser sends one, must be this server too. */
export function checkHostAndOrigin(headers: IncomingHttpHeaders, port: number): GuardFailure | null {
  const host = (headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).has(host)) {
    return { status: 403, reason: 'foreign_host', message: `Host "${host}" is not this server; use http://127.0.0.1:${port}.` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { status: 403, reason: 'foreign_origin', message: `Requests from origin "${origin}" are not allowed; only this server's own pages may call it.` };
  }
  return null;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal, so length leaks nothing either). */
export function tokenMatches(presented: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}

export function bearerFrom(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization;
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}


/** Resolves a presented token to its role: the install token is the owner; others are looked up by hash. */
export function roleOfToken(presented: string, installToken: string, tokens: { roleOf(token: string): Role | null }): Role | null {
  if (tokenMatches(presented, installToken)) return 'owner';
  return tokens.roleOf(presented);
}

export function authenticate(headers: IncomingHttpHeaders, installToken: string, tokens: { roleOf(token: string): Role | null }): GuardFailure | { role: Role } {
  const presented = bearerFrom(headers);
  if (presented === null) {
    return { status: 401, reason: 'missing_token', message: 'This route needs "Authorization: Bearer <token>"; the token is in the api-token file of the Jarvis data folder.' };
  }
  const role = roleOfToken(presented, installToken, tokens);
  if (role === null) return { status: 401, reason: 'wrong_token', message: 'The bearer token is not valid for this Jarvis; read it again from the api-token file.' };
  return { role };
}
