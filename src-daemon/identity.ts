// The daemon's Ed25519 identity: created once (private key 0600), and an id that binds that key to this machine.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { machineIdSync as MachineIdSync } from 'node-machine-id';

export interface DaemonIdentity {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  /** Raw 32-byte public key. */
  publicRaw: Buffer;
  /** hex sha256 of the raw public key. */
  fingerprint: string;
  /** hex sha256 of (machine id + ":" + raw public key): a token addressed to it is worthless on any other host or key. */
  daemonId: string;
}

export const keyFile = (home: string): string => path.join(home, 'keys', 'daemon-ed25519.key');

export const fingerprintOf = (raw: Buffer): string => crypto.createHash('sha256').update(raw).digest('hex');

export function rawPublicKey(key: crypto.KeyObject): Buffer {
  const x = key.export({ format: 'jwk' }).x;
  if (!x) throw new Error('not an Ed25519 public key');
  const raw = Buffer.from(x, 'base64url');
  if (raw.length !== 32) throw new Error('not an Ed25519 public key');
  return raw;
}

export function daemonIdOf(machineId: string, publicRaw: Buffer): string {
  return crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${machineId}:`, 'utf8'), publicRaw]))
    .digest('hex');
}

function machineId(): string {
  try {
    // node-machine-id is a webpack bundle that ESM and CJS loaders see differently; require() sees it alike everywhere.
    const { machineIdSync } = createRequire(__filename)('node-machine-id') as { machineIdSync: typeof MachineIdSync };
    return machineIdSync();
  } catch (err) {
    // Without a machine id the daemon id could not be bound to this host, so refuse rather than guess.
    throw new Error(`cannot read this machine's id (${(err as Error).message}); the daemon binds its identity to it and will not start without it`);
  }
}

/** Loads the key pair, creating it on first use; the machine id is read afresh each time so a copied folder is a different daemon. */
export function loadIdentity(home: string): DaemonIdentity {
  const file = keyFile(home);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    // Written aside and linked into place, so a process starting at the same moment never reads half a key;
    // if another process (the CLI) linked one first, keep theirs.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users; make it private (chmod 600) before starting the daemon`);
  }
  const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} does not hold an Ed25519 private key`);
  const publicKey = crypto.createPublicKey(privateKey);
  const publicRaw = rawPublicKey(publicKey);
  return { privateKey, publicKey, publicRaw, fingerprint: fingerprintOf(publicRaw), daemonId: daemonIdOf(machineId(), publicRaw) };
}
