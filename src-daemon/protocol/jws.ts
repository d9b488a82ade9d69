// Compact JWS with EdDSA (Ed25519) on Node's crypto: the one signing and verifying path both ends of the protocol share.
import crypto from 'node:crypto';
import { ALGORITHM } from './messages';

// Node's crypto rather than jose on the command path: the same bytes (Ed25519 is deterministic, and the
// tests check jose accepts every token signed here), about a third of the time per operation. OpenSSL's
// Ed25519 verify refuses non-canonical signatures (S ≥ L), which tweetnacl's does not.

export type JwsCheck =
  | { ok: true; header: { alg: string; typ: string }; payload: Buffer }
  | { ok: false; reason: 'malformed' | 'bad_algorithm' | 'bad_typ' | 'bad_signature' };

const B64URL = /^[A-Za-z0-9_-]*$/;

export function signCompact(claims: object, typ: string, privateKey: crypto.KeyObject): string {
  const input = `${Buffer.from(JSON.stringify({ alg: ALGORITHM, typ })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${crypto.sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * Checks shape, the header (exactly `alg` and `typ`; alg must be EdDSA — never "none", never an HMAC keyed
 * with the public key) and the signature. The payload is returned only when all of them hold.
 */
export function verifyCompact(token: string, typ: string, publicKey: crypto.KeyObject): JwsCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return { ok: false, reason: 'malformed' };
  const { alg, typ: givenTyp, ...rest } = header as Record<string, unknown>;
  if (alg !== ALGORITHM) return { ok: false, reason: 'bad_algorithm' };
  if (Object.keys(rest).length > 0 || typeof givenTyp !== 'string') return { ok: false, reason: 'malformed' };
  if (givenTyp !== typ) return { ok: false, reason: 'bad_typ' };
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) return { ok: false, reason: 'bad_signature' };
  let valid = false;
  try {
    valid = crypto.verify(null, Buffer.from(`${h}.${p}`), publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  return { ok: true, header: { alg, typ: givenTyp }, payload: Buffer.from(p, 'base64url') };
}

const keyCache = new Map<string, crypto.KeyObject>();

/** An Ed25519 public key from its raw 32 bytes (base64url), parsed once per key: building a KeyObject costs as much as a verify. */
export function ed25519PublicKey(rawBase64url: string): crypto.KeyObject {
  let key = keyCache.get(rawBase64url);
  if (!key) {
    if (Buffer.from(rawBase64url, 'base64url').length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
    key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawBase64url }, format: 'jwk' });
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(rawBase64url, key);
  }
  return key;
}
