// The one error every provider raises, with a kind the task engine's retry policy and the audit trail read.

/**
 * - `timeout`: no complete answer within the deadline
 * - `llm_unavailable`: could not connect, or the provider failed on its side (5xx) after retries
 * - `rate_limited`: 429 after retries
 * - `auth`: the key was refused or is missing (401/403)
 * - `refused`: any other 4xx (wrong model, bad request)
 * - `bad_response`: an answer that is not what the API documents (garbage, wrong shapes, empty)
 * - `aborted`: the caller cancelled
 * - `not_configured`: no provider is set up
 */
export const LLM_ERROR_KINDS = ['timeout', 'llm_unavailable', 'rate_limited', 'auth', 'refused', 'bad_response', 'aborted', 'not_configured'] as const;
export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number];

/** Kinds worth asking again later; the others need a person (a key, a model name) or were deliberate. */
export const TRANSIENT_LLM_ERRORS: readonly LlmErrorKind[] = ['timeout', 'llm_unavailable', 'rate_limited', 'bad_response'];

export class LlmError extends Error {
  override readonly name = 'LlmError';
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    /** The HTTP status, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
