// Walks the whole chain offline and names the first broken row; checks the tail against signed checkpoints.
import type { Db } from '../db';
import { GENESIS_HASH, rowHash, type HashedFields } from './canonical';
import type { CheckpointStore, SignedCheckpoint } from './checkpoints';
import type { BreakReason, Verification } from './types';

type Broken = NonNullable<Verification['broken']>;

const broken = (id: number | null, reason: BreakReason, message: string): Broken => ({ id, reason, message });

export function verifyChain(db: Db, checkpoints?: CheckpointStore, now = new Date()): Verification {
  const read = checkpoints?.read();
  const valid = read?.valid ?? [];
  // Every signed checkpoint must match the row it counted; the newest one also bounds the tail.
  const expectedAt = new Map<number, SignedCheckpoint>();
  for (const c of valid) expectedAt.set(c.count, c);
  const latest = valid.at(-1) ?? null;

  let first: Broken | null = null;
  if (read?.keyMissing) first = broken(null, 'checkpoint_invalid', 'Checkpoints exist but the checkpoint public key is missing, so they cannot be checked.');
  else if (read && read.invalid.length > 0) {
    const bad = read.invalid[0];
    first = broken(null, 'checkpoint_invalid', `Checkpoint file line ${bad?.line}: ${bad?.reason}.`);
  }

  let rows = 0;
  let prevHash = GENESIS_HASH;
  const iter = db
    .prepare('SELECT id, ts, trace_id, parent_id, type, actor, subject, payload, prev_hash, hash FROM audit_events ORDER BY id')
    .iterate() as IterableIterator<HashedFields & { hash: string }>;
  for (const row of iter) {
    rows += 1;
    if (!first) {
      if (row.id !== rows) {
        first = broken(row.id, 'id_gap', `Row ${row.id} follows row ${rows - 1}: rows ${rows}…${row.id - 1} are missing.`);
      } else if (row.prev_hash !== prevHash) {
        first = broken(row.id, 'prev_hash_mismatch', `Row ${row.id} does not point at the hash of row ${row.id - 1}: the chain was re-linked.`);
      } else if (rowHash(row) !== row.hash) {
        first = broken(row.id, 'hash_mismatch', `Row ${row.id} (${row.type}) does not match its hash: its contents were changed after it was written.`);
      } else {
        const cp = expectedAt.get(row.id);
        if (cp && cp.head_hash !== row.hash) {
          first = broken(row.id, 'checkpoint_mismatch', `Row ${row.id} differs from the checkpoint signed at ${cp.ts}: the chain was rewritten from here.`);
        }
      }
    }
    prevHash = row.hash;
  }
  if (!first && latest && rows < latest.count) {
    first = broken(
      rows + 1,
      'truncated',
      `The checkpoint signed at ${latest.ts} counted ${latest.count} rows, but the database has ${rows}: rows ${rows + 1}…${latest.count} were deleted.`,
    );
  }
  return {
    ok: first === null,
    rows,
    head_hash: prevHash,
    checked_at: now.toISOString(),
    checkpoint: latest ? { count: latest.count, head_hash: latest.head_hash, ts: latest.ts } : null,
    broken: first,
  };
}
