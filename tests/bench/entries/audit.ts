// Audit trail benches: durable append against a bare SQLite insert ceiling, and verifying 100k rows against reading them.
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog, canonicalJson, GENESIS_HASH, redactSecrets, rowHash, verifyChain } from '../../../src-main/core/audit';
import type { AuditInput } from '../../../src-main/core/audit';
import { openDatabase, type Db } from '../../../src-main/core/db';
import { filesystemOf, median, nsToUs, percentile, row, timeMs, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}; got "${raw}".`);
  return n;
}

const TYPES = ['event.ingested', 'tool.invoked', 'task.step_succeeded', 'gate.required', 'approval.granted'] as const;
const ACTORS = ['system', 'api', 'person', 'schedule', 'rule', 'llm'] as const;

/** Event i of a deterministic stream shaped like real traffic: short ids, a nested payload of 100–300 bytes. */
function eventInput(i: number, traceId: string): AuditInput {
  return {
    type: TYPES[i % TYPES.length] ?? 'event.ingested',
    actor: ACTORS[i % ACTORS.length] ?? 'system',
    subject: i % 3 === 0 ? null : `tool:lights.set#${i % 50}`,
    traceId,
    payload: {
      seq: i,
      entity: 'light.kitchen',
      args: { brightness: i % 256, transition_s: (i % 5) / 2 },
      ok: i % 7 !== 0,
      note: 'n'.repeat(20 + ((i * 37) % 180)),
    },
  };
}

const COLUMNS = ['id', 'ts', 'trace_id', 'parent_id', 'type', 'actor', 'subject', 'payload', 'prev_hash', 'hash'] as const;
type RawRow = [number, string, string, number | null, string, string, string | null, string, string, string];

/** The rows the writer would produce for these inputs, hashes and canonical payloads computed ahead of any timing. */
function precomputeRows(inputs: readonly AuditInput[]): RawRow[] {
  const base = Date.now();
  let prev = GENESIS_HASH;
  return inputs.map((input, k) => {
    const fields = {
      id: k + 1,
      ts: new Date(base + k).toISOString(),
      trace_id: input.traceId ?? '',
      parent_id: input.parentId ?? null,
      type: input.type,
      actor: input.actor,
      subject: input.subject ?? null,
      payload: canonicalJson(redactSecrets(input.payload ?? {})),
      prev_hash: prev,
    };
    const hash = rowHash(fields);
    prev = hash;
    return [fields.id, fields.ts, fields.trace_id, fields.parent_id, fields.type, fields.actor, fields.subject, fields.payload, fields.prev_hash, hash];
  });
}

/** A fresh SQLite file with the connection settings openDatabase uses and a copy of the migrated audit_events schema. */
function openRawTwin(file: string, source: Db): Database.Database {
  const raw = new Database(file);
  raw.pragma('busy_timeout = 2000');
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = FULL');
  // Table, indexes and triggers exactly as the migrations left them (autoindexes have no SQL and come with the table).
  const schema = source
    .prepare(
      `SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_events' AND sql IS NOT NULL
       ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name`,
    )
    .pluck()
    .all() as string[];
  for (const sql of schema) raw.exec(sql);
  for (const pragma of ['journal_mode', 'synchronous', 'foreign_keys']) {
    const a: unknown = source.pragma(pragma, { simple: true });
    const b: unknown = raw.pragma(pragma, { simple: true });
    if (a !== b) throw new Error(`The raw twin differs from the store in ${pragma}: ${String(a)} vs ${String(b)}.`);
  }
  return raw;
}

interface Series {
  latenciesUs: number[];
  wallNs: bigint;
  count: number;
}
const emptySeries = (): Series => ({ latenciesUs: [], wallNs: 0n, count: 0 });

function timeEach(series: Series, from: number, to: number, op: (k: number) => void): void {
  const start = process.hrtime.bigint();
  for (let k = from; k < to; k += 1) {
    const t0 = process.hrtime.bigint();
    op(k);
    series.latenciesUs.push(nsToUs(process.hrtime.bigint() - t0));
  }
  series.wallNs += process.hrtime.bigint() - start;
  series.count += to - from;
}

const perSecond = (s: Series): number => s.count / (Number(s.wallNs) / 1e9);
const countRows = (db: Database.Database): number => db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;

