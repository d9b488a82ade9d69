// The shared compact JWS: interoperable with jose both ways, and strict about alg, typ, header fields and signature form.
import crypto from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, signCompact, verifyCompact } from './jws';

const TYP = 'jarvis-command+jwt';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const claims = { iss: 'app', jti: 'n'.repeat(22), args: { path: '/tmp/ä' } };

describe('compact JWS on Node crypto', () => {
  it('signs tokens jose verifies, with the same payload and header', async () => {
    const token = signCompact(claims, TYP, privateKey);
    const verified = await compactVerify(token, publicKey, { algorithms: ['EdDSA'] });
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', typ: TYP });
    expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(claims);
  });

  it('produces byte-for-byte the token jose produces (Ed25519 is deterministic)', async () => {
    const fromJose = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ: TYP }).sign(privateKey);
    expect(signCompact(claims, TYP, privateKey)).toBe(fromJose);
  });

  it('verifies what jose signs and returns the payload', async () => {
    const token = await new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ: TYP }).sign(privateKey);
    const checked = verifyCompact(token, TYP, publicKey);
    expect(checked.ok && JSON.parse(checked.payload.toString('utf8'))).toEqual(claims);
  });

  it('names each refusal: alg none, HS256 keyed with the public key, wrong typ, extra header field, another key, a changed payload', () => {
    const raw = publicKey.export({ format: 'jwk' }).x ?? '';
    const input = `${b64({ alg: 'HS256', typ: TYP })}.${b64(claims)}`;
    const hs256 = `${input}.${crypto.createHmac('sha256', Buffer.from(raw, 'base64url')).update(input).digest('base64url')}`;
    const good = signCompact(claims, TYP, privateKey);
    const [h, , s] = good.split('.') as [string, string, string];
    expect(verifyCompact(`${b64({ alg: 'none', typ: TYP })}.${b64(claims)}.`, TYP, publicKey)).toEqual({ ok: false, reason: 'bad_algorithm' });
    expect(verifyCompact(hs256, TYP, publicKey)).toEqual({ ok: false, reason: 'bad_algorithm' });
    expect(verifyCompact(good, 'jarvis-kill+jwt', publicKey)).toEqual({ ok: false, reason: 'bad_typ' });
    const withJwk = `${b64({ alg: 'EdDSA', typ: TYP, jwk: { kty: 'OKP' } })}.${b64(claims)}.${s}`;
    expect(verifyCompact(withJwk, TYP, publicKey)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCompact(signCompact(claims, TYP, crypto.generateKeyPairSync('ed25519').privateKey), TYP, publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCompact(`${h}.${b64({ ...claims, args: { path: '/etc' } })}.${s}`, TYP, publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCompact('a.b', TYP, publicKey)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyCompact(`${h}.${b64(claims)}.${s}=`, TYP, publicKey)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses the malleable twin of a valid signature (S + L), which a lax verifier accepts', () => {
    const good = signCompact(claims, TYP, privateKey);
    const [h, p, s] = good.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    // S is the little-endian second half; adding the group order L gives a different encoding of the same point equation.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let S = 0n;
    for (let i = 63; i >= 32; i--) S = (S << 8n) | BigInt(sig[i] ?? 0);
    const twin = S + L;
    expect(twin < 2n ** 256n).toBe(true);
    const out = Buffer.from(sig);
    let v = twin;
    for (let i = 32; i < 64; i++) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    expect(verifyCompact(`${h}.${p}.${out.toString('base64url')}`, TYP, publicKey)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCompact(good, TYP, publicKey).ok).toBe(true);
  });

  it('parses a raw public key once and refuses one of the wrong length', () => {
    const raw = publicKey.export({ format: 'jwk' }).x ?? '';
    expect(ed25519PublicKey(raw)).toBe(ed25519PublicKey(raw));
    expect(() => ed25519PublicKey(Buffer.alloc(31).toString('base64url'))).toThrow(/32 bytes/);
  });
});
