// Maps SQLite's "cannot write now" failures (locked, busy, disk full, I/O) to one error people can act on.
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly sqliteCode: string,
    message: string,
  ) {
    super(message);
  }
}

const HINTS: Record<string, string> = {
  SQLITE_BUSY: 'the database is locked by another process; try again shortly, or close the program holding it',
  SQLITE_LOCKED: 'the database is locked; try again shortly',
  SQLITE_FULL: 'the disk (or the database size limit) is full; free some space and try again',
  SQLITE_IOERR: 'the disk reported an I/O error; check the disk and free space',
  SQLITE_READONLY: 'the database is read-only; check the permissions of the data folder',
  SQLITE_CANTOPEN: 'the database file cannot be opened; check the data folder exists and is writable',
};

/** Returns a StoreUnavailableError for transient/environmental SQLite failures, else null. */
export function asStoreError(err: unknown): StoreUnavailableError | null {
  if (err instanceof StoreUnavailableError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const base = Object.keys(HINTS).find((k) => code === k || code.startsWith(`${k}_`));
  if (!base) return null;
  return new StoreUnavailableError(code, `Storage unavailable: ${HINTS[base]} (${code}). Nothing was written.`);
}
