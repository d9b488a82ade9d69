// The core's surface for the composition root and the API.
export { openCore, databasePath, checkpointDir } from './core';
export type { Core } from './core';
