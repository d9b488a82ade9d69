// API failures in words a person can act on, shared by the explorer, tools, workflows and settings screens.
import { z } from 'zod';
import { ApiError } from '../../lib/api';

/** What to do next, per kind of failure; the server's own message comes first and says what was wrong. */
const NEXT_STEP: Record<ApiError['code'], string> = {
  network: 'Check that Jarvis is still running (the desktop app or `npm run serve`), then try again.',
  bad_response: 'Reload the page; if it keeps happening, the page and Jarvis are different versions.',
  unauthorized: 'Open a fresh sign-in link from Jarvis’s output to sign in again.',
  forbidden: 'This needs the owner’s sign-in (the token in the data folder’s api-token file).',
  not_found: 'It may have been removed meanwhile; reload the list.',
  method_not_allowed: 'Reload the page; the page and Jarvis may be different versions.',
  conflict: 'Something changed meanwhile; reload to see the current state.',
  bad_request: 'Correct it and try again.',
  invalid_json: 'Correct it and try again.',
  unsupported_media_type: 'Reload the page and try again.',
  payload_too_large: 'Make it smaller and try again.',
  // The server says what to do for these (e.g. pairing: check the address, get a fresh code).
  unprocessable: '',
  upstream_unavailable: 'A service Jarvis relies on (for example the embedding or model provider) did not answer; check its settings, then try again.',
  store_unavailable: 'Jarvis’s database is busy or failing; nothing was half-written. Try again in a moment.',
  internal: 'Try again; if it keeps failing, the details are in Jarvis’s log.',
};

/** One sentence for a failed call: what went wrong, then what to do. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const message = err.message.trim();
    const next = NEXT_STEP[err.code];
    return next === '' || message.endsWith(next) ? message : `${message} ${next}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

const FieldDetails = z.array(z.object({ field: z.string(), problem: z.string() }));

/** The `details` an error envelope carried, when the client kept them (older clients keep only code and message). */
export function errorDetails(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'details' in err ? err.details : undefined;
}

/** Field problems (`[{field, problem}]`) of a refused request, keyed by field; empty when there are none. */
export function fieldProblems(err: unknown): Record<string, string> {
  const parsed = FieldDetails.safeParse(errorDetails(err));
  if (!parsed.success) return {};
  const out: Record<string, string> = {};
  for (const { field, problem } of parsed.data) out[field] = out[field] ? `${out[field]}; ${problem}` : problem;
  return out;
}
