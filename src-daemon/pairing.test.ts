// Pairing codes: the store keeps only the code's hash, yet the app's HMAC(code, …) proof checks; wrong, expired and reused codes fail.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPairingProof, createPairingCode } from './pairing';
import { openStore, storeFile } from './store';

const proofOf = (code: string, appKey: string, daemonId: string) => crypto.createHmac('sha256', code).update(`${appKey}.${daemonId}`).digest('base64url');

describe('pairing codes', () => {
  const appKey = crypto.randomBytes(32).toString('base64url');

  it('stores no trace of the code itself, and checks a proof made with it exactly once', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-pair-'));
    const { code, daemonId, expiresAt } = createPairingCode(home);
    expect(Buffer.from(code, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(fs.readFileSync(storeFile(home)).includes(Buffer.from(code))).toBe(false);
    const store = openStore(home);
    const now = Math.floor(Date.now() / 1000);
    expect(checkPairingProof(store, appKey, daemonId, proofOf('wrong', appKey, daemonId), now).ok).toBe(false);
    // A proof made for another daemon's id is worthless here.
    expect(checkPairingProof(store, appKey, daemonId, proofOf(code, appKey, 'f'.repeat(64)), now).ok).toBe(false);
    expect(checkPairingProof(store, appKey, daemonId, proofOf(code, appKey, daemonId), now).ok).toBe(true);
    expect(checkPairingProof(store, appKey, daemonId, proofOf(code, appKey, daemonId), now)).toMatchObject({ ok: false, message: expect.stringMatching(/No pairing code/) });
  });

  it('refuses a code after 5 minutes', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-pair-'));
    const { code, daemonId } = createPairingCode(home);
    const store = openStore(home);
    const later = Math.floor(Date.now() / 1000) + 5 * 60 + 1;
    expect(checkPairingProof(store, appKey, daemonId, proofOf(code, appKey, daemonId), later)).toMatchObject({ ok: false, message: expect.stringMatching(/expired/) });
  });
});
