// Memory bench: a vector query through the store (sqlite-vec sign-bit candidates, exact re-rank) at 10k and 100k memories vs brute-force cosine in TypeScript, with recall@10.
import path from 'node:path';
import { AuditLog } from '../../../src-main/core/audit';
import { openDatabase } from '../../../src-main/core/db';
import { MemoryStore, type Embedder } from '../../../src-main/core/memory';
import { CANDIDATES_PER_RESULT, MIN_CANDIDATES } from '../../../src-main/core/memory/vector-index';
import { percentile, row, timeMs, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const DIMS = 384;
const K = 10;
/** Memories added one by one through the store's own write path before the rest are loaded in bulk. */
const REAL_ADDS = 200;
const WARMUP = 5;
/** Runs per query on each side (fewer at the largest size, where the brute force is costly); the fastest counts. */
const REPEATS = 3;
const LARGE_REPEATS = 2;

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}; got "${raw}".`);
  return n;
}

/** mulberry32: a small seeded generator, so every run benches the same vectors. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sentence embeddings are not uniform on the sphere: they share a common direction, fall into topics and
 * sub-topics, and a query's nearest neighbours are only somewhat closer than the rest of its topic. This
 * draws that shape: a global offset, 200 topics × 50 sub-topics, and per-memory noise, normalised.
 */
const SHAPE = { topics: 200, subtopics: 50, global: 0.4, topic: 1, subtopic: 0.8, item: 1 } as const;

class ClusteredVectors {
  private readonly next: () => number;
  private readonly leaves: Float32Array[] = [];
  constructor(seed: number) {
    this.next = random(seed);
    const globalDir = this.gaussian(SHAPE.global);
    for (let t = 0; t < SHAPE.topics; t += 1) {
      const topic = this.gaussian(SHAPE.topic);
      for (let s = 0; s < SHAPE.subtopics; s += 1) {
        const leaf = this.gaussian(SHAPE.subtopic);
        for (let i = 0; i < DIMS; i += 1) leaf[i] = (leaf[i] ?? 0) + (topic[i] ?? 0) + (globalDir[i] ?? 0);
        this.leaves.push(leaf);
      }
    }
  }

  /** A vector of independent normals (Box–Muller, both outputs used) whose expected length is `scale`. */
  private gaussian(scale: number): Float32Array {
    const out = new Float32Array(DIMS);
    const sd = scale / Math.sqrt(DIMS);
    for (let i = 0; i < DIMS; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - this.next())) * sd;
      const a = 2 * Math.PI * this.next();
      out[i] = r * Math.cos(a);
      out[i + 1] = r * Math.sin(a);
    }
    return out;
  }

  sample(): { vector: Float32Array; leaf: number } {
    const leaf = Math.floor(this.next() * this.leaves.length);
    const v = this.gaussian(SHAPE.item);
    const centre = this.leaves[leaf] as Float32Array;
    let norm = 0;
    for (let i = 0; i < DIMS; i += 1) {
      v[i] = (v[i] ?? 0) + (centre[i] ?? 0);
      norm += (v[i] ?? 0) ** 2;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < DIMS; i += 1) v[i] = (v[i] ?? 0) / norm;
    return { vector: v, leaf };
  }
}

/** The baseline: every vector in one Float32Array, a 4-way unrolled dot product each, the top k kept by insertion. */
function bruteForce(all: Float32Array, count: number, q: Float32Array, k: number): number[] {
  const ids = new Int32Array(k).fill(-1);
  const scores = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  for (let n = 0; n < count; n += 1) {
    const o = n * DIMS;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < DIMS; i += 4) {
      s0 += (all[o + i] as number) * (q[i] as number);
      s1 += (all[o + i + 1] as number) * (q[i + 1] as number);
      s2 += (all[o + i + 2] as number) * (q[i + 2] as number);
      s3 += (all[o + i + 3] as number) * (q[i + 3] as number);
    }
    const s = s0 + s1 + s2 + s3;
    if (s <= (scores[k - 1] as number)) continue;
    let j = k - 1;
    while (j > 0 && (scores[j - 1] as number) < s) {
      scores[j] = scores[j - 1] as number;
      ids[j] = ids[j - 1] as number;
      j -= 1;
    }
    scores[j] = s;
    ids[j] = n;
  }
  return Array.from(ids);
}

/**
 * The fastest of a few runs of the same query: on a shared machine a single run's time includes whatever
 * else had the CPU, and then p99 would measure the neighbours rather than the slowest queries.
 */
function fastest<T>(repeats: number, fn: () => T): { ms: number; result: T } {
  let best = timeMs(fn);
  for (let r = 1; r < repeats; r += 1) {
    const next = timeMs(fn);
    if (next.ms < best.ms) best = next;
  }
  return best;
}

/** The bench supplies its own vectors; this stands in for the embedding provider only to name their model. */
const syntheticModel: Embedder = {
  model: `bench:clustered-${DIMS}`,
  describe: 'synthetic clustered vectors',
  embed: () => Promise.reject(new Error('the bench supplies its vectors')),
};

function memoryQuery(ctx: BenchContext): BenchRow[] {
  const sizes = [intEnv('BENCH_MEMORY_SMALL_N', 10_000, 100), intEnv('BENCH_MEMORY_N', 100_000, 100)].sort((a, b) => a - b);
  const queries = intEnv('BENCH_MEMORY_QUERIES', 100, 10);
  // Brute force over the largest size costs the most; fewer queries keep the entry well under a minute.
  const largeQueries = intEnv('BENCH_MEMORY_LARGE_QUERIES', 60, 10);
  const largest = sizes.at(-1) ?? 0;
  const data = new ClusteredVectors(20_250_101);
  const all = new Float32Array(largest * DIMS);
  const leaves = new Int32Array(largest);
  const made = timeMs(() => {
    for (let n = 0; n < largest; n += 1) {
      const { vector, leaf } = data.sample();
      all.set(vector, n * DIMS);
      leaves[n] = leaf;
    }
  });
  const probes = Array.from({ length: Math.max(queries, largeQueries) + WARMUP }, () => data.sample().vector);

  const dir = ctx.tempDir('memory');
  const db = openDatabase(path.join(dir, 'jarvis.db'));
  const audit = new AuditLog(db);
  const store = new MemoryStore({ db, audit, embedder: syntheticModel });
  const indexOf = new Map<string, number>();
  const addedUs: number[] = [];
  const insertRow = db.prepare("INSERT INTO memories (id, kind, content, metadata, created_at, expires_at, trace_id) VALUES (?, 'semantic', ?, '{}', ?, NULL, 'bench')");
  const content = (n: number) => `note ${n} about topic ${Math.floor((leaves[n] ?? 0) / SHAPE.subtopics)} subtopic ${leaves[n] ?? 0}`;
  const rows: BenchRow[] = [];
  const setup: string[] = [];
  try {
    let stored = 0;
    for (const size of sizes) {
      const insert = timeMs(() => {
        // The first memories go through the API's own write path (secret check, row, text index, vectors, audit row), timed one by one.
        for (let n = stored; n < Math.min(size, REAL_ADDS); n += 1) {
          const t0 = process.hrtime.bigint();
          const memory = store.insert(store.check({ kind: 'semantic', content: content(n) }, { actor: 'bench' }), all.subarray(n * DIMS, (n + 1) * DIMS), syntheticModel.model, { actor: 'bench' });
          addedUs.push(Number(process.hrtime.bigint() - t0) / 1000);
          indexOf.set(memory.id, n);
        }
        // The rest in bulk: the same row (its trigger fills the text index) and the same VectorIndex.put, in
        // large transactions without a per-memory audit row, which only this setup would pay for.
        const created = new Date().toISOString();
        for (let from = Math.max(stored, REAL_ADDS); from < size; from += 10_000) {
          db.transaction(() => {
            for (let n = from; n < Math.min(size, from + 10_000); n += 1) {
              const { lastInsertRowid } = insertRow.run(`mem_bench_${n}`, content(n), created);
              store.vectors.put(Number(lastInsertRowid), 'semantic', syntheticModel.model, all.subarray(n * DIMS, (n + 1) * DIMS));
              indexOf.set(`mem_bench_${n}`, n);
            }
          })();
        }
      });
      ctx.log(`${size} memories stored (${(insert.ms / 1000).toFixed(1)} s for ${size - stored})`);
      stored = size;

      const storeMs: number[] = [];
      const bruteMs: number[] = [];
      let hits = 0;
      const asked = size === largest ? largeQueries : queries;
      const repeats = size === largest ? LARGE_REPEATS : REPEATS;
      probes.slice(0, asked + WARMUP).forEach((q, i) => {
        const ours = fastest(repeats, () => store.search({ vector: q, model: syntheticModel.model, text: null, k: K, mode: 'vector' }));
        const exact = fastest(repeats, () => bruteForce(all, size, q, K));
        if (i < WARMUP) return;
        hits += ours.result.filter((r) => exact.result.includes(indexOf.get(r.memory.id) ?? -1)).length;
        storeMs.push(ours.ms);
        bruteMs.push(exact.ms);
      });
      const recall = hits / (asked * K);
      const label = size >= 1000 ? `${size / 1000}k` : String(size);
      const what = `plain TypeScript exact search over the same ${DIMS}-d unit vectors held in one Float32Array: a 4-way unrolled dot product per vector and an insertion top-${K}`;
      const baseline = (value: number) => ({ name: 'brute-force cosine', value, unit: 'ms', what });
      rows.push(
        row(`memory query p50 @${label}`, percentile(storeMs, 50), 'ms', baseline(percentile(bruteMs, 50)), { of: 'ratio', op: '<=', target: 0.5 }),
        row(`memory query p99 @${label}`, percentile(storeMs, 99), 'ms', baseline(percentile(bruteMs, 99)), { of: 'ratio', op: '<=', target: 0.5 }),
        row(
          `recall@${K} @${label}`,
          recall,
          'recall',
          { name: 'exact search', value: 1, unit: 'recall', what: `the brute-force top ${K} of each query (exact, so its recall is 1 by definition)` },
          { of: 'value', op: '>=', target: 0.95 },
        ),
      );
      setup.push(`${label} after ${(insert.ms / 1000).toFixed(1)} s`);
    }
  } finally {
    db.close();
  }
  ctx.note(
    `memory query = MemoryStore.search in vector mode on a real SQLite file: purge check, sqlite-vec vec0 KNN over ${DIMS}-bit sign codes for ` +
      `max(${MIN_CANDIDATES}, ${CANDIDATES_PER_RESULT}×k) candidates, exact cosine re-rank from memory_embeddings, rows loaded; k = ${K}; ` +
      `${queries} queries (${largeQueries} at the largest size) after ${WARMUP} warm-ups; each query is run ${REPEATS} times (${LARGE_REPEATS} at the largest size) on each side and its fastest run counts, so the ` +
      `percentiles spread over queries, not over moments when other processes had the CPU; the query vectors are fresh draws, not stored memories.`,
  );
  ctx.note(
    `vectors: clustered, seeded — a shared offset (length ${SHAPE.global}), ${SHAPE.topics} topics (${SHAPE.topic}) × ${SHAPE.subtopics} sub-topics (${SHAPE.subtopic}) ` +
      `and per-memory noise (${SHAPE.item}), normalised; ${largest} made in ${(made.ms / 1000).toFixed(1)} s.`,
  );
  ctx.note(
    `setup: the first ${REAL_ADDS} memories were added through MemoryStore.check + insert (secret check, row, FTS5, exact vector, sign bits, audit row in one ` +
      `transaction each): p50 ${percentile(addedUs, 50).toFixed(0)} µs, p99 ${percentile(addedUs, 99).toFixed(0)} µs per add, durable commit included; the rest in bulk transactions; stores ready at ${setup.join(', then ')}.`,
  );
  return rows;
}

export const entries: BenchEntry[] = [
  {
    name: 'memory-query',
    title: `memory vector query at 10k and 100k memories (${DIMS}-d, clustered) vs brute-force cosine in TypeScript, with recall@${K}`,
    run: memoryQuery,
  },
];
