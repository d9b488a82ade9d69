// The daemon's surface for its command line and for tests: start a daemon, make a pairing code, read its settings.
export { startDaemon, DEFAULT_CAPABILITIES_PATH, type RunningDaemon, type StartDaemonOptions } from './server';
export { createPairingCode, type PairingCode } from './pairing';
export { loadDaemonSettings, defaultDaemonHome, DaemonConfigError, type DaemonSettings } from './settings';
export { verifyAudit, type AuditVerification } from './audit';
export { storeFile } from './store';
