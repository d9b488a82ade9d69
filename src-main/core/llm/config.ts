// Language-model settings: the providers, their usual addresses, and the API key from the environment or a 0600 file.
import fs from 'node:fs';
import path from 'node:path';
import { LLM_PROVIDER_KINDS } from '../../../src-shared/contract/llm';

export const LLM_PROVIDERS = LLM_PROVIDER_KINDS;
export type LlmProviderKind = (typeof LLM_PROVIDERS)[number];

export const DEFAULT_BASE_URLS: Readonly<Record<Exclude<LlmProviderKind, 'none'>, string>> = Object.freeze({
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
});

/** The settings keys this module reads (config.json names), with the variables that override them. */
export const LLM_SETTING_KEYS = {
  llmProvider: 'JARVIS_LLM_PROVIDER',
  llmBaseUrl: 'JARVIS_LLM_BASE_URL',
  llmModel: 'JARVIS_LLM_MODEL',
  llmTimeoutMs: 'JARVIS_LLM_TIMEOUT_MS',
  llmContextTokens: 'JARVIS_LLM_CONTEXT_TOKENS',
} as const;

export interface LlmConfig {
  llmProvider: LlmProviderKind;
  llmBaseUrl: string;
  llmModel: string;
  llmTimeoutMs: number;
  llmContextTokens: number;
}

export const KEY_ENV = 'JARVIS_LLM_API_KEY';
export const KEY_FILE = 'llm-api-key';
/** Tokens kept for the model's answer inside the context budget. */
export const MAX_OUTPUT = 1024;

export type KeySource = 'environment' | 'file' | null;

/** A key file others can read is refused, as ssh refuses such a private key: the person fixes it with chmod 600. */
export class KeyFileError extends Error {}

/**
 * The key: JARVIS_LLM_API_KEY, else `$JARVIS_HOME/llm-api-key` (mode 0600). An OS secret store would plug in
 * here as a third source read before the file; nothing else in Jarvis ever sees where the key came from.
 */
export function readApiKey(home: string, env: NodeJS.ProcessEnv = process.env): { key: string | null; source: KeySource } {
  const fromEnv = env[KEY_ENV]?.trim();
  if (fromEnv) return { key: fromEnv, source: 'environment' };
  const file = path.join(home, KEY_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { key: null, source: null };
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new KeyFileError(`${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run "chmod 600 ${file}" so only you can read it.`);
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  return key ? { key, source: 'file' } : { key: null, source: null };
}

/** Writes (or with null removes) the key file, created 0600 and replaced atomically. */
export function writeApiKey(home: string, key: string | null): void {
  const file = path.join(home, KEY_FILE);
  if (key === null) {
    fs.rmSync(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, key);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** config.json as it stands ({} when absent); throws, saying what to fix, when it cannot be read as a JSON object. */
export function readConfigFile(home: string): Record<string, unknown> {
  const file = path.join(home, 'config.json');
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix it before changing settings here.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object; fix it before changing settings here.`);
  return parsed as Record<string, unknown>;
}

/** Sets the LLM keys in config.json, keeping every other key as it was; written to a temporary file and renamed. */
export function writeConfigKeys(home: string, current: Record<string, unknown>, values: Partial<LlmConfig>): void {
  const file = path.join(home, 'config.json');
  const next = { ...current, ...values };
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(next, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
