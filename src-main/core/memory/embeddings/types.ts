// The one small interface every embedding provider implements, and the error they all raise.

export interface Embedder {
  /** Stored beside every vector it makes; when the configured one differs, stored memories are re-embedded. */
  readonly model: string;
  /** Where it runs, for messages and the API (provider and address; never a key). */
  readonly describe: string;
  /** One vector per text, in order. Providers return them as they come; the store normalises them. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal | undefined }): Promise<Float32Array[]>;
}

/** A provider could not be reached or gave an unusable answer; the message says which and why. */
export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';
  constructor(
    message: string,
    /** Worth trying again later (timeouts, 429, 5xx, refused connections), as opposed to a wrong key or model. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
