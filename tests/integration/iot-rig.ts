// What the home tests share: a real daemon process, pairing it with a real `jarvis serve`, waiting, and a grep for secrets over every file.
import fs from 'node:fs';
import path from 'node:path';

export { pair, startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process';

/** Polls until fn returns something truthy; fails naming what it waited for. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Every file under the folders (databases and their WAL included, read as bytes) that holds one of the secrets, except those allowed to. */
export function filesHolding(secrets: string[], dirs: string[], allowed: string[] = []): string[] {
  const hits: string[] = [];
  for (const file of dirs.flatMap((d) => walk(d))) {
    if (allowed.includes(file)) continue;
    const bytes = fs.readFileSync(file);
    if (secrets.some((s) => bytes.includes(Buffer.from(s, 'utf8')))) hits.push(file);
  }
  return hits;
}
