// The MCP server store: each server's config, trust policy and consent in SQLite; every change audited in the same transaction.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { McpServerConfig, McpTrustPolicy, type McpAddServerRequest } from '../../../src-shared/contract/mcp';

export type McpServerStatus = 'awaiting_consent' | 'enabled' | 'disabled';

export interface McpServerRecord {
  name: string;
  transport: 'stdio' | 'http';
  config: McpServerConfig;
  policy: McpTrustPolicy;
  status: McpServerStatus;
  added_by: string;
  added_at: string;
  consented_by: string | null;
  consented_at: string | null;
  baseline_at: string | null;
}

interface Row {
  name: string;
  transport: 'stdio' | 'http';
  config: string;
  policy: string;
  status: McpServerStatus;
  added_by: string;
  added_at: string;
  consented_by: string | null;
  consented_at: string | null;
  baseline_at: string | null;
}

/** A stored row that no longer reads (edited by hand, or from a newer Jarvis). */
export class McpStoreError extends Error {}

function toRecord(r: Row): McpServerRecord {
  const config = McpServerConfig.safeParse(JSON.parse(r.config));
  const policy = McpTrustPolicy.safeParse(JSON.parse(r.policy));
  if (!config.success || !policy.success) throw new McpStoreError(`MCP server "${r.name}": the stored ${config.success ? 'policy' : 'config'} is not valid; remove and add it again.`);
  return { ...r, config: config.data, policy: policy.data };
}

export class McpServerExistsError extends Error {}

export class McpServerStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  list(): { servers: McpServerRecord[]; errors: { name: string; message: string }[] } {
    const servers: McpServerRecord[] = [];
    const errors: { name: string; message: string }[] = [];
    for (const row of stmt(this.db, 'SELECT * FROM mcp_servers ORDER BY name').all() as Row[]) {
      try {
        servers.push(toRecord(row));
      } catch (err) {
        errors.push({ name: row.name, message: (err as Error).message });
      }
    }
    return { servers, errors };
  }

  get(name: string): McpServerRecord | undefined {
    const row = stmt(this.db, 'SELECT * FROM mcp_servers WHERE name = ?').get(name) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Stored as awaiting consent: nothing runs until a person consents to exactly this command. */
  add(request: McpAddServerRequest, config: McpServerConfig, commandLine: string, by: string): McpServerRecord {
    const now = new Date().toISOString();
    this.audit.transaction(() => {
      if (this.get(request.name)) throw new McpServerExistsError(`An MCP server named "${request.name}" already exists; remove it first or pick another name.`);
      stmt(this.db, 'INSERT INTO mcp_servers (name, transport, config, policy, status, added_by, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        request.name,
        request.transport,
        JSON.stringify(config),
        JSON.stringify(request.policy),
        'awaiting_consent',
        by,
        now,
        now,
      );
      this.audit.append({ type: 'mcp.server_added', actor: by, subject: request.name, payload: { server: request.name, transport: request.transport, command_line: commandLine, environment: config.transport === 'stdio' ? config.env : [], policy: request.policy } });
    });
    return this.require(request.name);
  }

  require(name: string): McpServerRecord {
    const record = this.get(name);
    if (!record) throw new McpStoreError(`No MCP server named "${name}".`);
    return record;
  }

  setStatus(name: string, status: McpServerStatus, by: string, audit: { type: string; payload: Record<string, unknown> }): McpServerRecord {
    const now = new Date().toISOString();
    this.audit.transaction(() => {
      if (status === 'enabled') stmt(this.db, 'UPDATE mcp_servers SET status = ?, consented_by = ?, consented_at = ?, updated_at = ? WHERE name = ?').run(status, by, now, now, name);
      else stmt(this.db, 'UPDATE mcp_servers SET status = ?, updated_at = ? WHERE name = ?').run(status, now, name);
      this.audit.append({ type: audit.type, actor: by, subject: name, payload: { server: name, ...audit.payload } });
    });
    return this.require(name);
  }

  setPolicy(name: string, policy: McpTrustPolicy, by: string): McpServerRecord {
    const before = this.require(name).policy;
    this.audit.transaction(() => {
      stmt(this.db, 'UPDATE mcp_servers SET policy = ?, updated_at = ? WHERE name = ?').run(JSON.stringify(policy), new Date().toISOString(), name);
      this.audit.append({ type: 'mcp.policy_changed', actor: by, subject: name, payload: { server: name, from: before, to: policy } });
    });
    return this.require(name);
  }

  /** Marks the tools offered right after consent as covered by it; `fn` records their reviews in the same transaction. */
  takeBaseline(name: string, by: string, tools: string[], fn: () => void): void {
    this.audit.transaction(() => {
      stmt(this.db, 'UPDATE mcp_servers SET baseline_at = ?, updated_at = ? WHERE name = ? AND baseline_at IS NULL').run(new Date().toISOString(), new Date().toISOString(), name);
      fn();
      this.audit.append({ type: 'mcp.tools_approved_by_consent', actor: by, subject: name, payload: { server: name, tools } });
    });
  }

  remove(name: string, by: string, fn: () => void): void {
    this.audit.transaction(() => {
      stmt(this.db, 'DELETE FROM mcp_servers WHERE name = ?').run(name);
      fn();
      this.audit.append({ type: 'mcp.server_removed', actor: by, subject: name, payload: { server: name } });
    });
  }
}
