// The runner table: one runner per capability id, and OS errors nobody classified still arrive as failures with words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITY_IDS } from '../protocol';
import { CAPABILITY_RUNNERS, CapabilityFailed } from './index';

describe('CAPABILITY_RUNNERS', () => {
  it('has exactly one runner per capability id, frozen', () => {
    expect(Object.keys(CAPABILITY_RUNNERS).sort()).toEqual([...CAPABILITY_IDS].sort());
    expect(Object.isFrozen(CAPABILITY_RUNNERS)).toBe(true);
  });

  it('turns an unclassified OS error into a CapabilityFailed naming the capability', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-runners-'));
    try {
      const ctx = { config: { file_move: { risk: 'low' as const, confirm: 'never' as const, confirm_timeout_s: 60, roots: [root] } }, platform: 'linux' as const, env: {}, signal: new AbortController().signal };
      // A name longer than any file system allows: realpath fails with ENAMETOOLONG, which no check expects.
      const err = await CAPABILITY_RUNNERS.file_move({ from: path.join(root, 'x'.repeat(300), 'f'), to: path.join(root, 'g'), overwrite: false }, ctx).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CapabilityFailed);
      expect(err).toMatchObject({ code: 'io_error' });
      expect((err as Error).message).toMatch(/^file_move failed: .*ENAMETOOLONG/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
