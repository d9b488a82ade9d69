// Audit trail surface: the chained writer, its verifier and exporter, and signed checkpoints.
export { AuditLog } from './log';
export type { AuditLogOptions } from './log';
export { CheckpointStore } from './checkpoints';
export { verifyChain } from './verify';
export { exportTrace } from './export';
export { canonicalJson, rowHash, GENESIS_HASH } from './canonical';
export { redactSecrets, REDACTED } from './redact';
export type { AuditInput, AuditEvent, Verification } from './types';
