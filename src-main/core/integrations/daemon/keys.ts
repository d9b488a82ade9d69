// The app's Ed25519 identity for talking to the daemon: created once, private key mode 0600, known by its fingerprint.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AppIdentity {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  /** Raw 32-byte public key, base64url. */
  publicRaw: string;
  /** hex sha256 of the raw public key. */
  fingerprint: string;
}

export const rawPublicKey = (key: crypto.KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
export const fingerprintOf = (raw: Buffer): string => crypto.createHash('sha256').update(raw).digest('hex');

export function loadAppIdentity(home: string): AppIdentity {
  const dir = path.join(home, 'keys');
  const file = path.join(dir, 'daemon-client-ed25519.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
  const publicKey = crypto.createPublicKey(privateKey);
  const raw = rawPublicKey(publicKey);
  return { privateKey, publicKey, publicRaw: raw.toString('base64url'), fingerprint: fingerprintOf(raw) };
}
