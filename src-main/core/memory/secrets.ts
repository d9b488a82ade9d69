// Refuses secrets in memories: well-known key formats, private keys, labelled values and long random strings.
import { REDACTED, redactSecrets } from '../audit';

export interface SecretFinding {
  /** `content`, or the metadata path (`metadata.wifi.password`). */
  field: string;
  /** What it looks like, in words; never the value itself. */
  what: string;
  /** Character offsets in that field's text, when the finding is part of a longer text. */
  at?: [number, number];
}

/** Formats that are secrets wherever they appear. */
const FORMATS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { what: 'an API key (sk-…)', pattern: /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { what: 'an AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { what: 'a Stripe key', pattern: /\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}/g },
  { what: 'a Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}/g },
  { what: 'a JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { what: 'a bearer token', pattern: /\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*/gi },
  { what: 'a password inside a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/gi },
];

/** The audit rule's answer per label key, remembered across calls. */
const known = new Map<string, boolean>();
const labelKey = (label: string) => label.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Which labels name a secret, by the audit trail's own rule for secret-looking keys (so the two never
 * disagree on what counts), asked once for all of them; "api key" and "wifi-password" are tried as
 * `api_key` and `wifi_password`.
 */
export function secretLabels(labels: readonly string[]): Set<string> {
  // A label is a name: letters with spaces, dashes or underscores; "note 12345" or "42" never is.
  const candidates = labels.filter((l) => /\p{L}{2}/u.test(l) && !/[^\p{L}\s_-]/u.test(l)).map((l) => [l, labelKey(l)] as const);
  const unknown = [...new Set(candidates.map(([, key]) => key).filter((key) => !known.has(key)))];
  if (unknown.length > 0) {
    const probe: Record<string, string> = {};
    for (const key of unknown) probe[key] = '';
    const redacted = redactSecrets(probe) as Record<string, unknown>;
    // Words repeat from memory to memory; remembering the answers keeps the check cheap (within bounds).
    if (known.size + unknown.length > 50_000) known.clear();
    for (const key of unknown) known.set(key, redacted[key] === REDACTED);
  }
  return new Set(candidates.filter(([, key]) => known.get(key)).map(([label]) => label));
}

export const isSecretLabel = (label: string): boolean => secretLabels([label]).size > 0;

const SEPARATOR_WORDS = new Set(['is', 'was', 'are', '=', ':', 'equals']);
const strip = (s: string) => s.replace(/^["'`([{<]+|["'`)\]}>.,;!?]+$/g, '');

/**
 * The audit's rule matches inside words ("passenger", "compass"), which is right for keys but not for
 * prose; so after such a label the value must look made by a machine (digits or symbols, or long), except
 * after the words that always mean a password, where people often choose plain words.
 */
function looksLikeCredential(value: string, label: string): boolean {
  if (value.length < 4) return false;
  if (/(^|[\s_])pass(word|phrase|code)s?$/i.test(label)) return true;
  return /[\d\W_]/.test(value) || value.length >= 12;
}

/** "wifi password: hunter22", "my api key is 8f2…", "token=abc123": a secret label, then within a few words a value. */
function labelledValues(text: string): { what: string; at: [number, number] }[] {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index }));
  const keys = words.map((w) => strip(w.text).replace(/[:=]$/, ''));
  const inline = words.map((w) => (/[:=]./.test(w.text) ? /^([A-Za-z_-]+)[:=](.+)$/.exec(w.text) : null));
  const pairs = keys.map((k, i) => (keys[i + 1] ? `${k} ${keys[i + 1]}` : ''));
  const secret = secretLabels([...keys, ...pairs, ...inline.map((m) => m?.[1] ?? '')]);
  const found: { what: string; at: [number, number] }[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    const one = keys[i] ?? '';
    if (!word) continue;
    // "password=abc" and "token:abc" as one word.
    const parts = inline[i];
    if (parts?.[1] && parts[2] && secret.has(parts[1]) && looksLikeCredential(strip(parts[2]), parts[1])) {
      found.push({ what: `a value labelled "${parts[1].toLowerCase()}"`, at: [word.start, word.start + word.text.length] });
      continue;
    }
    // Two words only when neither is a label alone ("api key"), so "the password" stays "password".
    const two = !secret.has(keys[i + 1] ?? '') ? (pairs[i] ?? '') : '';
    const label = secret.has(one) ? one : two && secret.has(two) ? two : null;
    if (!label) continue;
    for (let j = i + (label === two ? 1 : 0); j < Math.min(words.length - 1, i + 6); j += 1) {
      const w = words[j]?.text ?? '';
      const separates = /[:=]$/.test(w) || SEPARATOR_WORDS.has(w.toLowerCase());
      if (!separates) continue;
      const value = words[j + 1];
      if (value && looksLikeCredential(strip(value.text), label)) found.push({ what: `a value labelled "${label.toLowerCase()}"`, at: [value.start, value.start + value.text.length] });
      break;
    }
  }
  return found;
}

function entropyBitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Long strings mixing upper case, lower case and digits with high entropy: keys of formats nobody listed. */
function randomLooking(text: string): { what: string; at: [number, number] }[] {
  const found: { what: string; at: [number, number] }[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/_=-]{24,}/g)) {
    const s = m[0];
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s) && entropyBitsPerChar(s) >= 4) found.push({ what: 'a long random-looking string (like a key or token)', at: [m.index, m.index + s.length] });
  }
  return found;
}

export function findSecretsInText(text: string, field: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const covered: [number, number][] = [];
  const push = (what: string, at: [number, number]) => {
    if (covered.some(([a, b]) => at[0] < b && a < at[1])) return;
    covered.push(at);
    findings.push({ field, what, at });
  };
  for (const { what, pattern } of FORMATS) for (const m of text.matchAll(pattern)) push(what, [m.index, m.index + m[0].length]);
  for (const f of labelledValues(text)) push(f.what, f.at);
  for (const f of randomLooking(text)) push(f.what, f.at);
  return findings.sort((a, b) => (a.at?.[0] ?? 0) - (b.at?.[0] ?? 0));
}

function walk(value: unknown, field: string, out: SecretFinding[]): void {
  if (typeof value === 'string') out.push(...findSecretsInText(value, field));
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}.${i}`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = `${field}.${k}`;
      const holdsSomething = (typeof v === 'string' && v !== '') || (typeof v === 'object' && v !== null);
      if (isSecretLabel(k) && holdsSomething) out.push({ field: path, what: `a value under the key "${k}"` });
      else walk(v, path, out);
    }
  }
}

/** Everything in a memory that looks like a secret; empty when nothing does. */
export function findSecrets(content: string, metadata: Record<string, unknown>): SecretFinding[] {
  const out = findSecretsInText(content, 'content');
  walk(metadata, 'metadata', out);
  return out;
}

/** One sentence per finding, naming where it is and what it looks like (never the value). */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings.map((f) => `${f.field}${f.at ? ` (characters ${f.at[0] + 1}–${f.at[1]})` : ''} holds what looks like ${f.what}`).join('; ');
}
