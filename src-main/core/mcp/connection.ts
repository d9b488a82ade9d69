// One MCP server's persistent connection: connect, list tools, follow list changes, ping, and reconnect with backoff; nothing the server does can throw into Jarvis.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ToolRunError } from '../tools/executor';
import type { McpServerConfig, McpServerHealth } from '../../../src-shared/contract/mcp';
import { childEnvironment } from './env';
import { ChildStdioTransport, InvalidMessageError } from './stdio-transport';

export interface ConnectionTimings {
  connectTimeoutMs: number;
  listTimeoutMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Connected this long, the failure count starts again from zero. */
  stableAfterMs: number;
  /** This many invalid messages on one connection and it is dropped. */
  maxInvalidMessages: number;
}

export const DEFAULT_TIMINGS: ConnectionTimings = Object.freeze({
  // npx may download the server on its first start.
  connectTimeoutMs: 60_000,
  listTimeoutMs: 15_000,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 5_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 60_000,
  stableAfterMs: 30_000,
  maxInvalidMessages: 50,
});

export interface ConnectionDeps {
  name: string;
  config: McpServerConfig;
  clientVersion: string;
  timings: ConnectionTimings;
  /** Lifecycle events for the audit trail; must not throw. */
  audit(type: string, payload: Record<string, unknown>): void;
  /** The server's tools after each listing. */
  tools(tools: Tool[], server: { name: string; version: string } | null): void;
  env?: NodeJS.ProcessEnv;
}

type State = McpServerHealth['state'];

const MAX_TOOL_PAGES = 50;

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}

export class McpConnection {
  private state: State = 'not_started';
  private client: Client | null = null;
  private transport: Transport | null = null;
  /** Bumped for each attempt, failure and stop, so callbacks of an old connection change nothing. */
  private generation = 0;
  private attempts = 0;
  private invalid = 0;
  private lastError: string | null = null;
  /** The last error the current connection reported, for when it then just closes. */
  private recentError: string | null = null;
  private lastConnectedAt: string | null = null;
  private lastFailureAt: string | null = null;
  private nextRetryAt: string | null = null;
  private serverInfo: { name: string; version: string } | null = null;
  private toolCount = 0;
  private timers: NodeJS.Timeout[] = [];
  private syncing: Promise<void> | null = null;
  /** The previous connection's shutdown: a new process starts only after the old one has ended. */
  private closing: Promise<void> = Promise.resolve();
  private resyncWanted = false;

  constructor(private readonly d: ConnectionDeps) {}

  start(): void {
    if (this.state !== 'not_started' && this.state !== 'stopped') return;
    void this.connect();
  }

  /** Skips the wait of the current backoff. */
  reconnectNow(): void {
    if (this.state === 'connected' || this.state === 'connecting' || this.state === 'stopped') return;
    this.clearTimers();
    void this.connect();
  }

  health(): Pick<McpServerHealth, 'state' | 'connected' | 'last_error' | 'last_connected_at' | 'last_failure_at' | 'attempts' | 'next_retry_at' | 'pid' | 'server_info' | 'invalid_messages'> {
    return {
      state: this.state,
      connected: this.state === 'connected',
      last_error: this.lastError,
      last_connected_at: this.lastConnectedAt,
      last_failure_at: this.lastFailureAt,
      attempts: this.attempts,
      next_retry_at: this.nextRetryAt,
      pid: this.transport instanceof ChildStdioTransport && this.state !== 'stopped' ? this.transport.pid : null,
      server_info: this.serverInfo,
      invalid_messages: this.invalid,
    };
  }

