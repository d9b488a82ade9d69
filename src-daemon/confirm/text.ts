// The confirmation dialog's title and text: trusted lines first, then the exact arguments, escaped so nothing in them can pose as dialog text.
import type { ConfirmRequest } from './types';

/** Longest argument listing shown; past it the dialog says how much was left out. */
export const MAX_ARGS_CHARS = 1500;
const MAX_FIELD_CHARS = 200;
const MAX_REASON_CHARS = 500;

/**
 * Characters that could make text look like something else: controls, format characters (bidi overrides,
 * zero-width joiners), line and paragraph separators, private-use and lone surrogates, and every space
 * but the plain one.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const cp = ch.codePointAt(0) ?? 0;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** Every unsafe character as a visible escape (\n, \u202e, …); `keepNewlines` leaves line breaks the caller put there itself. */
export function escapeForDialog(text: string, keepNewlines = false): string {
  return text.replace(UNSAFE, (ch) => (keepNewlines && ch === '\n' ? ch : escapeChar(ch)));
}

/** Cuts at `max` characters without splitting a surrogate pair, saying how much was left out. */
export function truncateForDialog(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${text.length - end} more characters not shown)`;
}

/** One line, escaped and bounded: for the app name, the risk and the reason, which come from outside. */
function field(value: string, max: number): string {
  return truncateForDialog(escapeForDialog(value), max);
}

/**
 * The arguments as pretty JSON. JSON.stringify already writes every control character inside a string as
 * an escape, so the only raw line breaks are the indentation's own; the rest are made visible here.
 */
export function formatArgs(args: Record<string, unknown>): string {
  let json: string;
  try {
    json = JSON.stringify(args, null, 2) ?? '{}';
  } catch {
    json = '(the arguments could not be shown)';
  }
  return truncateForDialog(escapeForDialog(json, true), MAX_ARGS_CHARS);
}

export function dialogTitle(capability: string): string {
  return `Jarvis: confirm ${field(capability, 64)}`;
}

/** Trusted lines come first and the arguments last, so a crafted argument can only ever appear below them, inside the listing. */
export function dialogText(req: ConfirmRequest): string {
  return [
    `Jarvis asks to run "${field(req.capability, 64)}" on this computer.`,
    `Requested by: ${field(req.app, MAX_FIELD_CHARS)}`,
    `Risk: ${field(req.risk, MAX_FIELD_CHARS)}`,
    `Reason: ${req.reason === null || req.reason === '' ? '(none given)' : field(req.reason, MAX_REASON_CHARS)}`,
    `Unanswered in ${req.timeoutS} s counts as Deny.`,
    '',
    'Arguments:',
    formatArgs(req.args),
  ].join('\n');
}
