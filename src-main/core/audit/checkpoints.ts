// Signed checkpoints kept outside the database, so a truncated or rewritten tail is caught by the verifier.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from './canonical';

const CheckpointLine = z.strictObject({
  count: z.number().int().min(0),
  head_hash: z.string().regex(/^[0-9a-f]{64}$/),
  ts: z.string(),
  sig: z.string(),
});
export type SignedCheckpoint = z.infer<typeof CheckpointLine>;

export interface CheckpointRead {
  /** Checkpoints whose signature verified, oldest first. */
  valid: SignedCheckpoint[];
  /** Lines that failed to parse or verify, with the reason. */
  invalid: { line: number; reason: string }[];
  keyMissing: boolean;
}

const signedBytes = (c: { count: number; head_hash: string; ts: string }) =>
  Buffer.from(canonicalJson({ count: c.count, head_hash: c.head_hash, ts: c.ts }));

/**
 * An Ed25519 key (private part mode 0600) and an append-only JSON-lines file of signed
 * (row count, head hash) pairs. The key lives beside the database, so this detects
 * truncation and casual tampering, not an attacker holding the key; see ARCHITECTURE.md.
 */
export class CheckpointStore {
  readonly file: string;
  private readonly keyFile: string;
  private readonly pubFile: string;
  private privateKey: crypto.KeyObject | null = null;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'checkpoints.jsonl');
    this.keyFile = path.join(dir, 'checkpoint-ed25519.key');
    this.pubFile = path.join(dir, 'checkpoint-ed25519.pub');
  }

  private loadOrCreateKey(): crypto.KeyObject {
    if (this.privateKey) return this.privateKey;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(this.keyFile)) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
      fs.writeFileSync(this.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      fs.writeFileSync(this.pubFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    }
    this.privateKey = crypto.createPrivateKey(fs.readFileSync(this.keyFile));
    return this.privateKey;
  }

  /** Appends a signed checkpoint and fsyncs it before returning. */
  write(count: number, headHash: string, ts = new Date().toISOString()): SignedCheckpoint {
    const key = this.loadOrCreateKey();
    const body = { count, head_hash: headHash, ts };
    const line: SignedCheckpoint = { ...body, sig: crypto.sign(null, signedBytes(body), key).toString('base64') };
    const fd = fs.openSync(this.file, 'a', 0o644);
    try {
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return line;
  }

  read(): CheckpointRead {
    const result: CheckpointRead = { valid: [], invalid: [], keyMissing: false };
    if (!fs.existsSync(this.file)) return result;
    if (!fs.existsSync(this.pubFile)) {
      result.keyMissing = true;
      return result;
    }
    const pub = crypto.createPublicKey(fs.readFileSync(this.pubFile));
    const lines = fs.readFileSync(this.file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      let parsed: SignedCheckpoint;
      try {
        parsed = CheckpointLine.parse(JSON.parse(text));
      } catch {
        result.invalid.push({ line: i + 1, reason: 'not a checkpoint record' });
        return;
      }
      const ok = crypto.verify(null, signedBytes(parsed), pub, Buffer.from(parsed.sig, 'base64'));
      if (ok) result.valid.push(parsed);
      else result.invalid.push({ line: i + 1, reason: 'signature does not verify' });
    });
    return result;
  }
}
