// Shapes of the integrations and settings screen: pairing the daemon over the API, and what this install is.
import { z } from 'zod';
import { DaemonIntegration } from './safety';

/** POST /v1/integrations/daemon/pair: what `jarvis daemon pair <url> <code>` takes, as a body. */
export const DaemonPairRequest = z.strictObject({
  url: z
    .string({ error: 'is required: the daemon\'s address, e.g. ws://127.0.0.1:7724' })
    .trim()
    .max(2048, { error: 'must be at most 2048 characters' })
    .regex(/^wss?:\/\/[^\s/]+/, { error: 'must be the daemon\'s ws:// or wss:// address, as `jarvis-daemon serve` prints it' }),
  code: z
    .string({ error: 'is required: the one-time code `jarvis-daemon pair` printed' })
    .trim()
    .min(16, { error: 'is too short: paste the whole code `jarvis-daemon pair` printed' })
    .max(512, { error: 'must be at most 512 characters' })
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'may hold only letters, digits, "-" and "_": paste it exactly as printed' }),
});
export type DaemonPairRequest = z.infer<typeof DaemonPairRequest>;

export const DaemonPairResult = z.object({
  daemon_id: z.string(),
  url: z.string(),
  paired_at: z.string(),
  /** sha256 of the daemon's key, to compare with what `jarvis-daemon pair` showed. */
  daemon_key_fingerprint: z.string(),
  daemon: DaemonIntegration,
});
export type DaemonPairResult = z.infer<typeof DaemonPairResult>;

/** GET /v1/system: this install, for the settings screen. */
export const SystemInfo = z.object({
  version: z.string(),
  /** $JARVIS_HOME: the database, the API token, checkpoints, tools and config.json live here. */
  data_folder: z.string(),
  database_file: z.string(),
  config_file: z.string(),
  tools_folder: z.string(),
  runtime: z.object({ node: z.string(), platform: z.string(), arch: z.string() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;
