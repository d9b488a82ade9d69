// Audit types shared by the writer, verifier and exporter (the wire shapes live in the API contract).
export type { AuditEvent, AuditQuery, Verification, BreakReason } from '../../../src-shared/contract/audit';

export interface AuditInput {
  type: string;
  actor: string;
  subject?: string | null;
  traceId?: string;
  parentId?: number | null;
  payload?: Record<string, unknown>;
}
