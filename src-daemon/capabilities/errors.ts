// The two ways a capability ends without a result: refused (the request was not allowed) or failed (the OS action did not happen).
import type { Refusal } from '../protocol';

/** Refusal codes a capability raises itself; each is one of the protocol's refusals, so the server can pass it on as is. */
export type CapabilityRefusalCode = Extract<Refusal, 'not_whitelisted' | 'outside_allow_list' | 'args_mismatch'>;

/** The request asked for something the whitelist does not allow (an unlisted app, a path outside the roots, an escape attempt). */
export class CapabilityRefused extends Error {
  override readonly name = 'CapabilityRefused';
  constructor(
    readonly code: CapabilityRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type CapabilityFailureCode =
  /** The file or folder named does not exist. */
  | 'not_found'
  /** file_move: the target exists and overwrite was not asked for, or is not a plain file. */
  | 'target_exists'
  /** file_move: a path no longer leads where it did when checked (a file or folder swapped between check and move). */
  | 'path_changed'
  /** run_script: the file's sha256 differs from the pinned one. */
  | 'script_changed'
  /** capabilities.json says something this machine cannot use (a relative path, no command for this OS). */
  | 'bad_config'
  /** No display to show or capture. */
  | 'no_display'
  /** No program on this machine can do it (no screenshot tool). */
  | 'unavailable'
  /** The program could not be started (missing, not executable). */
  | 'spawn_failed'
  /** A helper program (the screenshot tool) ran and reported an error. */
  | 'program_failed'
  | 'timed_out'
  | 'aborted'
  | 'io_error';

/** The OS action was allowed but did not happen, or did not complete; nothing is left half-done. */
export class CapabilityFailed extends Error {
  override readonly name = 'CapabilityFailed';
  constructor(
    readonly code: CapabilityFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The errno code of a Node system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
