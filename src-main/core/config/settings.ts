// Typed settings: defaults, then $JARVIS_HOME/config.json, then environment variables; invalid values stop start-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { EMBEDDING_PROVIDERS } from '../memory/embeddings';
import { LLM_PROVIDERS } from '../llm/config';

export const APP_NAME = 'Jarvis';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const ACCELERATOR_EXPECTED = 'an Electron accelerator such as "CommandOrControl+Shift+Space" (modifiers joined by "+", then one key), or "" for none';
const ACCELERATOR_MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta']);
const ACCELERATOR_KEY =
  /^(?:[0-9a-z]|f(?:[1-9]|1\d|2[0-4])|[)!@#$%^&*(:;=<,_\->.?/~`{\][|\\}"]|plus|space|tab|capslock|numlock|scrolllock|backspace|delete|insert|return|enter|up|down|left|right|home|end|pageup|pagedown|escape|esc|volume(?:up|down|mute)|media(?:nexttrack|previoustrack|stop|playpause)|printscreen|num[0-9]|num(?:dec|add|sub|mult|div))$/;
const STANDALONE_KEY = /^(?:f(?:[1-9]|1\d|2[0-4])|volume(?:up|down|mute)|media(?:nexttrack|previoustrack|stop|playpause))$/;

/**
 * Electron's accelerator grammar (distinct modifiers joined by "+", then one key), narrowed for a global
 * shortcut: a key that types text also needs a modifier other than Shift, or it would be taken from every app.
 */
export function isAccelerator(value: string): boolean {
  const parts = value.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  if (!ACCELERATOR_KEY.test(key) || new Set(parts).size !== parts.length || !parts.every((p) => ACCELERATOR_MODIFIERS.has(p))) return false;
  return STANDALONE_KEY.test(key) || parts.some((p) => p !== 'shift');
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Keys as they appear in config.json, with the environment variable that overrides each. */
const SettingsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535),
  logLevel: z.enum(LOG_LEVELS),
  auditCheckpointEvery: z.number().int().min(1).max(1_000_000),
  heartbeatIntervalMs: z.number().int().min(1000).max(3_600_000),
  dbBusyTimeoutMs: z.number().int().min(0).max(60_000),
  /** Hosts (`host` or `host:port`) http_request may reach even though they resolve to loopback or private addresses. */
  httpAllowlist: z.array(z.string().min(1)),
  /** The same event (channel + dedupe key) again within this window is recorded as deduped and goes no further. */
  dedupeWindowMs: z.number().int().min(0).max(7 * 24 * 3_600_000),
  /** Event sources whose events are dropped by the router's filter stage. */
  mutedSources: z.array(z.string().min(1)),
  /** Regular expressions; an event whose text matches one is dropped by the filter stage. */
  ignorePatterns: z.array(z.string().min(1).refine(isRegex, 'must be a valid regular expression')),
  /** Longest a single tool call may run before it is stopped. */
  toolTimeoutMs: z.number().int().min(100).max(3_600_000),
  /** Calls of one tool from one source within a minute that count as a burst (if also 10× its usual rate). */
  anomalyBurstPerMinute: z.number().int().min(10).max(1_000_000),
  /** Who turns memories into vectors: the offline fallback, an OpenAI-compatible server, or Ollama (key: JARVIS_EMBEDDING_API_KEY). */
  embeddingProvider: z.enum(EMBEDDING_PROVIDERS),
  /** The provider's address ("" = its usual one); changing the model re-embeds every memory. */
  embeddingBaseUrl: z.string().refine((v) => v === '' || isPlainHttpUrl(v), 'an http(s) URL without credentials, or "" for the provider\'s usual address'),
  embeddingModel: z.string(),
  embeddingTimeoutMs: z.number().int().min(100).max(600_000),
  /** The desktop app's global shortcut that opens the goal box; "" turns it off. */
  globalHotkey: z.string().refine((v) => v === '' || isAccelerator(v), ACCELERATOR_EXPECTED),
  /** The desktop app starts when the person logs in. */
  startAtLogin: z.boolean(),
  /** The desktop app starts the local daemon and keeps it running. */
  manageDaemon: z.boolean(),
  /** The port of the daemon the desktop app starts; fixed, because pairing remembers ws://127.0.0.1:PORT. */
  managedDaemonPort: z.number().int().min(1).max(65535),
  /** An installed desktop app checks for, downloads and offers signed updates. */
  autoUpdate: z.boolean(),
  /** Where updates come from (an https folder with latest*.yml); "" uses the feed built into the installer. */
  updateFeedUrl: z.string().refine((v) => v === '' || isHttpsUrl(v), 'an https:// URL without credentials, or "" for the built-in feed'),
  /** The language model behind the LLM lane ("none": fastpath, rules and workflows only); key: JARVIS_LLM_API_KEY or $JARVIS_HOME/llm-api-key. */
  llmProvider: z.enum(LLM_PROVIDERS),
  /** The provider's address ("" = its usual one), e.g. http://127.0.0.1:11434/v1 for Ollama. */
  llmBaseUrl: z.string().refine((v) => v === '' || isPlainHttpUrl(v), 'an http(s) URL without credentials, or "" for the provider\'s usual address'),
  llmModel: z.string().max(200),
  /** Longest one model call may take, retries included. */
  llmTimeoutMs: z.number().int().min(1000).max(600_000),
  /** Tokens a model call may use (context and answer); the context builder fits into this. */
  llmContextTokens: z.number().int().min(1024).max(2_000_000),
});

function isPlainHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
export type Settings = z.infer<typeof SettingsSchema> & { home: string };

const DEFAULTS: z.infer<typeof SettingsSchema> = {
  port: 7723,
  logLevel: 'info',
  auditCheckpointEvery: 1000,
  heartbeatIntervalMs: 30_000,
  dbBusyTimeoutMs: 2000,
  httpAllowlist: [],
  dedupeWindowMs: 10 * 60_000,
  mutedSources: [],
  ignorePatterns: [],
  toolTimeoutMs: 30_000,
  anomalyBurstPerMinute: 120,
  embeddingProvider: 'offline',
  embeddingBaseUrl: '',
  embeddingModel: '',
  embeddingTimeoutMs: 15_000,
  globalHotkey: 'CommandOrControl+Shift+Space',
  startAtLogin: false,
  manageDaemon: true,
  managedDaemonPort: 7724,
  autoUpdate: true,
  updateFeedUrl: '',
  llmProvider: 'none',
  llmBaseUrl: '',
  llmModel: '',
  llmTimeoutMs: 60_000,
  llmContextTokens: 8192,
};

const ENV_KEYS: Record<keyof typeof DEFAULTS, string> = {
  port: 'JARVIS_PORT',
  logLevel: 'JARVIS_LOG_LEVEL',
  auditCheckpointEvery: 'JARVIS_AUDIT_CHECKPOINT_EVERY',
  heartbeatIntervalMs: 'JARVIS_HEARTBEAT_INTERVAL_MS',
  dbBusyTimeoutMs: 'JARVIS_DB_BUSY_TIMEOUT_MS',
  httpAllowlist: 'JARVIS_HTTP_ALLOWLIST',
  dedupeWindowMs: 'JARVIS_DEDUPE_WINDOW_MS',
  mutedSources: 'JARVIS_MUTED_SOURCES',
  ignorePatterns: 'JARVIS_IGNORE_PATTERNS',
  toolTimeoutMs: 'JARVIS_TOOL_TIMEOUT_MS',
  anomalyBurstPerMinute: 'JARVIS_ANOMALY_BURST_PER_MINUTE',
  embeddingProvider: 'JARVIS_EMBEDDING_PROVIDER',
  embeddingBaseUrl: 'JARVIS_EMBEDDING_BASE_URL',
  embeddingModel: 'JARVIS_EMBEDDING_MODEL',
  embeddingTimeoutMs: 'JARVIS_EMBEDDING_TIMEOUT_MS',
  globalHotkey: 'JARVIS_GLOBAL_HOTKEY',
  startAtLogin: 'JARVIS_START_AT_LOGIN',
  manageDaemon: 'JARVIS_MANAGE_DAEMON',
  managedDaemonPort: 'JARVIS_MANAGED_DAEMON_PORT',
  autoUpdate: 'JARVIS_AUTO_UPDATE',
  updateFeedUrl: 'JARVIS_UPDATE_FEED_URL',
  llmProvider: 'JARVIS_LLM_PROVIDER',
  llmBaseUrl: 'JARVIS_LLM_BASE_URL',
  llmModel: 'JARVIS_LLM_MODEL',
  llmTimeoutMs: 'JARVIS_LLM_TIMEOUT_MS',
  llmContextTokens: 'JARVIS_LLM_CONTEXT_TOKENS',
};

