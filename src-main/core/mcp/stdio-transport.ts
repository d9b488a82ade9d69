// A stdio transport for MCP servers that starts the child with exactly the environment given (the SDK's adds variables of its own), keeps a bounded stderr tail and always ends the child.
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioSpec {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string | undefined;
  /** A single message larger than this ends the connection. */
  maxMessageBytes?: number;
}

/** A line on stdout that is not a JSON-RPC message. Not fatal: the server may have printed a log line. */
export class InvalidMessageError extends Error {}

const STDERR_TAIL_BYTES = 4096;
const GRACE_MS = 1000;

export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly buffer: ReadBuffer;
  private stderrTail = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private closed = false;

  constructor(private readonly spec: StdioSpec) {
    this.buffer = new ReadBuffer({ maxBufferSize: spec.maxMessageBytes ?? 16 * 1024 * 1024 });
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** How the process ended, once it has. */
  get exited(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.exit;
  }

  /** The last few KB the server wrote to stderr: usually why it stopped. */
  get stderr(): string {
    return this.stderrTail;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('the transport is already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, [...this.spec.args], {
        env: this.spec.env,
        cwd: this.spec.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.once('spawn', () => resolve());
      // `on`, not `once`: an 'error' event nobody listens to would throw inside Jarvis.
      child.on('error', (err) => {
        // Before 'spawn' this is "could not start"; after it, a kill or pipe problem.
        reject(err);
        this.onerror?.(err);
        this.finish();
      });
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.finish();
      });
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('error', (err) => this.onerror?.(err));
      child.stderr?.on('error', () => undefined);
      child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
    });
  }

  private receive(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
    } catch (err) {
      // Larger than any message may be: the stream cannot be trusted to resynchronise.
      this.onerror?.(new InvalidMessageError((err as Error).message));
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (err) {
        this.onerror?.(new InvalidMessageError(`not a JSON-RPC message: ${(err as Error).message.slice(0, 200)}`));
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || !stdin.writable) return Promise.reject(new Error('the MCP server is not running'));
    return new Promise((resolve, reject) => {
      const ok = stdin.write(serializeMessage(message), (err) => {
        if (err) reject(err);
      });
      if (ok) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Resolves true once the process has ended, false if it still runs after `ms`. */
  exitedWithin(ms: number): Promise<boolean> {
    const child = this.child;
    if (this.exit || !child) return Promise.resolve(this.exit !== null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms).unref();
      child.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** For a server that stopped answering: asking it to end politely would only wait. */
  kill(): void {
    if (this.child && !this.exit) this.child.kill('SIGKILL');
  }

  /** Closes stdin, then SIGTERM, then SIGKILL: the child never outlives the connection. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exit) {
      this.finish();
      return;
    }
    const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const within = (ms: number) => Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    try {
      child.stdin?.end();
    } catch {
      // already closed
    }
    if (!(await within(GRACE_MS))) {
      child.kill('SIGTERM');
      if (!(await within(GRACE_MS))) {
        child.kill('SIGKILL');
        await within(GRACE_MS);
      }
    }
    this.finish();
  }
}