  private makeTransport(): Transport {
    const c = this.d.config;
    if (c.transport === 'stdio') {
      return new ChildStdioTransport({ command: c.command, args: c.args, env: childEnvironment(c.env, this.d.env), cwd: c.cwd ?? undefined });
    }
    const env = this.d.env ?? process.env;
    const headers: Record<string, string> = {};
    for (const [header, variable] of Object.entries(c.headers_env)) {
      const value = env[variable];
      if (value === undefined) throw new Error(`header ${header}: the environment variable ${variable} is not set`);
      headers[header] = value;
    }
    return new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers } });
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    if (this.state !== 'degraded') this.state = 'connecting';
    this.nextRetryAt = null;
    await this.closing;
    if (gen !== this.generation) return;
    this.invalid = 0;
    this.recentError = null;
    let transport: Transport | null = null;
    try {
      transport = this.makeTransport();
      const client = new Client({ name: 'jarvis', version: this.d.clientVersion }, { capabilities: {} });
      client.onerror = (err) => this.onError(gen, err);
      client.onclose = () => {
        if (gen === this.generation) this.failed(gen, this.closeReason());
      };
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        if (gen === this.generation && this.state === 'connected') void this.sync(gen, 'list_changed');
      });
      this.client = client;
      this.transport = transport;
      await client.connect(transport, { timeout: this.d.timings.connectTimeoutMs });
      if (gen !== this.generation) return;
      const version = client.getServerVersion();
      this.serverInfo = version ? { name: String(version.name).slice(0, 200), version: String(version.version).slice(0, 100) } : null;
      const tools = await this.listTools(client);
      if (gen !== this.generation) return;
      this.state = 'connected';
      this.lastConnectedAt = new Date().toISOString();
      this.d.tools(tools, this.serverInfo);
      this.toolCount = tools.length;
      this.d.audit('mcp.connected', { server: this.d.name, attempt: this.attempts + 1, pid: this.health().pid, server_info: this.serverInfo, tools: tools.length });
      this.every(this.d.timings.pingIntervalMs, () => this.ping(gen));
      this.timers.push(
        setTimeout(() => {
          if (gen === this.generation) this.attempts = 0;
        }, this.d.timings.stableAfterMs).unref(),
      );
    } catch (err) {
      // A process that died during the handshake: its exit code and last words say more than "write EPIPE".
      if (transport instanceof ChildStdioTransport) await transport.exitedWithin(500);
      if (gen === this.generation) this.failed(gen, this.closeReason(err));
    }
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms).unref());
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private closeReason(err?: unknown): string {
    const t = this.transport;
    if (t instanceof ChildStdioTransport && t.exited) {
      const how = t.exited.signal ? `was killed (${t.exited.signal})` : `exited with code ${t.exited.code}`;
      const tail = t.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
      return `the server process ${how}${tail ? `; it said: ${tail}` : ''}`;
    }
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return `the server did not answer within ${this.d.timings.connectTimeoutMs} ms`;
    if (err) return message(err);
    return this.recentError ? `the connection closed after: ${this.recentError}` : 'the connection closed';
  }

  private onError(gen: number, err: Error): void {
    if (gen !== this.generation) return;
    if (err instanceof InvalidMessageError) {
      this.invalid += 1;
      if (this.invalid === 1) this.d.audit('mcp.invalid_message', { server: this.d.name, error: message(err) });
      if (this.invalid >= this.d.timings.maxInvalidMessages) {
        this.failed(gen, `the server sent ${this.invalid} invalid messages`);
        return;
      }
    }
    this.lastError = message(err);
    this.recentError = this.lastError;
  }

  private failed(gen: number, reason: string, hung = false): void {
    if (gen !== this.generation || this.state === 'stopped') return;
    const wasConnected = this.state === 'connected';
    this.generation += 1;
    this.clearTimers();
    this.closeQuietly(hung);
    this.state = 'degraded';
    this.lastError = reason;
    this.lastFailureAt = new Date().toISOString();
    this.attempts += 1;
    const { backoffInitialMs, backoffMaxMs } = this.d.timings;
    const base = Math.min(backoffMaxMs, backoffInitialMs * 2 ** Math.min(this.attempts - 1, 20));
    // Jitter, so many servers that fell at once do not all come back in the same instant.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.nextRetryAt = new Date(Date.now() + delay).toISOString();
    this.d.audit(wasConnected ? 'mcp.disconnected' : 'mcp.failed', { server: this.d.name, error: reason, attempt: this.attempts, retry_in_ms: delay });
    this.timers.push(setTimeout(() => void this.connect(), delay).unref());
  }

  private closeQuietly(force: boolean): void {
    const client = this.client;
    const transport = this.transport;
    this.client = null;
    if (force && transport instanceof ChildStdioTransport) transport.kill();
    this.closing = (client ? client.close() : (transport?.close() ?? Promise.resolve())).catch(() => undefined);
  }

  private ping(gen: number): void {
    const client = this.client;
    if (!client || gen !== this.generation || this.state !== 'connected') return;
    client.ping({ timeout: this.d.timings.pingTimeoutMs }).catch((err: unknown) => {
      if (gen !== this.generation) return;
      const hung = err instanceof McpError && err.code === ErrorCode.RequestTimeout;
      this.failed(gen, hung ? `the server did not answer a ping within ${this.d.timings.pingTimeoutMs} ms` : this.closeReason(err), hung);
    });
  }

  private async listTools(client: Client): Promise<Tool[]> {
    if (!client.getServerCapabilities()?.tools) return [];
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const res = await client.listTools(cursor ? { cursor } : {}, { timeout: this.d.timings.listTimeoutMs });
      tools.push(...res.tools);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  /** Re-lists after notifications/tools/list_changed; notifications that arrive meanwhile cause one more listing. */
  private sync(gen: number, why: string): Promise<void> {
    if (this.syncing) {
      this.resyncWanted = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.resyncWanted = false;
        const client = this.client;
        if (!client || gen !== this.generation) return;
        try {
          const tools = await this.listTools(client);
          if (gen !== this.generation) return;
          this.d.tools(tools, this.serverInfo);
          this.toolCount = tools.length;
          this.d.audit('mcp.tools_listed', { server: this.d.name, reason: why, tools: tools.length });
        } catch (err) {
          if (gen === this.generation) this.failed(gen, `listing its tools failed: ${this.closeReason(err)}`);
          return;
        }
      } while (this.resyncWanted);
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  get tools(): number {
    return this.toolCount;
  }

  /** One tool call; every way it can go wrong becomes a ToolRunError the executor reports. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.state !== 'connected') {
      throw new ToolRunError('not_available', `MCP server "${this.d.name}" is not connected${this.lastError ? ` (${this.lastError})` : ''}; Jarvis keeps reconnecting, try again shortly.`);
    }
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: timeoutMs, signal })) as CallToolResult;
    } catch (err) {
      if (signal.aborted) throw new ToolRunError('aborted', 'The call was cancelled.');
      if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) throw new ToolRunError('timeout', `"${tool}" on MCP server "${this.d.name}" did not answer within ${timeoutMs} ms.`);
      if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) throw new ToolRunError('not_available', `MCP server "${this.d.name}" went away during the call.`);
      throw new ToolRunError('tool_error', `MCP server "${this.d.name}" refused the call to "${tool}": ${message(err)}`);
    }
  }

  async stop(reason: string): Promise<void> {
    if (this.state === 'stopped') return;
    const was = this.state;
    this.generation += 1;
    this.state = 'stopped';
    this.clearTimers();
    const client = this.client;
    this.client = null;
    try {
      if (client) await client.close();
      else await this.transport?.close();
    } catch {
      // the server is gone either way
    }
    if (was !== 'not_started') this.d.audit('mcp.stopped', { server: this.d.name, reason });
  }
}