/** A setting that cannot be used; the message names the key, the value and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    readonly source: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`Invalid setting "${key}" from ${source}: got ${JSON.stringify(value)}; expected ${expected}.`);
  }
}

/** The platform's per-user app-data folder, matching Electron's app.getPath('userData'). */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `a number >= ${String(issue.minimum)}`;
    case 'too_big':
      return `a number <= ${String(issue.maximum)}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : `a value of type ${issue.expected}`;
    case 'custom':
      return issue.message;
    case 'unrecognized_keys':
      return `only the known keys (${Object.keys(DEFAULTS).join(', ')})`;
    default:
      return issue.message;
  }
}

function fromEnv(key: keyof typeof DEFAULTS, raw: string): unknown {
  // Lists come as comma-separated values (regular expressions rarely need commas; config.json takes any).
  if (Array.isArray(DEFAULTS[key])) return raw.split(',').map((v) => v.trim()).filter(Boolean);
  if (typeof DEFAULTS[key] === 'boolean') return raw.trim() === 'true' ? true : raw.trim() === 'false' ? false : raw;
  if (typeof DEFAULTS[key] !== 'number') return raw;
  // Number('') is 0 and Number(' 7 ') is 7: require a plain integer literal.
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Wins over JARVIS_HOME; the desktop app passes Electron's userData folder. */
  homeOverride?: string;
}

/** Reads and validates settings. Throws ConfigError naming the first bad key. */
export function loadSettings(options: LoadOptions = {}): Settings {
  const env = options.env ?? process.env;
  const home = path.resolve(options.homeOverride ?? (env.JARVIS_HOME || defaultHome(env)));
  const merged: Record<string, unknown> = { ...DEFAULTS };
  const sources: Record<string, string> = {};

  const file = path.join(home, 'config.json');
  if (fs.existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError('config.json', file, '(unparseable)', `valid JSON (${(err as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('config.json', file, parsed, 'a JSON object of settings');
    }
    for (const [k, v] of Object.entries(parsed)) {
      merged[k] = v;
      sources[k] = file;
    }
  }
  for (const key of Object.keys(ENV_KEYS) as (keyof typeof DEFAULTS)[]) {
    const raw = env[ENV_KEYS[key]];
    if (raw !== undefined && raw !== '') {
      merged[key] = fromEnv(key, raw);
      sources[key] = `environment variable ${ENV_KEYS[key]}`;
    }
  }

  const result = SettingsSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (!issue) throw new ConfigError('(unknown)', 'settings', merged, 'valid settings');
    const key = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '(unknown)') : String(issue.path[0] ?? '(unknown)');
    throw new ConfigError(key, sources[key] ?? 'defaults', merged[key], describeExpected(issue));
  }
  return { ...result.data, home };
}
