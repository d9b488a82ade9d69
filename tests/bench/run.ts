// `npm run bench [-- --only <name>] [--json]`: runs every entry in tests/bench/entries/*.ts in order and prints the table.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { environment, formatResults, goalMet, runEntry, toJson, type BenchEntry, type EntryResult } from './harness';

const USAGE = `Usage: tsx tests/bench/run.ts [--only <name>]... [--json] [--list]
  --only <name>  run only entries whose name (or file name) contains <name>; repeatable
  --json         print the results as JSON on stdout (progress still goes to stderr)
  --list         print the entry names and exit
Environment: BENCH_DIR (folder for temp databases), plus per-entry sizes (e.g. BENCH_AUDIT_N, BENCH_VERIFY_N).`;

/** A mistake in how the bench was called: printed without a stack trace. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Args {
  only: string[];
  json: boolean;
  list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: [], json: false, list: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') args.json = true;
    else if (arg === '--list') args.list = true;
    else if (arg === '--only') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) throw new UsageError(`--only needs an entry name.\n${USAGE}`);
      args.only.push(value.toLowerCase());
      i += 1;
    } else if (arg.startsWith('--only=')) args.only.push(arg.slice('--only='.length).toLowerCase());
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`Unknown argument "${arg}".\n${USAGE}`);
  }
  return args;
}

const isEntry = (value: unknown): value is BenchEntry =>
  typeof value === 'object' && value !== null && typeof (value as BenchEntry).name === 'string' && typeof (value as BenchEntry).run === 'function';

/** Each entries/*.ts file exports `entries: BenchEntry[]`; files run in name order, entries in array order. */
async function loadEntries(): Promise<{ file: string; entry: BenchEntry }[]> {
  const dir = path.join(__dirname, 'entries');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
  const loaded: { file: string; entry: BenchEntry }[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { entries?: unknown; default?: { entries?: unknown } };
    const list = mod.entries ?? mod.default?.entries;
    if (!Array.isArray(list) || !list.every(isEntry)) {
      throw new Error(`tests/bench/entries/${file} must export \`entries\`: an array of { name, title, run }.`);
    }
    for (const entry of list) loaded.push({ file: path.basename(file, '.ts'), entry });
  }
  const names = loaded.map((l) => l.entry.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`Two bench entries are named "${dup}"; names must be unique so --only can pick one.`);
  return loaded;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const all = await loadEntries();
  if (args.list) {
    for (const { file, entry } of all) console.log(`${entry.name}  (${file}.ts)  ${entry.title}`);
    return;
  }
  const chosen =
    args.only.length === 0
      ? all
      : all.filter(({ file, entry }) => args.only.some((o) => entry.name.toLowerCase().includes(o) || file.toLowerCase() === o));
  if (chosen.length === 0) {
    throw new UsageError(`No bench entry matches --only ${args.only.join(', ')}. Entries: ${all.map((l) => l.entry.name).join(', ')}.`);
  }

  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const env = environment();
  log(`bench: node ${env.node}, ${env.cpus} × ${env.cpu}, temp databases in ${env.benchDir} (${env.filesystem})`);
  const results: EntryResult[] = [];
  for (const { entry } of chosen) {
    log(`[${entry.name}] ${entry.title}`);
    results.push(await runEntry(entry, log));
  }

  if (args.json) console.log(toJson(results));
  else console.log(formatResults(results));
  // A missed goal fails the command, so a regression cannot scroll by unnoticed.
  if (results.some((res) => res.rows.some((r) => goalMet(r) === false))) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? err.message : err);
  process.exitCode = 2;
});
