// The signature step on its own: given the paired Ed25519 key and the EdDSA allow-list, it refuses none and HS256 keyed with the public key.
import crypto from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { rawPublicKey } from './identity';
import { signatureVerifies } from './tokens';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const hs256 = (secret: Buffer) => {
  const input = `${b64({ alg: 'HS256', typ: 'jarvis-command+jwt' })}.${b64({ iss: 'x' })}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('signatureVerifies', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const app = { public_key: rawPublicKey(publicKey) };

  it('accepts an EdDSA signature by the paired key', async () => {
    const token = await new CompactSign(Buffer.from('{"iss":"x"}')).setProtectedHeader({ alg: 'EdDSA', typ: 'jarvis-command+jwt' }).sign(privateKey);
    expect(signatureVerifies(token, app)).toBe(true);
  });

  it('refuses HS256 "signed" with the public key as the HMAC secret, raw or PEM, and an unsigned token', async () => {
    expect(signatureVerifies(hs256(app.public_key), app)).toBe(false);
    expect(signatureVerifies(hs256(Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }))), app)).toBe(false);
    expect(signatureVerifies(`${b64({ alg: 'none' })}.${b64({ iss: 'x' })}.`, app)).toBe(false);
  });

  it('refuses a signature by another key', async () => {
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    const token = await new CompactSign(Buffer.from('{"iss":"x"}')).setProtectedHeader({ alg: 'EdDSA', typ: 'jarvis-command+jwt' }).sign(other);
    expect(signatureVerifies(token, app)).toBe(false);
  });
});
