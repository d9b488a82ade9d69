// Memory as clients see it: add, query (vectors, text or both fused), list and forget.
import { z } from 'zod';

export const MEMORY_KINDS = ['ephemeral', 'episodic', 'semantic', 'preference'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];
export const MEMORY_QUERY_MODES = ['hybrid', 'vector', 'text'] as const;
export type MemoryQueryMode = (typeof MEMORY_QUERY_MODES)[number];

export const MEMORY_PATHS = {
  memory: '/v1/memory',
  add: '/v1/memory/add',
  query: '/v1/memory/query',
} as const;

export const MAX_MEMORY_CHARS = 20_000;
export const MAX_MEMORY_METADATA_BYTES = 16 * 1024;
/** Ephemeral memories without an expiry of their own are kept this long. */
export const EPHEMERAL_DEFAULT_TTL_SECONDS = 24 * 3600;

const Kind = z.enum(MEMORY_KINDS, { error: `kind must be one of ${MEMORY_KINDS.join(', ')}` });

export const MemoryAddRequest = z
  .strictObject({
    kind: Kind.default('semantic'),
    content: z
      .string({ error: 'content must be a string' })
      .trim()
      .min(1, 'content must not be empty')
      .max(MAX_MEMORY_CHARS, `content must be at most ${MAX_MEMORY_CHARS} characters`),
    metadata: z
      .record(z.string(), z.json())
      .refine((m) => JSON.stringify(m).length <= MAX_MEMORY_METADATA_BYTES, `metadata must be at most ${MAX_MEMORY_METADATA_BYTES} bytes as JSON`)
      .default({}),
    /** When it is forgotten by itself; ephemeral memories default to 24 hours, the others to never. */
    expires_at: z.iso.datetime({ offset: true, error: 'expires_at must be an ISO 8601 time with a zone, e.g. 2030-01-31T09:00:00Z' }).optional(),
    ttl_seconds: z.number().int().min(1).max(10 * 365 * 24 * 3600).optional(),
    /** Store it even though it looks like it holds a secret (an API key, password, private key…). */
    allow_secret: z.boolean().default(false),
  })
  .refine((r) => r.expires_at === undefined || r.ttl_seconds === undefined, { message: 'give expires_at or ttl_seconds, not both', path: ['ttl_seconds'] });
export type MemoryAddRequest = z.input<typeof MemoryAddRequest>;

export const Memory = z.object({
  id: z.string(),
  kind: z.enum(MEMORY_KINDS),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  /** The model its vector was made with; null while it waits to be (re-)embedded. */
  embedding_model: z.string().nullable(),
});
export type Memory = z.infer<typeof Memory>;

export const MemoryQueryRequest = z.strictObject({
  text: z.string().trim().min(1, 'text must not be empty').max(MAX_MEMORY_CHARS),
  k: z.number().int().min(1).max(50).default(5),
  kinds: z.array(Kind).min(1).optional(),
  /** hybrid: vectors and full text fused by reciprocal rank; vector or text: one of them alone. */
  mode: z.enum(MEMORY_QUERY_MODES, { error: `mode must be one of ${MEMORY_QUERY_MODES.join(', ')}` }).default('hybrid'),
});
export type MemoryQueryRequest = z.input<typeof MemoryQueryRequest>;

export const MemoryQueryResult = z.object({
  memory: Memory,
  /** Reciprocal-rank-fusion score: Σ 1/(60 + rank) over the lanes that found it. */
  score: z.number(),
  /** Its place among the nearest vectors (1 = nearest) and the cosine similarity; null if that lane did not find it. */
  vector: z.object({ rank: z.number().int(), similarity: z.number() }).nullable(),
  /** Its place in the full-text (BM25) ranking; null if that lane did not find it. */
  text: z.object({ rank: z.number().int() }).nullable(),
});
export type MemoryQueryResult = z.infer<typeof MemoryQueryResult>;

export const MemoryQueryResponse = z.object({
  mode: z.enum(MEMORY_QUERY_MODES),
  /** The embedding model the query was embedded with. */
  model: z.string(),
  results: z.array(MemoryQueryResult),
  /** Why a lane was skipped (e.g. the embedding provider did not answer, so only the text lane ran). */
  warnings: z.array(z.string()),
});
export type MemoryQueryResponse = z.infer<typeof MemoryQueryResponse>;

export const MemoryListQuery = z.strictObject({
  kind: Kind.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** A memory id: list the ones stored before it (the next page). */
  before: z.string().min(1).optional(),
});

export const MemoryIndexStatus = z.object({
  /** The configured embedding model and where it runs. */
  model: z.string(),
  provider: z.string(),
  /** Memories whose vector is missing or from another model, waiting to be re-embedded. */
  pending: z.number().int(),
});
export type MemoryIndexStatus = z.infer<typeof MemoryIndexStatus>;

export const MemoryList = z.object({
  memories: z.array(Memory),
  total: z.number().int(),
  index: MemoryIndexStatus,
});
export type MemoryList = z.infer<typeof MemoryList>;
