// Bench harness: entry and row types, percentiles, temp folders, and the table / JSON printer with pass-fail marks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a figure is compared against, measured in the same run so machine and disk noise hit both. */
export interface Baseline {
  name: string;
  value: number;
  unit: string;
  /** Exactly what the baseline measured, printed as a note under the table. */
  what: string;
}

/** A target on the row's value or on its ratio to the baseline. */
export interface Goal {
  of: 'ratio' | 'value';
  op: '>=' | '<=';
  target: number;
}

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: Baseline;
  /** value ÷ baseline.value */
  ratio: number;
  goal?: Goal;
}

export interface BenchContext {
  /** Progress for people watching; goes to stderr so `--json` stays clean. */
  log(message: string): void;
  /** A line printed under the entry's table (sizes, rounds, the disk it ran on). */
  note(message: string): void;
  /** A fresh folder removed when the entry ends, even when it throws. */
  tempDir(prefix: string): string;
}

export interface BenchEntry {
  name: string;
  /** One line on what the entry answers. */
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]> | BenchRow[];
}

export interface EntryResult {
  name: string;
  title: string;
  rows: BenchRow[];
  notes: string[];
  seconds: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Nanoseconds between two hrtime.bigint() readings, as microseconds. */
export const nsToUs = (ns: bigint): number => Number(ns) / 1000;

/** Wall time of fn in milliseconds, with its result. */
export function timeMs<T>(fn: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export function row(name: string, value: number, unit: string, baseline: Baseline, goal?: Goal): BenchRow {
  const r: BenchRow = { name, value, unit, baseline, ratio: value / baseline.value };
  if (goal) r.goal = goal;
  return r;
}

export function goalMet(r: BenchRow): boolean | null {
  if (!r.goal) return null;
  const actual = r.goal.of === 'ratio' ? r.ratio : r.value;
  return r.goal.op === '>=' ? actual >= r.goal.target : actual <= r.goal.target;
}

/** Linux filesystem name of a folder (fsync cost depends on it); "unknown" elsewhere. */
export function filesystemOf(dir: string): string {
  const MAGIC: Record<number, string> = {
    0xef53: 'ext4',
    0x01021994: 'tmpfs',
    0x58465342: 'xfs',
    0x9123683e: 'btrfs',
    0x794c7630: 'overlayfs',
    0x2fc12fc1: 'zfs',
    0x6969: 'nfs',
  };
  try {
    const type = fs.statfsSync(dir).type;
    return MAGIC[type] ?? `fs type 0x${type.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

/** Where temp databases go: BENCH_DIR if set (to bench a particular disk), else the OS temp folder. */
export const benchRoot = (): string => process.env.BENCH_DIR ?? os.tmpdir();

export async function runEntry(entry: BenchEntry, log: (m: string) => void): Promise<EntryResult> {
  const notes: string[] = [];
  const dirs: string[] = [];
  const ctx: BenchContext = {
    log: (m) => log(`[${entry.name}] ${m}`),
    note: (m) => notes.push(m),
    tempDir: (prefix) => {
      const dir = fs.mkdtempSync(path.join(benchRoot(), `jarvis-bench-${prefix}-`));
      dirs.push(dir);
      return dir;
    },
  };
  const start = process.hrtime.bigint();
  try {
    const rows = await entry.run(ctx);
    return { name: entry.name, title: entry.title, rows, notes, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const formatGoal = (g: Goal): string => `${g.of} ${g.op === '>=' ? '≥' : '≤'} ${g.target}`;

function mark(r: BenchRow): string {
  const met = goalMet(r);
  return met === null ? 'info' : met ? 'pass' : 'FAIL';
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The human report: per entry a table, then one note per distinct baseline and the entry's own notes. */
export function formatResults(results: readonly EntryResult[]): string {
  const out: string[] = [];
  for (const res of results) {
    out.push(`\n== ${res.name}: ${res.title} (${res.seconds.toFixed(1)} s)`);
    const body = res.rows.map((r) => [
      r.name,
      `${formatNumber(r.value)} ${r.unit}`,
      `${formatNumber(r.baseline.value)} ${r.baseline.unit} (${r.baseline.name})`,
      formatNumber(r.ratio),
      r.goal ? formatGoal(r.goal) : '-',
      mark(r),
    ]);
    out.push(table(['figure', 'value', 'baseline (what it is)', 'ratio', 'goal', 'mark'], body));
    // Rows sharing a baseline (throughput and its percentiles) get one note, not one each.
    const byWhat = new Map<string, string[]>();
    for (const r of res.rows) {
      const names = byWhat.get(r.baseline.what) ?? [];
      if (!names.includes(r.baseline.name)) names.push(r.baseline.name);
      byWhat.set(r.baseline.what, names);
    }
    for (const [what, names] of byWhat) out.push(`  baseline ${names.map((n) => `"${n}"`).join(', ')}: ${what}`);
    for (const n of res.notes) out.push(`  note: ${n}`);
  }
  const failed = results.flatMap((res) => res.rows.filter((r) => goalMet(r) === false).map((r) => `${res.name} / ${r.name}`));
  out.push('', failed.length === 0 ? 'All goals met.' : `Goals missed: ${failed.join('; ')}`);
  return out.join('\n');
}

export function environment(): Record<string, string | number> {
  return {
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    benchDir: benchRoot(),
    filesystem: filesystemOf(benchRoot()),
  };
}

export function toJson(results: readonly EntryResult[]): string {
  const pass = results.every((res) => res.rows.every((r) => goalMet(r) !== false));
  return JSON.stringify(
    { environment: environment(), pass, entries: results.map((res) => ({ ...res, rows: res.rows.map((r) => ({ ...r, pass: goalMet(r) })) })) },
    null,
    2,
  );
}
