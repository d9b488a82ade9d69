// Memory surface: the service and store, embedders, and the secret check.
export { MemoryService, embedderFromSettings } from './service';
export type { MemoryServiceOptions } from './service';
export { MemoryStore, SecretRefusedError } from './store';
export type { Draft, Writer } from './store';
export { createEmbedder, EmbeddingError, EMBEDDING_PROVIDERS, OFFLINE_MODEL, OFFLINE_DIMENSIONS, embedOffline, offlineEmbedder } from './embeddings';
export type { Embedder, EmbedderConfig, EmbeddingProvider } from './embeddings';
export { findSecrets, describeFindings } from './secrets';
export type { SecretFinding } from './secrets';
export { normalise, dot } from './vectors';
