// The text lane: FTS5 with BM25 over memory content, queried with the words of the request (never FTS syntax).
import type { MemoryKind } from '../../../src-shared/contract/memory';
import { stmt, type Db } from '../db';

const MAX_TERMS = 32;

/**
 * An FTS5 query matching any of the text's words. Each word is quoted, so operators, columns and
 * unbalanced quotes in what a person typed are plain words rather than syntax errors.
 */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const unique = [...new Set(words.map((w) => w.toLowerCase()))].slice(0, MAX_TERMS);
  return unique.map((w) => `"${w}"`).join(' OR ');
}

const SEARCH = `SELECT f.rowid AS seq FROM memory_fts f JOIN memories m ON m.seq = f.rowid
  WHERE memory_fts MATCH ? AND (m.expires_at IS NULL OR m.expires_at > ?) ORDER BY bm25(memory_fts), f.rowid LIMIT ?`;
const SEARCH_KINDS = `SELECT f.rowid AS seq FROM memory_fts f JOIN memories m ON m.seq = f.rowid
  WHERE memory_fts MATCH ? AND (m.expires_at IS NULL OR m.expires_at > ?) AND m.kind IN (SELECT value FROM json_each(?))
  ORDER BY bm25(memory_fts), f.rowid LIMIT ?`;

/** Memory rows matching the text's words, best BM25 first. */
export function searchText(db: Db, text: string, options: { limit: number; now: string; kinds?: readonly MemoryKind[] | undefined }): number[] {
  const query = ftsQuery(text);
  if (!query) return [];
  const rows = options.kinds ? stmt(db, SEARCH_KINDS).all(query, options.now, JSON.stringify(options.kinds), options.limit) : stmt(db, SEARCH).all(query, options.now, options.limit);
  return (rows as { seq: number }[]).map((r) => r.seq);
}
