// The daemon's home settings on disk: iot.json (no secrets), secrets.json (0600: HA token, MQTT password) and the X25519 seal key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HaUrl, MqttUrl, EntityPattern, Subscription, rawX25519 } from '../protocol';

export const iotFile = (home: string): string => path.join(home, 'iot.json');
export const secretsFile = (home: string): string => path.join(home, 'secrets.json');
export const sealKeyFile = (home: string): string => path.join(home, 'keys', 'iot-x25519.key');

/** iot.json could not be used; names the file and the field. */
export class IotConfigError extends Error {
  override readonly name = 'IotConfigError';
}

export const IotFile = z.strictObject({
  version: z.literal(1),
  ha: z.strictObject({ url: HaUrl.nullable().default(null), watch: z.array(EntityPattern).max(500).default(['*']) }).default({ url: null, watch: ['*'] }),
  mqtt: z
    .strictObject({
      url: MqttUrl.nullable().default(null),
      username: z.string().min(1).max(256).nullable().default(null),
      client_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).nullable().default(null),
      protocol_version: z.union([z.literal(4), z.literal(5)]).default(5),
      subscriptions: z.array(Subscription).max(200).default([]),
      tls: z.strictObject({ ca_file: z.string().min(1).max(4096).optional(), reject_unauthorized: z.boolean().default(true) }).optional(),
    })
    .default({ url: null, username: null, client_id: null, protocol_version: 5, subscriptions: [] }),
});
export type IotFile = z.infer<typeof IotFile>;

const Secrets = z.strictObject({ ha_token: z.string().min(1).max(8192).optional(), mqtt_password: z.string().min(1).max(8192).optional() });
export type Secrets = z.infer<typeof Secrets>;

/** Writes beside the target, fsyncs, then renames: a crash leaves the old file or the new one, never half of either. */
export function writeAtomic(file: string, text: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IotConfigError(`Cannot read ${file}: ${(err as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IotConfigError(`${file} is not valid JSON: ${(err as Error).message}.`);
  }
}

export function loadIotFile(home: string): IotFile {
  const file = iotFile(home);
  const raw = readJson(file) ?? { version: 1 };
  const parsed = IotFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IotConfigError(`${file} is not a valid home settings file: ${issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unreadable'}.`);
  }
  return parsed.data;
}

export const saveIotFile = (home: string, cfg: IotFile): void => writeAtomic(iotFile(home), `${JSON.stringify(cfg, null, 2)}\n`, 0o644);

function checkPrivate(file: string): void {
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new IotConfigError(`${file} is readable by other users; make it private (chmod 600) before starting the daemon.`);
  }
}

export function loadSecrets(home: string): Secrets {
  const file = secretsFile(home);
  const raw = readJson(file);
  if (raw === undefined) return {};
  checkPrivate(file);
  const parsed = Secrets.safeParse(raw);
  // The message names the field, never its value.
  if (!parsed.success) throw new IotConfigError(`${file} is not a valid secrets file (${parsed.error.issues.map((i) => i.path.join('.') || 'top level').join(', ')}).`);
  return parsed.data;
}

export const saveSecrets = (home: string, secrets: Secrets): void => writeAtomic(secretsFile(home), `${JSON.stringify(secrets)}\n`, 0o600);

export interface SealKey {
  privateKey: crypto.KeyObject;
  /** Raw 32-byte public key, base64url. */
  publicRaw: string;
}

/** The X25519 key secrets are sealed to: created once, 0600, beside the signing key. */
export function loadSealKey(home: string): SealKey {
  const file = sealKeyFile(home);
  if (!fs.existsSync(file)) {
    const { privateKey } = crypto.generateKeyPairSync('x25519');
    try {
      writeAtomicExclusive(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  checkPrivate(file);
  const privateKey = crypto.createPrivateKey(fs.readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'x25519') throw new IotConfigError(`${file} does not hold an X25519 private key.`);
  return { privateKey, publicRaw: rawX25519(crypto.createPublicKey(privateKey)).toString('base64url') };
}

// Linked into place so a second process starting at the same moment keeps the first key rather than replacing it.
function writeAtomicExclusive(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
