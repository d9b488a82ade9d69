// The memory store: add (secrets refused), query (vectors and text fused), list, forget, expiry and re-embedding, every write audited.
import {
  EPHEMERAL_DEFAULT_TTL_SECONDS,
  MemoryAddRequest,
  MemoryQueryRequest,
  type Memory,
  type MemoryIndexStatus,
  type MemoryKind,
  type MemoryList,
  type MemoryQueryMode,
  type MemoryQueryResponse,
  type MemoryQueryResult,
} from '../../../src-shared/contract/memory';
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import { EmbeddingError, type Embedder } from './embeddings';
import { fuse } from './fusion';
import { describeFindings, findSecrets, type SecretFinding } from './secrets';
import { searchText } from './text-index';
import { VectorIndex } from './vector-index';
import { normalise } from './vectors';

/** The memory looked like it held a secret and the request did not allow that; nothing was stored. */
export class SecretRefusedError extends Error {
  override readonly name = 'SecretRefusedError';
  constructor(readonly findings: SecretFinding[]) {
    super(
      `Refused: ${describeFindings(findings)}. Memories are kept in plain text, indexed and sent to the embedding provider, ` +
        'so secrets do not belong there. Remove it, or send "allow_secret": true to store it anyway.',
    );
  }
}

/** Who is writing, for the audit trail. */
export interface Writer {
  actor: string;
  traceId?: string | undefined;
}

/** A checked memory, ready to be embedded and written. */
export interface Draft {
  id: string;
  kind: MemoryKind;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
  expiresAt: string | null;
  traceId: string;
  secretsAllowed: number;
}

interface Row {
  seq: number;
  id: string;
  kind: MemoryKind;
  content: string;
  metadata: string;
  created_at: string;
  expires_at: string | null;
  embedding_model: string | null;
}

const SELECT = `SELECT m.seq, m.id, m.kind, m.content, m.metadata, m.created_at, m.expires_at, e.model AS embedding_model
  FROM memories m LEFT JOIN memory_embeddings e ON e.memory_seq = m.seq`;

const toMemory = (r: Row): Memory => ({
  id: r.id,
  kind: r.kind,
  content: r.content,
  metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  created_at: r.created_at,
  expires_at: r.expires_at,
  embedding_model: r.embedding_model,
});

/** Lanes run deeper than k in hybrid mode, so something ranked well by one lane and poorly by the other still fuses. */
const laneDepth = (k: number, mode: MemoryQueryMode) => (mode === 'hybrid' ? Math.max(2 * k, 20) : k);

export interface MemoryStoreOptions {
  db: Db;
  audit: AuditLog;
  embedder: Embedder;
  now?: () => number;
}

export class MemoryStore {
  readonly vectors: VectorIndex;
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly now: () => number;
  readonly embedder: Embedder;