function auditAppend(ctx: BenchContext): BenchRow[] {
  const n = intEnv('BENCH_AUDIT_N', 2000, 8);
  const rounds = 8;
  const warmup = 50;
  const inputs = Array.from({ length: warmup + n }, (_, k) => eventInput(k, crypto.randomUUID()));
  const rows = precomputeRows(inputs);

  const auditDir = ctx.tempDir('audit');
  const rawDir = ctx.tempDir('raw');
  const db = openDatabase(path.join(auditDir, 'jarvis.db'));
  const raw = openRawTwin(path.join(rawDir, 'raw.db'), db);
  try {
    const log = new AuditLog(db, {});
    const begin = raw.prepare('BEGIN IMMEDIATE');
    const commit = raw.prepare('COMMIT');
    const insert = raw.prepare(`INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    const appendOne = (k: number): void => void log.append(inputs[k] as AuditInput);
    const insertOne = (k: number): void => {
      begin.run();
      insert.run(...(rows[k] as RawRow));
      commit.run();
    };

    // Warm-up rows (WAL file creation, statement caches, JIT) are written by both but not counted.
    for (let k = 0; k < warmup; k += 1) {
      appendOne(k);
      insertOne(k);
    }
    const audit = emptySeries();
    const bare = emptySeries();
    const roundRatios: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const before = { audit: audit.wallNs, bare: bare.wallNs };
      const from = warmup + Math.floor((r * n) / rounds);
      const to = warmup + Math.floor(((r + 1) * n) / rounds);
      // Alternate who goes first so a slow patch of disk or a checkpoint lands on both alike.
      if (r % 2 === 0) {
        timeEach(audit, from, to, appendOne);
        timeEach(bare, from, to, insertOne);
      } else {
        timeEach(bare, from, to, insertOne);
        timeEach(audit, from, to, appendOne);
      }
      // Same event count per side in a round, so the throughput ratio is the inverse ratio of wall times.
      roundRatios.push(Number(bare.wallNs - before.bare) / Number(audit.wallNs - before.audit));
      ctx.log(`round ${r + 1}/${rounds}: ${to - from} events each`);
    }

    const verified = verifyChain(db);
    if (!verified.ok || verified.rows !== warmup + n) throw new Error(`The benched chain does not verify: ${JSON.stringify(verified.broken)}`);
    if (countRows(raw) !== warmup + n) throw new Error('The raw twin is missing rows.');

    const what =
      `bare better-sqlite3, one prepared positional INSERT of the same ${n} rows (same column values and payload lengths, ` +
      'hashes and canonical payloads precomputed) into a copy of the migrated audit_events table (same indexes and triggers) in a fresh ' +
      'SQLite file with journal_mode=WAL, synchronous=FULL, foreign_keys=ON; each row in its own BEGIN IMMEDIATE … COMMIT (one commit per event, like the writer)';
    const baseline = (value: number, unit: string) => ({ name: 'raw INSERT', value, unit, what });
    ctx.note(
      `audit = AuditLog.append on openDatabase() (redact, canonical JSON, head read, sha256, INSERT, COMMIT per event); ` +
        `${n} events per side in ${rounds} interleaved rounds (order alternating), ${warmup} warm-up events each not counted; ` +
        `latency per call via hrtime; events/s = events ÷ summed round wall time; disk: ${filesystemOf(auditDir)} under ${path.dirname(auditDir)}.`,
    );
    ctx.note(
      `per-round throughput ratios ${roundRatios.map((x) => x.toFixed(2)).join(', ')} (the spread shows how much disk noise the total absorbed).`,
    );
    ctx.note('p50/p99 ratios are audit ÷ raw latency (above 1 = slower); the goal is on throughput only.');
    return [
      row('audit append', perSecond(audit), 'events/s', baseline(perSecond(bare), 'events/s'), { of: 'ratio', op: '>=', target: 0.5 }),
      row('audit append p50', percentile(audit.latenciesUs, 50), 'µs', baseline(percentile(bare.latenciesUs, 50), 'µs')),
      row('audit append p99', percentile(audit.latenciesUs, 99), 'µs', baseline(percentile(bare.latenciesUs, 99), 'µs')),
    ];
  } finally {
    raw.close();
    db.close();
  }
}

function auditVerify(ctx: BenchContext): BenchRow[] {
  const n = intEnv('BENCH_VERIFY_N', 100_000, 1);
  const rounds = 3;
  const dir = ctx.tempDir('verify');
  const db = openDatabase(path.join(dir, 'jarvis.db'));
  try {
    const log = new AuditLog(db, {});
    const traces = Array.from({ length: 64 }, () => crypto.randomUUID());
    // One outer transaction: the writer joins it, so building the chain costs no per-row commit.
    const built = timeMs(() =>
      db.transaction(() => {
        for (let i = 0; i < n; i += 1) log.append(eventInput(i, traces[i % traces.length] ?? 'trace'));
      })(),
    );
    ctx.log(`built ${n} chained rows in ${(built.ms / 1000).toFixed(1)} s`);

    const readAll = (): number => {
      let count = 0;
      for (const _row of db.prepare('SELECT * FROM audit_events ORDER BY id').iterate()) count += 1;
      return count;
    };
    const verifyAll = (): number => {
      const result = verifyChain(db);
      if (!result.ok) throw new Error(`verifyChain reported a break in a freshly built chain: ${JSON.stringify(result.broken)}`);
      return result.rows;
    };
    // One untimed pass warms the page cache, so both figures are CPU-bound reads of the same pages.
    if (readAll() !== n) throw new Error(`Expected ${n} rows after building the chain.`);
    const verifyMs: number[] = [];
    const readMs: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const pair = r % 2 === 0 ? [verifyAll, readAll] : [readAll, verifyAll];
      for (const fn of pair) {
        const t = timeMs(fn);
        if (t.result !== n) throw new Error(`Expected ${n} rows, got ${t.result}.`);
        (fn === verifyAll ? verifyMs : readMs).push(t.ms);
      }
    }
    ctx.note(
      `informational, no goal: the ratio is what hashing and checking every row costs on top of reading it. ` +
        `Median of ${rounds} alternating runs each, after one warm-up read; chain built with the real AuditLog in one transaction in ${(built.ms / 1000).toFixed(1)} s.`,
    );
    return [
      row(`verifyChain ${n.toLocaleString('en-US')} rows`, median(verifyMs), 'ms', {
        name: 'plain read',
        value: median(readMs),
        unit: 'ms',
        what: `SELECT * FROM audit_events ORDER BY id iterated through better-sqlite3 on the same ${n} rows, doing nothing with them (the read cost alone)`,
      }),
    ];
  } finally {
    db.close();
  }
}

export const entries: BenchEntry[] = [
  { name: 'audit-append', title: 'durable audit appends vs. the bare SQLite one-commit-per-row ceiling', run: auditAppend },
  { name: 'audit-verify', title: 'verifying the whole chain (100k rows by default) vs. just reading it', run: auditVerify },
];
