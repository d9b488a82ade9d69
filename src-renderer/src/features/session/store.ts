// Who the page is signed in as: the API token, how it was obtained from a one-time link, and why it was lost.
import { createStore } from 'zustand/vanilla';
import { SessionExchange } from '../../../../src-shared/contract';

export const TOKEN_STORAGE_KEY = 'jarvis.token';
const SIGNIN_PARAM = 'signin';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * A fragment as a route and its parameters: `#signin=x` has no route, `#/quick-goal?signin=x` has the route
 * `/quick-goal` (the desktop shell opens its goal box that way) and the same parameters.
 */
function splitFragment(hash: string): { route: string; params: URLSearchParams } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw.startsWith('/')) return { route: '', params: new URLSearchParams(raw) };
  const at = raw.indexOf('?');
  return at === -1 ? { route: raw, params: new URLSearchParams() } : { route: raw.slice(0, at), params: new URLSearchParams(raw.slice(at + 1)) };
}

/** The one-time code in a `#signin=<code>` (or `#/route?signin=<code>`) fragment, or null when the fragment carries none. */
export function parseSigninHash(hash: string): string | null {
  const code = splitFragment(hash).params.get(SIGNIN_PARAM);
  return code === null || code.trim() === '' ? null : code.trim();
}

/** The fragment with the code removed, so neither history nor a bookmark keeps it ('' when nothing is left). */
export function hashWithoutSignin(hash: string): string {
  const { route, params } = splitFragment(hash);
  params.delete(SIGNIN_PARAM);
  const rest = params.toString();
  if (route !== '') return `#${route}${rest === '' ? '' : `?${rest}`}`;
  return rest === '' ? '' : `#${rest}`;
}

export type SessionPhase = 'signed-out' | 'exchanging' | 'signed-in';

export interface SessionState {
  token: string | null;
  phase: SessionPhase;
  /** Why the page is signed out, in words meant for the person; null when there is nothing to explain. */
  notice: string | null;
  signIn(token: string): void;
  signOut(notice?: string): void;
  dismissNotice(): void;
  exchange(code: string, exchangeCode: (code: string) => Promise<string>): Promise<void>;
}

export const SESSION_ENDED_NOTICE =
  'Jarvis no longer accepts this page’s token (it restarted with a new one, or the token was replaced).';

function readToken(storage: KeyValueStorage | null): string | null {
  try {
    const token = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return token === null || token === '' ? null : token;
  } catch {
    return null;
  }
}

function writeToken(storage: KeyValueStorage | null, token: string | null): void {
  try {
    if (token === null) storage?.removeItem(TOKEN_STORAGE_KEY);
    else storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage can be disabled; the token then lives only as long as the page.
  }
}

export function createSessionStore(storage: KeyValueStorage | null) {
  const initial = readToken(storage);
  return createStore<SessionState>()((set, get) => ({
    token: initial,
    phase: initial === null ? 'signed-out' : 'signed-in',
    notice: null,
    signIn(token) {
      writeToken(storage, token);
      set({ token, phase: 'signed-in', notice: null });
    },
    signOut(notice) {
      writeToken(storage, null);
      set({ token: null, phase: 'signed-out', notice: notice ?? null });
    },
    dismissNotice() {
      set({ notice: null });
    },
    async exchange(code, exchangeCode) {
      if (!SessionExchange.safeParse({ code }).success) {
        // Keep any token we already had: a damaged link should not sign out a working page.
        set({ notice: 'This sign-in link is incomplete or damaged. Copy the whole link Jarvis printed and open it again.' });
        return;
      }
      const before = get();
      set({ phase: 'exchanging', notice: null });
      try {
        get().signIn(await exchangeCode(code));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        set({ phase: before.token === null ? 'signed-out' : 'signed-in', notice: `Sign-in failed: ${reason}` });
      }
    },
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;