  constructor(options: MemoryStoreOptions) {
    this.db = options.db;
    this.audit = options.audit;
    this.embedder = options.embedder;
    this.now = options.now ?? Date.now;
    this.vectors = new VectorIndex(this.db);
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Validates a request and refuses secrets (audited without the content); nothing is written for a valid one yet. */
  check(input: unknown, writer: Writer): Draft {
    const req = MemoryAddRequest.parse(input);
    const traceId = writer.traceId ?? newId();
    const findings = findSecrets(req.content, req.metadata);
    if (findings.length > 0 && !req.allow_secret) {
      this.audit.append({
        type: 'memory.refused',
        actor: writer.actor,
        traceId,
        payload: { reason: 'looks_like_secret', kind: req.kind, chars: req.content.length, findings: findings.map((f) => ({ field: f.field, looks_like: f.what })) },
      });
      throw new SecretRefusedError(findings);
    }
    const created = this.now();
    const ttl = req.ttl_seconds ?? (req.kind === 'ephemeral' && req.expires_at === undefined ? EPHEMERAL_DEFAULT_TTL_SECONDS : undefined);
    const expires = req.expires_at !== undefined ? Date.parse(req.expires_at) : ttl !== undefined ? created + ttl * 1000 : null;
    if (expires !== null && expires <= created) throw new RangeError('expires_at is in the past; a memory must expire later than now.');
    return {
      id: `mem_${newId().replaceAll('-', '')}`,
      kind: req.kind,
      content: req.content,
      metadata: req.metadata,
      createdAt: new Date(created).toISOString(),
      expiresAt: expires === null ? null : new Date(expires).toISOString(),
      traceId,
      secretsAllowed: findings.length,
    };
  }

  /** Writes a checked memory with its vector: row, text index, vector and `memory.added` commit together or not at all. */
  insert(draft: Draft, vector: Float32Array, model: string, writer: Writer): Memory {
    const unit = normalise(vector);
    return this.audit.transaction(() => {
      const { lastInsertRowid } = stmt(this.db, 'INSERT INTO memories (id, kind, content, metadata, created_at, expires_at, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        draft.id,
        draft.kind,
        draft.content,
        JSON.stringify(draft.metadata),
        draft.createdAt,
        draft.expiresAt,
        draft.traceId,
      );
      this.vectors.put(Number(lastInsertRowid), draft.kind, model, unit);
      // Never the content: the trail is append-only, and a forgotten memory must not live on in it.
      this.audit.append({
        type: 'memory.added',
        actor: writer.actor,
        subject: draft.id,
        traceId: draft.traceId,
        payload: {
          id: draft.id,
          kind: draft.kind,
          chars: draft.content.length,
          metadata_keys: Object.keys(draft.metadata),
          expires_at: draft.expiresAt,
          embedding_model: model,
          ...(draft.secretsAllowed > 0 ? { secret_allowed: true, findings: draft.secretsAllowed } : {}),
        },
      });
      return {
        id: draft.id,
        kind: draft.kind,
        content: draft.content,
        metadata: draft.metadata,
        created_at: draft.createdAt,
        expires_at: draft.expiresAt,
        embedding_model: model,
      };
    });
  }

  /** Checks, embeds (the secret check comes first, so a refused secret never reaches the provider) and writes. */
  async add(input: unknown, writer: Writer): Promise<Memory> {
    const draft = this.check(input, writer);
    const embedder = this.embedder;
    const [vector] = await embedder.embed([draft.content]);
    if (!vector) throw new EmbeddingError(`The embedding provider (${embedder.describe}) returned no vector.`, false);
    return this.insert(draft, vector, embedder.model, writer);
  }

  /** Embeds the text and searches; in hybrid mode a provider failure leaves the text lane, with a warning. */
  async query(input: unknown): Promise<MemoryQueryResponse> {
    const req = MemoryQueryRequest.parse(input);
    const embedder = this.embedder;
    const warnings: string[] = [];
    let vector: Float32Array | null = null;
    if (req.mode !== 'text') {
      try {
        const [raw] = await embedder.embed([req.text]);
        vector = raw ? normalise(raw) : null;
      } catch (err) {
        if (req.mode === 'vector' || !(err instanceof EmbeddingError)) throw err;
        warnings.push(`Only the text lane ran: ${err.message}`);
      }
    }
    const results = this.search({ vector, model: embedder.model, text: req.mode === 'vector' ? null : req.text, k: req.k, kinds: req.kinds, mode: req.mode });
    return { mode: req.mode, model: embedder.model, results, warnings };
  }

  /** The search behind query, on a unit vector already made: both lanes, fused, expired memories purged first. */
  search(req: { vector: Float32Array | null; model: string; text: string | null; k: number; kinds?: readonly MemoryKind[] | undefined; mode: MemoryQueryMode }): MemoryQueryResult[] {
    this.purgeExpired();
    const depth = laneDepth(req.k, req.mode);
    const now = this.nowIso();
    const vectorHits = req.vector && req.mode !== 'text' ? this.vectors.search(req.model, req.vector, { limit: depth, kinds: req.kinds }) : [];
    const textHits = req.text && req.mode !== 'vector' ? searchText(this.db, req.text, { limit: depth, now, kinds: req.kinds }) : [];
    const fused = fuse([vectorHits.map((h) => h.seq), textHits]).slice(0, req.k);
    if (fused.length === 0) return [];
    const similarity = new Map(vectorHits.map((h) => [h.seq, h.similarity]));
    const rows = stmt(this.db, `${SELECT} WHERE m.seq IN (SELECT value FROM json_each(?)) AND (m.expires_at IS NULL OR m.expires_at > ?)`).all(
      JSON.stringify(fused.map((f) => f.seq)),
      now,
    ) as Row[];
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    return fused.flatMap((f) => {
      const row = bySeq.get(f.seq);
      if (!row) return [];
      const [vRank, tRank] = f.ranks;
      return [
        {
          memory: toMemory(row),
          score: f.score,
          vector: vRank ? { rank: vRank, similarity: similarity.get(f.seq) ?? 0 } : null,
          text: tRank ? { rank: tRank } : null,
        },
      ];
    });
  }

  get(id: string): Memory | null {
    const row = stmt(this.db, `${SELECT} WHERE m.id = ?`).get(id) as Row | undefined;
    return row && (row.expires_at === null || row.expires_at > this.nowIso()) ? toMemory(row) : null;
  }

  /** Newest first; `before` pages on from a memory id. */
  list(q: { kind?: MemoryKind | undefined; limit: number; before?: string | undefined }): MemoryList {
    this.purgeExpired();
    const before = q.before === undefined ? null : ((stmt(this.db, 'SELECT seq FROM memories WHERE id = ?').pluck().get(q.before) as number | undefined) ?? -1);
    const rows = stmt(this.db, `${SELECT} WHERE (? IS NULL OR m.kind = ?) AND (? IS NULL OR m.seq < ?) ORDER BY m.seq DESC LIMIT ?`).all(
      q.kind ?? null,
      q.kind ?? null,
      before,
      before,
      q.limit,
    ) as Row[];
    const total = stmt(this.db, 'SELECT COUNT(*) FROM memories WHERE (? IS NULL OR kind = ?)').pluck().get(q.kind ?? null, q.kind ?? null) as number;
    return { memories: rows.map(toMemory), total, index: this.status() };
  }

  status(): MemoryIndexStatus {
    return { model: this.embedder.model, provider: this.embedder.describe, pending: this.vectors.staleCount(this.embedder.model) };
  }

  /** Deletes a memory; the schema's trigger and cascade take its text-index row and vectors in the same transaction. */
  forget(id: string, writer: Writer): Memory | null {
    return this.audit.transaction(() => {
      const row = stmt(this.db, `${SELECT} WHERE m.id = ?`).get(id) as Row | undefined;
      if (!row) return null;
      stmt(this.db, 'DELETE FROM memories WHERE seq = ?').run(row.seq);
      this.audit.append({ type: 'memory.forgotten', actor: writer.actor, subject: id, traceId: writer.traceId ?? newId(), payload: { id, kind: row.kind } });
      return toMemory(row);
    });
  }

  /** Deletes what has expired (with its index rows), audited as one `memory.expired`; returns how many. */
  purgeExpired(): number {
    const now = this.nowIso();
    const due = stmt(this.db, 'SELECT 1 FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT 1').get(now);
    if (!due) return 0;
    return this.audit.transaction(() => {
      const ids = stmt(this.db, 'SELECT id FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY seq').pluck().all(now) as string[];
      if (ids.length === 0) return 0;
      stmt(this.db, 'DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
      this.audit.append({ type: 'memory.expired', actor: 'system', payload: { count: ids.length, ids: ids.slice(0, 100) } });
      return ids.length;
    });
  }

  /**
   * Re-embeds memories whose vector is missing or was made by another model, a batch at a time; each
   * batch commits on its own, so an interruption loses nothing and the next run carries on.
   */
  async reembed(options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<number> {
    const batchSize = options.batchSize ?? 64;
    const embedder = this.embedder;
    const from = new Set<string>();
    let done = 0;
    for (;;) {
      const batch = this.vectors.stale(embedder.model, batchSize);
      if (batch.length === 0) break;
      for (const m of stmt(this.db, 'SELECT DISTINCT model FROM memory_embeddings WHERE memory_seq IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(batch.map((b) => b.seq))) as string[]) from.add(m);
      const vectors = await embedder.embed(
        batch.map((b) => b.content),
        { signal: options.signal },
      );
      if (options.signal?.aborted) break;
      this.audit.transaction(() => {
        batch.forEach((b, i) => {
          const vector = vectors[i];
          // Forgotten while its vector was being made: nothing to index.
          const alive = stmt(this.db, 'SELECT 1 FROM memories WHERE seq = ?').get(b.seq);
          if (vector && alive) this.vectors.put(b.seq, b.kind, embedder.model, normalise(vector));
        });
      });
      done += batch.length;
    }
    if (done > 0) this.audit.append({ type: 'memory.reembedded', actor: 'system', payload: { count: done, to: embedder.model, from: [...from].sort() } });
    return done;
  }
}
