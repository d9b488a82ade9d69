// Memory as a running service: the store, plus background re-embedding after a model change and a sweep of expired memories.
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import { createEmbedder, type EmbedderConfig, type Embedder } from './embeddings';
import { MemoryStore } from './store';

export interface MemoryServiceOptions {
  db: Db;
  audit: AuditLog;
  embedder: Embedder;
  /** How often expired memories are swept and a failed re-embedding is tried again. */
  sweepMs?: number;
  now?: () => number;
}

/** The embedder the settings name; the API key comes from JARVIS_EMBEDDING_API_KEY so it never sits in config.json. */
export function embedderFromSettings(
  settings: { embeddingProvider: EmbedderConfig['provider']; embeddingBaseUrl: string; embeddingModel: string; embeddingTimeoutMs: number },
  env: NodeJS.ProcessEnv = process.env,
): Embedder {
  return createEmbedder({
    provider: settings.embeddingProvider,
    baseUrl: settings.embeddingBaseUrl,
    model: settings.embeddingModel,
    timeoutMs: settings.embeddingTimeoutMs,
    apiKey: env.JARVIS_EMBEDDING_API_KEY || undefined,
  });
}

export class MemoryService {
  readonly store: MemoryStore;
  private readonly audit: AuditLog;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastFailure: string | null = null;
  private stopped = false;
  private readonly cancel = new AbortController();

  constructor(private readonly options: MemoryServiceOptions) {
    this.audit = options.audit;
    this.store = new MemoryStore({ db: options.db, audit: options.audit, embedder: options.embedder, ...(options.now ? { now: options.now } : {}) });
  }

  start(): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.sweepMs ?? 60_000);
    this.timer.unref();
  }

  /** Sweeps expired memories and, when vectors are missing or stale and no run is under way, re-embeds them. */
  private tick(): void {
    try {
      this.store.purgeExpired();
      if (!this.running && this.store.status().pending > 0) this.running = this.reembed().finally(() => (this.running = null));
    } catch (err) {
      console.error('memory upkeep failed:', (err as Error).message);
    }
  }

  private async reembed(): Promise<void> {
    try {
      await this.store.reembed({ signal: this.cancel.signal });
      this.lastFailure = null;
    } catch (err) {
      if (this.stopped) return;
      const message = (err as Error).message;
      // Audited once per distinct failure, not every sweep, so a provider that is down does not flood the trail.
      if (message !== this.lastFailure) {
        this.lastFailure = message;
        try {
          this.audit.append({ type: 'memory.reembed_failed', actor: 'system', payload: { to: this.store.embedder.model, message, pending: this.store.status().pending } });
        } catch (auditErr) {
          console.error('could not audit a failed re-embedding:', (auditErr as Error).message);
        }
      }
    }
  }

  /** Stops the upkeep and cancels a re-embedding request in flight; nothing is written after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
