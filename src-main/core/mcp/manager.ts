// The MCP client manager: servers added (awaiting consent), consented (connected), their tools kept in the registry and the fastpath, their health.
import fs from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import type { IntentDecl } from '../pipeline/intents';
import type { ToolRegistry } from '../tools/registry';
import { newId } from '../util/ids';
import { resourcePath } from '../util/resources';
import type { McpAddServerRequest, McpAddServerResult, McpServerConfig, McpServerHealth, McpServerView, McpTrustPolicy } from '../../../src-shared/contract/mcp';
import { bridgeTools, intentFor, registryName, type BridgedTools } from './bridge';
import { DEFAULT_TIMINGS, McpConnection, type ConnectionTimings } from './connection';
import { childEnvironment, CommandNotFoundError, commandLine, minimalPath, resolveCommand } from './env';
import { toolAllowed, toolRisk } from './policy';
import { McpServerExistsError, McpServerStore, type McpServerRecord } from './store';

/** A request the manager refuses, with the HTTP status and the field at fault. */
export class McpRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface McpManagerDeps {
  db: Db;
  audit: AuditLog;
  registry: ToolRegistry;
  /** The router's live intent list: the manager adds and removes its own entries in place. */
  intents: IntentDecl[];
  notify(text: string, traceId: string): void;
  /** Jarvis's version, told to servers at initialisation (read from package.json when absent). */
  clientVersion?: string;
  timings?: Partial<ConnectionTimings>;
  env?: NodeJS.ProcessEnv;
  /** Where a relative command is resolved from. */
  cwd?: string;
}

interface Live {
  record: McpServerRecord;
  connection: McpConnection;
  offered: Tool[];
  serverVersion: string;
  bridged: BridgedTools | null;
  /** How many listings this process has had from the server; before the first there is nothing to register. */
  listings: number;
}

