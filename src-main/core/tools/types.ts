// Tool declarations and call shapes shared by the registry, the executor and the runners.
import type { z } from 'zod';

export const RISKS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

/** What a tool may touch. Custom tools get none of these unless their manifest asks. */
export interface ToolPermissions {
  /** false, or true for any host, or a list of host names / host:port the tool may reach. */
  network: boolean | { hosts: string[] };
  /** false, or absolute paths (files or folders) the tool may read and write. */
  filesystem: false | { read: string[]; write: string[] };
  /** May start processes. */
  system: boolean;
  /** Calls third-party APIs on the person's behalf (informational; network still governs reachability). */
  external_api: boolean;
}

export const NO_PERMISSIONS: ToolPermissions = Object.freeze({ network: false, filesystem: false, system: false, external_api: false });

export interface ToolRunContext {
  traceId: string;
  /** Aborted when the call times out or its task is cancelled. */
  signal: AbortSignal;
  /** Stable across retries of the same step, so an idempotent tool can recognise a repeat. */
  idempotencyKey: string | null;
  /** Who asked, e.g. "person:owner", "schedule", "llm" — control tools check it. */
  actor: string;
  /** What the gate decided: the cell that allowed the call and the risk it assessed (passed on to the daemon). */
  gate?: { cell: string; risk: Risk };
}

/** A built-in tool's code: trusted, runs inline in the main process. */
export type InlineRun = (input: unknown, ctx: ToolRunContext) => Promise<unknown> | unknown;

export type ToolRunner =
  | { kind: 'inline'; run: InlineRun }
  /** A manifest tool: `entry` is an absolute path to a CommonJS module exporting `run(input)`. */
  | { kind: 'process'; entry: string; dir: string; timeoutMs: number; maxOutputBytes: number };

export interface ToolDefinition {
  name: string;
  version: string;
  description: string;
  input: z.ZodType;
  output: z.ZodType;
  permissions: ToolPermissions;
  risk: Risk;
  /** true: running twice has the same effect as once, so an interrupted call may be retried. */
  idempotent: boolean;
  runner: ToolRunner;
  source: 'builtin' | 'user' | 'mcp';
  /** Set for user tools that ask for filesystem or system access: disabled until a person enables them. */
  review: 'none' | 'required';
  /** Why a tool that was never reviewed is disabled (defaults to the manifest wording). */
  reviewReason?: string;
  /** Tools that come and go together (an MCP server's), replaced as one by ToolRegistry.replaceGroup. */
  group?: string;
  /** The JSON Schemas as their author wrote them; GET /v1/tools shows these instead of a conversion. */
  jsonSchema?: { input: unknown; output: unknown };
  /** Results carry content from outside Jarvis (an MCP server, a web page): data to read, never instructions. */
  untrustedOutput?: boolean;
  /** Checks a call's arguments against what this tool may reach; returns why not, or null. */
  scope?: (input: unknown) => string | null;
  /** Where a user tool's manifest lives (for errors and review). */
  manifestPath?: string;
  /** sha256 of the manifest and entry file, so an edit after review needs a new review. */
  digest?: string;
  /** The dry-run preview: what the call would do, without doing it. */
  preview?: (input: unknown) => Record<string, unknown>;
}
