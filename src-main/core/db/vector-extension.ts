// Loads sqlite-vec into a connection, from node_modules or from an Electron package's unpacked copy of it.
import path from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import type Database from 'better-sqlite3';

/**
 * A shared library cannot be loaded from inside an asar archive; packaged apps keep such files beside it
 * in `app.asar.unpacked`, so a path through the archive is redirected there.
 */
export function unpackedPath(file: string): string {
  const marker = `${path.sep}app.asar${path.sep}`;
  const at = file.indexOf(marker);
  return at === -1 ? file : `${file.slice(0, at)}${path.sep}app.asar.unpacked${path.sep}${file.slice(at + marker.length)}`;
}

/** The vector extension could not be loaded; the message says which file and what to do. */
export class VectorExtensionError extends Error {
  override readonly name = 'VectorExtensionError';
}

export function vectorExtensionPath(): string {
  try {
    return unpackedPath(getLoadablePath());
  } catch (err) {
    throw new VectorExtensionError(
      `The sqlite-vec extension for ${process.platform}-${process.arch} is not installed (${(err as Error).message}). ` +
        'Reinstall the dependencies (npm ci) on this platform.',
    );
  }
}

/** Loads sqlite-vec; every connection needs it, since memory's vector table is a sqlite-vec virtual table. */
export function loadVectorExtension(db: Database.Database): void {
  const file = vectorExtensionPath();
  try {
    db.loadExtension(file);
  } catch (err) {
    throw new VectorExtensionError(
      `SQLite could not load the sqlite-vec extension from ${file}: ${(err as Error).message}. ` +
        'Check the file exists and matches this platform (a packaged app must unpack node_modules/sqlite-vec-* from its asar archive).',
    );
  }
}
