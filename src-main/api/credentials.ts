// The per-install API token (a 0600 file) and short-lived one-time sign-in codes that hand it to a page.
import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from '../core/util/ids';
import { tokenMatches } from './guards';

export const tokenFile = (home: string) => path.join(home, 'api-token');

/** Reads the token, creating it (mode 0600) on first start. */
export function loadOrCreateToken(home: string): string {
  const file = tokenFile(home);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const token = randomToken(32);
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return token;
}

/** One-time sign-in codes: each works once, for a few minutes. */
export class SignInCodes {
  private readonly codes = new Map<string, number>();
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly now = () => Date.now(),
  ) {}

  issue(): string {
    const code = randomToken(24);
    this.codes.set(code, this.now() + this.ttlMs);
    return code;
  }

  /** Consumes the code: true once for a code that was issued and has not expired. */
  redeem(code: string): boolean {
    const now = this.now();
    let found = false;
    for (const [known, expires] of this.codes) {
      if (expires < now) this.codes.delete(known);
      else if (tokenMatches(code, known)) {
        this.codes.delete(known);
        found = true;
      }
    }
    return found;
  }
}
