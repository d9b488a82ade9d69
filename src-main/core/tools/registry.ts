// The tool registry: built-in tools, manifests from $JARVIS_HOME/tools and groups that come and go (MCP servers), with review state.
import { z } from 'zod';
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { loadManifestDir } from './manifest';
import type { ToolDefinition } from './types';
import type { ToolInfo } from '../../../src-shared/contract/tools';

export interface ToolState {
  enabled: boolean;
  reason: string | null;
}

interface ReviewRow {
  digest: string;
  enabled: number;
}

export class UnknownToolError extends Error {
  constructor(readonly tool: string) {
    super(`No tool named "${tool}".`);
  }
}

export interface GroupChange {
  added: string[];
  removed: string[];
  /** Tools that kept their name but not their definition. */
  replaced: string[];
  /** Names another tool already has: not registered. */
  refused: { name: string; message: string }[];
}

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();
  private loadErrors: { file: string; message: string }[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    builtins: readonly ToolDefinition[],
    private readonly userDir?: string,
  ) {
    for (const t of builtins) this.tools.set(t.name, t);
    this.reload();
  }

  /** Told after the set of tools changed (a reload, a group replaced). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        console.error('a tool registry listener failed:', (err as Error).message);
      }
    }
  }

  /**
   * Replaces every tool of `group` with `tools` (an empty list removes the group). A name held by a tool
   * outside the group is refused, so a server can never shadow a built-in or a person's own tool.
   */
  replaceGroup(group: string, tools: readonly ToolDefinition[]): GroupChange {
    const before = new Map([...this.tools].filter(([, t]) => t.group === group));
    for (const name of before.keys()) this.tools.delete(name);
    const change: GroupChange = { added: [], removed: [], replaced: [], refused: [] };
    for (const t of tools) {
      if (t.group !== group) throw new Error(`tool "${t.name}" is not in group "${group}"`);
      if (this.tools.has(t.name)) {
        change.refused.push({ name: t.name, message: `name "${t.name}" is already taken by another tool` });
        continue;
      }
      this.tools.set(t.name, t);
      const old = before.get(t.name);
      if (!old) change.added.push(t.name);
      else if (old.digest !== t.digest || old.risk !== t.risk) change.replaced.push(t.name);
    }
    for (const name of before.keys()) if (!this.tools.has(name)) change.removed.push(name);
    this.changed();
    return change;
  }

  /** Re-reads the user folder; built-ins stay. A user tool cannot take a built-in's name. */
  reload(): void {
    for (const [name, t] of this.tools) if (t.source === 'user') this.tools.delete(name);
    this.loadErrors = [];
    if (!this.userDir) return;
    const { tools, errors } = loadManifestDir(this.userDir);
    this.loadErrors = errors;
    for (const t of tools) {
      if (this.tools.has(t.name)) {
        this.loadErrors.push({ file: t.manifestPath ?? t.name, message: `name: "${t.name}" is already taken by another tool` });
        continue;
      }
      this.tools.set(t.name, t);
    }
    this.changed();
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  require(name: string): ToolDefinition {
    const tool = this.tools.get(name);
    if (!tool) throw new UnknownToolError(name);
    return tool;
  }

  state(tool: ToolDefinition): ToolState {
    if (tool.review === 'none') return { enabled: true, reason: null };
    const row = stmt(this.db, 'SELECT digest, enabled FROM tool_reviews WHERE name = ?').get(tool.name) as ReviewRow | undefined;
    if (!row) return { enabled: false, reason: tool.reviewReason ?? 'needs review: it asks for filesystem or system access; a person must enable it' };
    if (row.digest !== tool.digest) return { enabled: false, reason: 'changed since it was reviewed; a person must enable it again' };
    return row.enabled ? { enabled: true, reason: null } : { enabled: false, reason: 'disabled by a person' };
  }

  /** A person's decision on a tool that needs review; audited, tied to the exact manifest and code reviewed. */
  setEnabled(name: string, enabled: boolean, decidedBy: string): ToolState {
    const tool = this.require(name);
    if (tool.review === 'none') throw new Error(`"${name}" needs no review; it is always enabled.`);
    this.audit.transaction(() => {
      stmt(this.db, 
          `INSERT INTO tool_reviews (name, digest, enabled, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, enabled = excluded.enabled, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
        )
        .run(name, tool.digest ?? '', enabled ? 1 : 0, decidedBy, new Date().toISOString());
      this.audit.append({
        type: enabled ? 'tool.enabled' : 'tool.disabled',
        actor: decidedBy,
        subject: name,
        payload: { tool: name, version: tool.version, digest: tool.digest ?? null, permissions: tool.permissions },
      });
    });
    return this.state(tool);
  }

  /**
   * Records tools as reviewed and enabled without a separate decision each: a person's consent to an MCP
   * server covers the tools it offered then. Callers audit the consent in the same transaction.
   */
  recordReviewed(tools: readonly ToolDefinition[], decidedBy: string): void {
    const upsert = stmt(
      this.db,
      `INSERT INTO tool_reviews (name, digest, enabled, decided_by, decided_at) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, enabled = 1, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    );
    const at = new Date().toISOString();
    for (const t of tools) upsert.run(t.name, t.digest ?? '', decidedBy, at);
  }

  /** Forgets the review decisions of every tool whose name starts with `prefix` (a removed server's). */
  forgetReviews(prefix: string): void {
    stmt(this.db, 'DELETE FROM tool_reviews WHERE substr(name, 1, ?) = ?').run(prefix.length, prefix);
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  errors(): { file: string; message: string }[] {
    return [...this.loadErrors];
  }

  describe(tool: ToolDefinition): ToolInfo {
    const state = this.state(tool);
    return {
      name: tool.name,
      version: tool.version,
      description: tool.description,
      risk: tool.risk,
      permissions: tool.permissions,
      source: tool.source,
      runner: tool.runner.kind,
      idempotent: tool.idempotent,
      review: tool.review,
      enabled: state.enabled,
      disabled_reason: state.reason,
      input_schema: tool.jsonSchema ? tool.jsonSchema.input : jsonSchemaOf(tool.input),
      output_schema: tool.jsonSchema ? tool.jsonSchema.output : jsonSchemaOf(tool.output),
    };
  }
}

function jsonSchemaOf(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { unrepresentable: 'any' });
  } catch {
    return {};
  }
}
