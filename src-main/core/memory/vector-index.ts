// The vector lane: exact vectors in memory_embeddings, sign bits in a sqlite-vec vec0 table; Hamming candidates re-ranked by exact cosine.
import type { MemoryKind } from '../../../src-shared/contract/memory';
import { stmt, type Db } from '../db';
import { bitWidth, dot, fromBlob, signBits, toBlob } from './vectors';

export interface VectorHit {
  seq: number;
  similarity: number;
}

/**
 * Candidates fetched per result wanted. Sign bits keep the angle only roughly, so the exact top k is
 * looked for among many more; sqlite-vec's scan costs grow with the candidate count, so not too many.
 */
export const CANDIDATES_PER_RESULT = 8;
export const MIN_CANDIDATES = 64;
/** sqlite-vec's ceiling on k. */
const MAX_CANDIDATES = 4096;

const STATE = 'SELECT model, bits FROM memory_vector_index WHERE id = 1';
const KNN = 'SELECT rowid FROM memory_vec WHERE embedding MATCH vec_bit(?) AND k = ?';
const KNN_KINDS = 'SELECT rowid FROM memory_vec WHERE embedding MATCH vec_bit(?) AND k = ? AND kind IN (SELECT value FROM json_each(?))';
const EXACT = 'SELECT memory_seq AS seq, vector FROM memory_embeddings WHERE memory_seq IN (SELECT value FROM json_each(?)) AND model = ?';
const PUT_EXACT = 'INSERT OR REPLACE INTO memory_embeddings (memory_seq, model, dims, vector) VALUES (?, ?, ?, ?)';
const PUT_BITS = 'INSERT INTO memory_vec (rowid, kind, embedding) VALUES (?, ?, vec_bit(?))';
const DROP_BITS = 'DELETE FROM memory_vec WHERE rowid = ?';

export class VectorIndex {
  constructor(private readonly db: Db) {}

  /** The model whose vectors the vec0 table holds, and its width in bits. */
  state(): { model: string | null; bits: number } {
    return stmt(this.db, STATE).get() as { model: string | null; bits: number };
  }

  /**
   * Stores a memory's unit vector and its sign bits. The first vector of another model (or width)
   * recreates the vec0 table for it and refills it with what that model already embedded; call this
   * inside the transaction that writes the memory, so nothing is ever half-indexed.
   */
  put(seq: number, kind: MemoryKind, model: string, vector: Float32Array): void {
    const bits = bitWidth(vector.length);
    const state = this.state();
    if (state.model !== model || state.bits !== bits) this.rebuild(model, bits, state);
    stmt(this.db, PUT_EXACT).run(seq, model, vector.length, toBlob(vector));
    stmt(this.db, DROP_BITS).run(BigInt(seq));
    stmt(this.db, PUT_BITS).run(BigInt(seq), kind, signBits(vector, bits));
  }

  private rebuild(model: string, bits: number, state: { model: string | null; bits: number }): void {
    if (state.bits !== bits || state.model !== null) {
      this.db.exec(`DROP TABLE memory_vec; CREATE VIRTUAL TABLE memory_vec USING vec0(kind text, embedding bit[${bits}])`);
    }
    stmt(this.db, 'UPDATE memory_vector_index SET model = ?, bits = ? WHERE id = 1').run(model, bits);
    const existing = stmt(this.db, 'SELECT e.memory_seq AS seq, m.kind, e.vector FROM memory_embeddings e JOIN memories m ON m.seq = e.memory_seq WHERE e.model = ?').all(model) as {
      seq: number;
      kind: string;
      vector: Buffer;
    }[];
    for (const row of existing) stmt(this.db, PUT_BITS).run(BigInt(row.seq), row.kind, signBits(fromBlob(row.vector), bits));
  }

  /** The nearest stored vectors of `model` to a unit query vector, best first, by exact cosine. */
  search(model: string, query: Float32Array, options: { limit: number; kinds?: readonly MemoryKind[] | undefined }): VectorHit[] {
    const state = this.state();
    if (state.model !== model || bitWidth(query.length) !== state.bits) return [];
    const candidates = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, options.limit * CANDIDATES_PER_RESULT));
    const code = signBits(query, state.bits);
    const rows = (options.kinds ? stmt(this.db, KNN_KINDS).all(code, candidates, JSON.stringify(options.kinds)) : stmt(this.db, KNN).all(code, candidates)) as { rowid: number }[];
    if (rows.length === 0) return [];
    const exact = stmt(this.db, EXACT).all(JSON.stringify(rows.map((r) => r.rowid)), model) as { seq: number; vector: Buffer }[];
    return exact
      .map((r) => ({ seq: r.seq, similarity: dot(query, fromBlob(r.vector)) }))
      .sort((a, b) => b.similarity - a.similarity || a.seq - b.seq)
      .slice(0, options.limit);
  }

  /** Memories whose vector is missing or was made by another model, oldest first. */
  stale(model: string, limit: number): { seq: number; kind: MemoryKind; content: string }[] {
    return stmt(
      this.db,
      `SELECT m.seq, m.kind, m.content FROM memories m LEFT JOIN memory_embeddings e ON e.memory_seq = m.seq
       WHERE e.model IS NULL OR e.model <> ? ORDER BY m.seq LIMIT ?`,
    ).all(model, limit) as { seq: number; kind: MemoryKind; content: string }[];
  }

  staleCount(model: string): number {
    return stmt(this.db, 'SELECT COUNT(*) FROM memories m LEFT JOIN memory_embeddings e ON e.memory_seq = m.seq WHERE e.model IS NULL OR e.model <> ?').pluck().get(model) as number;
  }
}