const group = (server: string) => `mcp:${server}`;

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(resourcePath('package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
const prefix = (server: string) => `mcp.${server}.`;

export class McpManager {
  readonly store: McpServerStore;
  private readonly live = new Map<string, Live>();
  private readonly timings: ConnectionTimings;
  private readonly clientVersion: string;
  private stopped = false;

  constructor(private readonly d: McpManagerDeps) {
    this.store = new McpServerStore(d.db, d.audit);
    this.timings = { ...DEFAULT_TIMINGS, ...d.timings };
    this.clientVersion = d.clientVersion ?? packageVersion();
  }

  /** Connects every server a person consented to; the others wait. */
  start(): void {
    const { servers, errors } = this.store.list();
    for (const e of errors) console.error(e.message);
    for (const s of servers) if (s.status === 'enabled') this.startLive(s);
  }

  private safeAudit(type: string, server: string, payload: Record<string, unknown>): void {
    try {
      this.d.audit.append({ type, actor: 'mcp', subject: server, payload });
    } catch (err) {
      console.error(`could not audit ${type} for MCP server ${server}:`, (err as Error).message);
    }
  }

  private startLive(record: McpServerRecord): void {
    if (this.stopped || this.live.has(record.name)) return;
    const name = record.name;
    const connection = new McpConnection({
      name,
      config: record.config,
      clientVersion: this.clientVersion,
      timings: this.timings,
      ...(this.d.env ? { env: this.d.env } : {}),
      audit: (type, payload) => this.safeAudit(type, name, payload),
      tools: (tools, info) => {
        const live = this.live.get(name);
        if (!live) return;
        live.offered = tools;
        live.serverVersion = info?.version ?? '0.0.0';
        live.listings += 1;
        this.apply(name, 'listing');
      },
    });
    this.live.set(name, { record, connection, offered: [], serverVersion: '0.0.0', bridged: null, listings: 0 });
    connection.start();
  }

  private async stopLive(name: string, reason: string): Promise<void> {
    const live = this.live.get(name);
    if (!live) return;
    this.live.delete(name);
    this.d.registry.replaceGroup(group(name), []);
    this.replaceIntents(name, []);
    await live.connection.stop(reason);
  }

  private inScope(server: string, tool: string): string | null {
    const live = this.live.get(server);
    if (!live || live.record.status !== 'enabled') return `MCP server "${server}" is not enabled`;
    if (!toolAllowed(live.record.policy, tool)) return `"${tool}" is not among the tools MCP server "${server}" may offer under its policy`;
    return null;
  }

  private replaceIntents(server: string, intents: IntentDecl[]): void {
    const list = this.d.intents;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]?.id.startsWith(prefix(server))) list.splice(i, 1);
    list.push(...intents);
  }

  /** Puts the server's offered tools into the registry under its current policy; never throws into the connection. */
  private apply(name: string, why: 'listing' | 'policy'): void {
    const live = this.live.get(name);
    // Before the first listing there is no tool list to register, and a baseline taken now would be empty.
    if (!live || live.listings === 0) return;
    try {
      const record = live.record;
      const bridged = bridgeTools(
        {
          server: name,
          transport: record.transport,
          policy: record.policy,
          version: live.serverVersion,
          call: (tool, args, signal) => live.connection.call(tool, args, signal, record.config.call_timeout_ms),
          inScope: (tool) => this.inScope(name, tool),
        },
        live.offered,
      );
      const change = this.d.registry.replaceGroup(group(name), bridged.tools);
      for (const r of change.refused) bridged.errors.push({ tool: bridged.origin.get(r.name)?.mcp_name ?? r.name, message: r.message });
      live.bridged = bridged;
      const registered = bridged.tools.filter((t) => this.d.registry.get(t.name) === t);
      const byName = new Map(live.offered.map((t) => [t.name, t]));
      this.replaceIntents(
        name,
        registered.flatMap((t) => {
          const tool = byName.get(bridged.origin.get(t.name)?.mcp_name ?? '');
          return tool ? [intentFor(name, t.name, tool)] : [];
        }),
      );
      if (record.baseline_at === null) {
        // The person consented to this server as it was: the tools it offers now are part of that consent.
        const by = record.consented_by ?? 'person';
        this.store.takeBaseline(name, by, registered.map((t) => t.name), () => this.d.registry.recordReviewed(registered, `consent:${by}`));
        live.record = this.store.require(name);
        return;
      }
      const needsReview = change.added.concat(change.replaced).filter((n) => {
        const t = this.d.registry.get(n);
        return t !== undefined && !this.d.registry.state(t).enabled;
      });
      // The first listing after a start re-adds every tool: only what needs a person is news then.
      const news = (why === 'policy' || live.listings > 1) && change.added.length + change.removed.length + change.replaced.length > 0;
      if (news || needsReview.length > 0) {
        this.safeAudit('mcp.tools_changed', name, { server: name, added: change.added, removed: change.removed, changed: change.replaced, needs_review: needsReview });
      }
      if (needsReview.length > 0) {
        this.d.notify(`MCP server "${name}" offers ${needsReview.length} new or changed tool(s) that need your review before first use: ${needsReview.join(', ')}. Enable them on the Tools screen.`, newId());
      }
    } catch (err) {
      console.error(`MCP server ${name}: its tools could not be registered:`, (err as Error).message);
    }
  }

  private configFor(request: McpAddServerRequest): McpServerConfig {
    if (request.transport === 'http') return { transport: 'http', url: request.url, headers_env: request.headers_env, call_timeout_ms: request.call_timeout_ms };
    const env = childEnvironment(request.env, this.d.env);
    let command: string;
    try {
      command = resolveCommand(request.command, env.PATH ?? minimalPath(), request.cwd ?? this.d.cwd ?? process.cwd());
    } catch (err) {
      if (err instanceof CommandNotFoundError) throw new McpRequestError(400, `command: ${err.message}.`, 'command');
      throw err;
    }
    return { transport: 'stdio', command, args: request.args, env: request.env, cwd: request.cwd ?? null, call_timeout_ms: request.call_timeout_ms };
  }

  private commandLineOf(config: McpServerConfig): string {
    return config.transport === 'stdio' ? commandLine(config.command, config.args) : config.url;
  }

  private environmentOf(config: McpServerConfig): string[] {
    if (config.transport === 'http') return Object.entries(config.headers_env).map(([h, v]) => `header ${h} from $${v}`);
    return [...(config.env.includes('PATH') ? [] : [`PATH=${minimalPath()}`]), ...config.env];
  }

  add(request: McpAddServerRequest, by: string): McpAddServerResult {
    const config = this.configFor(request);
    const line = this.commandLineOf(config);
    try {
      this.store.add(request, config, line, by);
    } catch (err) {
      if (err instanceof McpServerExistsError) throw new McpRequestError(409, err.message, 'name');
      throw err;
    }
    const what = config.transport === 'stdio' ? `Jarvis will run this program as you, with your rights: ${line}` : `Jarvis will send tool calls to ${line}`;
    return {
      server: this.view(request.name),
      consent: {
        command_line: line,
        environment: this.environmentOf(config),
        cwd: config.transport === 'stdio' ? config.cwd : null,
        message: `${what}. Nothing runs until you consent (POST /v1/mcp/servers/${request.name}/consent).`,
      },
    };
  }

  private require(name: string): McpServerRecord {
    const record = this.store.get(name);
    if (!record) throw new McpRequestError(404, `No MCP server named "${name}".`);
    return record;
  }

  consent(name: string, by: string): McpServerView {
    const record = this.require(name);
    if (record.status === 'enabled') throw new McpRequestError(409, `MCP server "${name}" is already running with your consent.`);
    const updated = this.store.setStatus(name, 'enabled', by, { type: 'mcp.server_consented', payload: { command_line: this.commandLineOf(record.config), environment: this.environmentOf(record.config) } });
    this.startLive(updated);
    return this.view(name);
  }

  async disable(name: string, by: string): Promise<McpServerView> {
    const record = this.require(name);
    if (record.status !== 'enabled') throw new McpRequestError(409, `MCP server "${name}" is not running (it is ${record.status.replace('_', ' ')}).`);
    this.store.setStatus(name, 'disabled', by, { type: 'mcp.server_disabled', payload: {} });
    await this.stopLive(name, 'disabled by a person');
    return this.view(name);
  }

  async remove(name: string, by: string): Promise<void> {
    this.require(name);
    await this.stopLive(name, 'removed by a person');
    this.store.remove(name, by, () => this.d.registry.forgetReviews(prefix(name)));
  }

  setPolicy(name: string, policy: McpTrustPolicy, by: string): McpServerView {
    this.require(name);
    const updated = this.store.setPolicy(name, policy, by);
    const live = this.live.get(name);
    if (live) {
      live.record = updated;
      this.apply(name, 'policy');
    }
    return this.view(name);
  }

  reconnect(name: string): McpServerView {
    const record = this.require(name);
    if (record.status !== 'enabled') throw new McpRequestError(409, `MCP server "${name}" is not enabled; consent to it first.`);
    this.live.get(name)?.connection.reconnectNow();
    return this.view(name);
  }

  private healthOf(record: McpServerRecord): McpServerHealth {
    const live = this.live.get(record.name);
    const tools = this.d.registry.list().filter((t) => t.group === group(record.name));
    const base = { name: record.name, transport: record.transport, status: record.status, tools: tools.length, tools_needing_review: tools.filter((t) => !this.d.registry.state(t).enabled).length };
    if (!live) {
      return { ...base, state: 'not_started', connected: false, last_error: null, last_connected_at: null, last_failure_at: null, attempts: 0, next_retry_at: null, pid: null, server_info: null, invalid_messages: 0 };
    }
    return { ...base, ...live.connection.health() };
  }

  health(): McpServerHealth[] {
    return this.store.list().servers.map((s) => this.healthOf(s));
  }

  view(name: string): McpServerView {
    const record = this.require(name);
    const live = this.live.get(name);
    const tools: McpServerView['tools'] = [];
    for (const t of this.d.registry.list()) {
      if (t.group !== group(name)) continue;
      const state = this.d.registry.state(t);
      tools.push({ name: t.name, mcp_name: live?.bridged?.origin.get(t.name)?.mcp_name ?? t.name, description: t.description, allowed: true, enabled: state.enabled, disabled_reason: state.reason, risk: t.risk });
    }
    for (const t of live?.bridged?.disallowed ?? []) {
      tools.push({ name: registryName(name, t.tool), mcp_name: t.tool, description: t.description, allowed: false, enabled: false, disabled_reason: 'not allowed by the server\'s policy', risk: toolRisk(record.policy, t.tool).risk });
    }
    return {
      name,
      transport: record.transport,
      status: record.status,
      command_line: this.commandLineOf(record.config),
      config: record.config,
      policy: record.policy,
      added_by: record.added_by,
      added_at: record.added_at,
      consented_by: record.consented_by,
      consented_at: record.consented_at,
      health: this.healthOf(record),
      tools,
      tool_errors: live?.bridged?.errors ?? [],
    };
  }

  list(): McpServerView[] {
    return this.store.list().servers.map((s) => this.view(s.name));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.live.keys()].map((name) => this.stopLive(name, 'Jarvis is stopping')));
  }
}
