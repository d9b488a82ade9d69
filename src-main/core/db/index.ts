// Store surface: open a migrated database.
export { openDatabase } from './connection';
export type { Db, OpenOptions } from './connection';
export { migrate, loadMigrations, currentVersion, DatabaseTooNewError } from './migrations';
export { StoreUnavailableError, asStoreError } from './errors';
export { stmt } from './statements';
export { loadVectorExtension, vectorExtensionPath, VectorExtensionError } from './vector-extension';
