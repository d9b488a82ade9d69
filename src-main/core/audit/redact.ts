// Keeps secrets out of the audit trail: values under secret-looking keys are replaced before hashing.
const SECRET_KEY = /(pass(word|phrase)?|secret|token|api[_-]?key|authorization|cookie|private[_-]?key|credential)/i;

export const REDACTED = '[redacted]';

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Counts and flags (token_count, has_password) are not secrets; strings and nested objects may be.
      const mayHoldSecret = typeof v === 'string' || (typeof v === 'object' && v !== null);
      out[k] = SECRET_KEY.test(k) && mayHoldSecret ? REDACTED : redactSecrets(v);
    }
    return out;
  }
  return value;
}
