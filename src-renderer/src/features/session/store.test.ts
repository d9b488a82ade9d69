// Sign-in: reading the code from a link's fragment, exchanging it, keeping the token, and losing it with a reason.
import { describe, expect, it, vi } from 'vitest';
import { createSessionStore, hashWithoutSignin, parseSigninHash, TOKEN_STORAGE_KEY, type KeyValueStorage } from './store';

const CODE = 'a1B2c3D4e5F6g7H8i9J0';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('parseSigninHash', () => {
  it.each([
    [`#signin=${CODE}`, CODE],
    [`signin=${CODE}`, CODE],
    [`#view=audit&signin=${CODE}`, CODE],
    ['#signin=abc%2Bdef', 'abc+def'],
    ['#signin=%20padded%20', 'padded'],
    [`#/quick-goal?signin=${CODE}`, CODE],
    [`#/tasks/abc?x=1&signin=${CODE}`, CODE],
  ])('finds the code in %s', (hash, code) => {
    expect(parseSigninHash(hash)).toBe(code);
  });

  it.each(['', '#', '#signin=', '#signin', '#view=audit', '#sign-in=abc', '#/quick-goal', '#/signin=abc', '#/quick-goal?signin='])('finds nothing in %j', (hash) => {
    expect(parseSigninHash(hash)).toBeNull();
  });

  it('removes only the code from the fragment', () => {
    expect(hashWithoutSignin(`#signin=${CODE}`)).toBe('');
    expect(hashWithoutSignin(`#view=audit&signin=${CODE}`)).toBe('#view=audit');
    expect(hashWithoutSignin('')).toBe('');
    expect(hashWithoutSignin(`#/quick-goal?signin=${CODE}`)).toBe('#/quick-goal');
    expect(hashWithoutSignin(`#/audit?trace=t&signin=${CODE}`)).toBe('#/audit?trace=t');
    expect(hashWithoutSignin('#/tasks/abc')).toBe('#/tasks/abc');
  });
});

describe('session store', () => {
  it('starts signed in when the tab already holds a token', () => {
    const store = createSessionStore(memoryStorage({ [TOKEN_STORAGE_KEY]: 'tok' }));
    expect(store.getState()).toMatchObject({ token: 'tok', phase: 'signed-in', notice: null });
    expect(createSessionStore(memoryStorage()).getState()).toMatchObject({ token: null, phase: 'signed-out' });
    expect(createSessionStore(null).getState().token).toBeNull();
  });

  it('exchanges a code for a token and keeps it in storage and state', async () => {
    const storage = memoryStorage();
    const store = createSessionStore(storage);
    const exchange = vi.fn(async (code: string) => `token-for-${code}`);
    const pending = store.getState().exchange(CODE, exchange);
    expect(store.getState().phase).toBe('exchanging');
    await pending;
    expect(exchange).toHaveBeenCalledWith(CODE);
    expect(store.getState()).toMatchObject({ token: `token-for-${CODE}`, phase: 'signed-in', notice: null });
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe(`token-for-${CODE}`);
  });

  it('shows the server’s words when the code is refused', async () => {
    const store = createSessionStore(memoryStorage());
    await store.getState().exchange(CODE, async () => {
      throw new Error('This sign-in link was already used or has expired.');
    });
    expect(store.getState()).toMatchObject({
      token: null,
      phase: 'signed-out',
      notice: 'Sign-in failed: This sign-in link was already used or has expired.',
    });
  });

  it('does not send a code the server would reject for its shape, and keeps a working token', async () => {
    const store = createSessionStore(memoryStorage({ [TOKEN_STORAGE_KEY]: 'tok' }));
    const exchange = vi.fn(async () => 'never');
    await store.getState().exchange('short', exchange);
    expect(exchange).not.toHaveBeenCalled();
    expect(store.getState().token).toBe('tok');
    expect(store.getState().notice).toMatch(/incomplete or damaged/);
  });

  it('a failed exchange leaves an existing token in place', async () => {
    const store = createSessionStore(memoryStorage({ [TOKEN_STORAGE_KEY]: 'tok' }));
    await store.getState().exchange(CODE, () => Promise.reject(new Error('used')));
    expect(store.getState()).toMatchObject({ token: 'tok', phase: 'signed-in', notice: 'Sign-in failed: used' });
  });

  it('signing out clears storage and records why', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'tok' });
    const store = createSessionStore(storage);
    store.getState().signOut('refused');
    expect(store.getState()).toMatchObject({ token: null, phase: 'signed-out', notice: 'refused' });
    expect(storage.data.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('survives storage that throws', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const store = createSessionStore(broken);
    expect(store.getState().token).toBeNull();
    store.getState().signIn('tok');
    expect(store.getState().token).toBe('tok');
  });
});

describe('notices', () => {
  it('can be dismissed without touching the token', async () => {
    const store = createSessionStore(memoryStorage({ [TOKEN_STORAGE_KEY]: 'tok' }));
    await store.getState().exchange(CODE, () => Promise.reject(new Error('used')));
    store.getState().dismissNotice();
    expect(store.getState()).toMatchObject({ token: 'tok', notice: null, phase: 'signed-in' });
  });
});
