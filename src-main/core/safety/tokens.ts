// API tokens with roles: the install token is the owner; others are created, shown once, stored only as a hash.
import crypto from 'node:crypto';
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId, randomToken } from '../util/ids';
import type { Role } from '../../../src-shared/contract/safety';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, owner: 2 };

export class TokenStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Returns the new token; it cannot be read again. */
  create(role: Role, name: string, by: string): { id: string; token: string; role: Role } {
    const token = randomToken(32);
    const id = newId();
    this.audit.transaction(() => {
      stmt(this.db, 'INSERT INTO api_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, name, role, sha256(token), new Date().toISOString());
      this.audit.append({ type: 'api.token_created', actor: by, subject: id, payload: { token_id: id, name, role } });
    });
    return { id, token, role };
  }

  /** The role of a presented token, or null. Lookup is by hash, so timing reveals nothing about stored tokens. */
  roleOf(presented: string): Role | null {
    const row = stmt(this.db, 'SELECT role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(sha256(presented)) as { role: Role } | undefined;
    return row?.role ?? null;
  }

  revoke(id: string, by: string): boolean {
    const res = stmt(this.db, 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id);
    if (res.changes) this.audit.append({ type: 'api.token_revoked', actor: by, subject: id, payload: { token_id: id } });
    return res.changes === 1;
  }
}
