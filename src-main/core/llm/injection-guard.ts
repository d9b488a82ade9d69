// The injection guard's two questions: did a result bring outside content in, and may a call made after that run without a person?
import { riskRank } from '../safety/policy';
import type { ToolDefinition } from '../tools/types';

/**
 * A result is untrusted when it came from outside Jarvis: a web page (network), a file (filesystem), another
 * program (MCP servers, user tools in their own process), or when the tool marks it so itself.
 * Jarvis's own inline tools (echo, timers, task status, approvals) answer with Jarvis's own data.
 */
export function bringsUntrustedContent(tool: ToolDefinition | undefined, output: unknown): boolean {
  if (!tool) return true;
  if (tool.untrustedOutput === true || markedUntrusted(output)) return true;
  if (tool.source === 'mcp' || tool.name.startsWith('mcp.')) return true;
  if (tool.runner.kind === 'process') return true;
  const p = tool.permissions;
  return p.network !== false || p.filesystem !== false || p.external_api || p.system;
}

/** A result that says of itself that it is untrusted: `untrusted: true` on it or in its `_meta`. */
export function markedUntrusted(output: unknown): boolean {
  if (typeof output !== 'object' || output === null) return false;
  const o = output as { untrusted?: unknown; _meta?: { untrusted?: unknown } };
  return o.untrusted === true || o._meta?.untrusted === true;
}

/** A call that could carry data out of the machine or act on it: network, third-party APIs, processes, the daemon, MCP servers. */
export function sendsDataOut(tool: ToolDefinition): boolean {
  const p = tool.permissions;
  return p.network !== false || p.external_api || p.system || tool.name.startsWith('daemon.') || tool.name.startsWith('mcp.');
}

export interface GuardVerdict {
  /** The gate must ask a person before this call runs, whatever the autonomy. */
  needsApproval: boolean;
  reason: string | null;
}

/**
 * After untrusted content entered the conversation, calls that send data out or are high risk need approval.
 * `risk` is the call's risk as the gate assessed it from the arguments, when known; else the tool's own.
 */
export function guardCall(tool: ToolDefinition | undefined, untrustedSources: readonly string[], risk?: string): GuardVerdict {
  if (untrustedSources.length === 0 || !tool) return { needsApproval: false, reason: null };
  const assessed = risk ?? tool.risk;
  const out = sendsDataOut(tool);
  const high = riskRank(assessed) >= riskRank('high');
  if (!out && !high) return { needsApproval: false, reason: null };
  const why = out ? 'can send data out' : `is ${assessed} risk`;
  return { needsApproval: true, reason: `"${tool.name}" ${why} and the conversation holds untrusted content from ${untrustedSources.join(', ')}` };
}
