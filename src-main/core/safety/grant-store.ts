// Stored grants: a person's standing permission for one tool with an argument pattern, until it expires or is revoked.
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { Grant as GrantView } from '../../../src-shared/contract/safety';
import type { Risk } from '../tools/types';
import { describeScope, type Grant, type GrantScope } from './policy';

interface Row {
  id: string;
  scope: string;
  description: string;
  risk_ceiling: Risk;
  approval_id: string | null;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const toView = (r: Row): GrantView => ({ ...r, scope: JSON.parse(r.scope) as unknown });

export class GrantStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  create(scope: GrantScope, riskCeiling: Risk, minutes: number, by: string, approvalId: string | null): GrantView {
    const now = this.now();
    const row: Row = {
      id: newId(),
      scope: JSON.stringify(scope),
      description: describeScope(scope),
      risk_ceiling: riskCeiling,
      approval_id: approvalId,
      created_by: by,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + minutes * 60_000).toISOString(),
      revoked_at: null,
    };
    stmt(this.db, 'INSERT INTO grants (id, scope, description, risk_ceiling, approval_id, created_by, created_at, expires_at) VALUES (@id, @scope, @description, @risk_ceiling, @approval_id, @created_by, @created_at, @expires_at)').run(row);
    return toView(row);
  }

  /** Grants that have not expired or been revoked, in the shape the policy matcher reads. */
  active(): Grant[] {
    const rows = stmt(this.db, 'SELECT * FROM grants WHERE revoked_at IS NULL AND expires_at > ?').all(new Date(this.now()).toISOString()) as Row[];
    return rows.map((r) => ({ id: r.id, scope: JSON.parse(r.scope) as GrantScope, risk_ceiling: r.risk_ceiling, expires_at: Date.parse(r.expires_at), revoked: false }));
  }

  list(): GrantView[] {
    return (stmt(this.db, 'SELECT * FROM grants ORDER BY created_at DESC LIMIT 200').all() as Row[]).map(toView);
  }

  get(id: string): GrantView | undefined {
    const row = stmt(this.db, 'SELECT * FROM grants WHERE id = ?').get(id) as Row | undefined;
    return row ? toView(row) : undefined;
  }

  revoke(id: string, by: string): boolean {
    return stmt(this.db, 'UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(new Date(this.now()).toISOString(), by, id).changes === 1;
  }
}
