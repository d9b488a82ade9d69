// Canonical JSON (sorted keys, no whitespace) and the row hash that chains the audit trail.
import crypto from 'node:crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every depth, so equal values always encode to equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value, '$'));
}

function normalize(value: unknown, at: string): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${at}: ${value} cannot be encoded as JSON`);
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v, i) => normalize(v === undefined ? null : v, `${at}[${i}]`));
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v, `${at}.${key}`);
    }
    return out;
  }
  throw new TypeError(`${at}: a ${typeof value} cannot be encoded as JSON`);
}

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  id: number;
  ts: string;
  trace_id: string;
  parent_id: number | null;
  type: string;
  actor: string;
  subject: string | null;
  /** The payload exactly as stored (canonical JSON text). */
  payload: string;
  prev_hash: string;
}

/** sha256 over a fixed-order JSON array of the row's columns and the previous row's hash. */
export function rowHash(row: HashedFields): string {
  const encoded = JSON.stringify([
    row.id,
    row.ts,
    row.trace_id,
    row.parent_id,
    row.type,
    row.actor,
    row.subject,
    row.payload,
    row.prev_hash,
  ]);
  return crypto.createHash('sha256').update(encoded).digest('hex');
}
