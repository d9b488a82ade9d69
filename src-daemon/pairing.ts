// One-time pairing codes: printed once, kept only as their hash, checked against an app's HMAC proof in constant time.
import crypto from 'node:crypto';
import { loadIdentity } from './identity';
import { openStore, type DaemonStore } from './store';

export const PAIRING_CODE_TTL_S = 5 * 60;

// 51 random bytes → 68 base64url characters (408 bits). Being longer than SHA-256's 64-byte block, HMAC keys
// itself with sha256(code) (RFC 2104 §2), so the store keeps only that hash and can still check the app's
// HMAC(code, …) proof. The hash is as good as the code for making a proof, so it expires in 5 minutes and the
// store is private to this user; what it prevents is the code itself lingering on disk or in a backup.
const CODE_BYTES = 51;
const HMAC_BLOCK_BYTES = 64;

export interface PairingCode {
  code: string;
  daemonId: string;
  fingerprint: string;
  expiresAt: string;
}

export const codeHash = (code: string): Buffer => crypto.createHash('sha256').update(code, 'utf8').digest();

/** Writes a fresh code (replacing any pending one) and returns it with what the person should compare on the app's side. */
export function createPairingCode(home: string, now: () => Date = () => new Date()): PairingCode {
  const identity = loadIdentity(home);
  const store = openStore(home, { now });
  try {
    const code = crypto.randomBytes(CODE_BYTES).toString('base64url');
    if (Buffer.byteLength(code) <= HMAC_BLOCK_BYTES) throw new Error('pairing code too short to be stored as its hash');
    const expiresAtS = Math.floor(now().getTime() / 1000) + PAIRING_CODE_TTL_S;
    store.transaction(() => {
      store.setPairingCode(codeHash(code), expiresAtS);
      store.audit.append('pairing.code_created', identity.daemonId, { expires_at: expiresAtS });
    });
    return { code, daemonId: identity.daemonId, fingerprint: identity.fingerprint, expiresAt: new Date(expiresAtS * 1000).toISOString() };
  } finally {
    store.close();
  }
}

export type PairingCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks an app's proof against the pending code and, if it holds, consumes the code.
 * Call inside the store transaction that also records the app, so a code pairs exactly one app.
 */
export function checkPairingProof(store: DaemonStore, appKey: string, daemonId: string, proof: string, nowS: number): PairingCheck {
  const pending = store.pairingCode();
  if (!pending) return { ok: false, message: 'No pairing code is pending. Run `jarvis-daemon pair` on the daemon host and use the code it prints.' };
  if (pending.expires_at <= nowS) {
    store.clearPairingCode();
    return { ok: false, message: 'The pairing code has expired (codes last 5 minutes). Run `jarvis-daemon pair` again.' };
  }
  const expected = crypto.createHmac('sha256', pending.code_hash).update(`${appKey}.${daemonId}`).digest();
  const given = Buffer.from(proof, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { ok: false, message: 'The pairing proof does not match the pending code. Check the code (it is shown once by `jarvis-daemon pair`).' };
  }
  store.clearPairingCode();
  return { ok: true };
}
