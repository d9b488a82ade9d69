// Turns any failed call into one sentence a person can act on: what went wrong, in Jarvis's words, and what to do next.
import { ApiError, type ApiErrorCode } from '../../lib/api';

/** What to do about each kind of failure; the server's own message says what went wrong. */
const NEXT_STEP: Record<ApiErrorCode, string> = {
  network: 'If it stopped, start it again (npm run serve): the page reconnects by itself and keeps what you typed.',
  bad_response: 'Reload the page: it and the server may be different versions.',
  bad_request: 'Correct the input and try again.',
  invalid_json: 'Reload the page and try again.',
  unsupported_media_type: 'Reload the page and try again.',
  payload_too_large: 'Shorten the input and try again.',
  unauthorized: 'Open a fresh sign-in link from the terminal that runs Jarvis.',
  forbidden: 'Sign in with the owner’s link to do this.',
  not_found: 'It may have been removed; the list has been refreshed.',
  method_not_allowed: 'Reload the page: it and the server may be different versions.',
  conflict: 'It changed meanwhile; the page now shows its current state.',
  unprocessable: 'Rephrase it and try again.',
  upstream_unavailable: 'A service Jarvis relies on (such as the language model) did not answer: check that it is running and reachable, then try again.',
  store_unavailable: 'Jarvis’s database is busy or out of space: wait a moment, check free disk space, and try again.',
  internal: 'Jarvis’s log in its terminal has the details; nothing was half-written. Try again.',
};

export function errorCode(err: unknown): ApiErrorCode | null {
  return err instanceof ApiError ? err.code : null;
}

/** "What went wrong. What to do." */
export function explain(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  if (code === null) return message;
  const trimmed = message.trim();
  const sentence = /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
  return `${sentence} ${NEXT_STEP[code]}`;
}
