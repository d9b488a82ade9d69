// Picks the embedder the settings name: an OpenAI-compatible server, Ollama, or the offline fallback.
import { offlineEmbedder } from './offline';
import { ollamaEmbedder, openAiEmbedder } from './remote';
import type { Embedder } from './types';

export const EMBEDDING_PROVIDERS = ['offline', 'openai', 'ollama'] as const;
export type EmbeddingProvider = (typeof EMBEDDING_PROVIDERS)[number];

export interface EmbedderConfig {
  provider: EmbeddingProvider;
  /** Empty: the provider's usual address. */
  baseUrl: string;
  /** Empty: the provider's usual embedding model. */
  model: string;
  timeoutMs: number;
  /** Only ever sent to the provider; kept out of settings, messages and the audit trail. */
  apiKey?: string | undefined;
}

const DEFAULTS: Record<Exclude<EmbeddingProvider, 'offline'>, { baseUrl: string; model: string }> = {
  openai: { baseUrl: 'https://api.openai.com/v1', model: 'text-embedding-3-small' },
  ollama: { baseUrl: 'http://127.0.0.1:11434', model: 'nomic-embed-text' },
};

export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.provider) {
    case 'offline':
      return offlineEmbedder();
    case 'openai':
    case 'ollama': {
      const defaults = DEFAULTS[config.provider];
      const options = { baseUrl: config.baseUrl || defaults.baseUrl, model: config.model || defaults.model, apiKey: config.apiKey, timeoutMs: config.timeoutMs };
      return config.provider === 'openai' ? openAiEmbedder(options) : ollamaEmbedder(options);
    }
    default: {
      const never: never = config.provider;
      throw new Error(`Unknown embedding provider ${JSON.stringify(never)}; expected one of ${EMBEDDING_PROVIDERS.join(', ')}.`);
    }
  }
}

export { EmbeddingError } from './types';
export type { Embedder } from './types';
export { OFFLINE_MODEL, OFFLINE_DIMENSIONS, embedOffline, offlineEmbedder } from './offline';
export { openAiEmbedder, ollamaEmbedder } from './remote';
