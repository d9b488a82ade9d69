// Secrets sealed to the daemon's X25519 key (ephemeral ECDH → HKDF-SHA256 → AES-256-GCM): the token or password crosses the wire, and lands in audit rows, only as ciphertext.
import crypto from 'node:crypto';

const INFO = 'jarvis-iot-secret v1';

function keyFrom(shared: Buffer, epk: Buffer, recipient: Buffer, context: string): Buffer {
  // Binding both public keys and the context means a sealed HA token cannot be replayed as an MQTT password.
  return Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([epk, recipient]), `${INFO}|${context}`, 32));
}

const x25519Public = (raw: Buffer): crypto.KeyObject => crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });

export const rawX25519 = (key: crypto.KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');

/** Seals `secret` for the holder of the X25519 key whose raw public key is `recipient` (base64url). */
export function sealSecret(secret: string, recipient: string, context: string): string {
  const recipientRaw = Buffer.from(recipient, 'base64url');
  if (recipientRaw.length !== 32) throw new Error('the seal key is not a 32-byte X25519 key');
  const eph = crypto.generateKeyPairSync('x25519');
  const epk = rawX25519(eph.publicKey);
  const shared = crypto.diffieHellman({ privateKey: eph.privateKey, publicKey: x25519Public(recipientRaw) });
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyFrom(shared, epk, recipientRaw, context), iv);
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', epk, iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Opens a sealed secret; null when it was not sealed to this key and context or was altered. */
export function openSealed(sealed: string, privateKey: crypto.KeyObject, context: string): string | null {
  const [v, e, i, c, t] = sealed.split('.');
  if (v !== 'v1' || !e || !i || !c || !t) return null;
  try {
    const epk = Buffer.from(e, 'base64url');
    const own = rawX25519(crypto.createPublicKey(privateKey));
    const shared = crypto.diffieHellman({ privateKey, publicKey: x25519Public(epk) });
    const decipher = crypto.createDecipheriv('aes-256-gcm', keyFrom(shared, epk, own, context), Buffer.from(i, 'base64url'));
    decipher.setAuthTag(Buffer.from(t, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(c, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
