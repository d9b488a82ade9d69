// The trust policy per MCP server, as pure functions: which tools join the registry, at what risk, and whether they may be retried.
import { RISKS, type Risk } from '../tools/types';
import type { McpTrustPolicy } from '../../../src-shared/contract/mcp';

/** What a server says about a tool (MCP's annotations). Hints, not guarantees. */
export interface ToolHints {
  readOnlyHint?: boolean | undefined;
  destructiveHint?: boolean | undefined;
  idempotentHint?: boolean | undefined;
  openWorldHint?: boolean | undefined;
}

export function toolAllowed(policy: McpTrustPolicy, tool: string): boolean {
  return policy.allowed_tools.some((p) => p === '*' || (p.endsWith('*') ? tool.startsWith(p.slice(0, -1)) : p === tool));
}

export function defaultRisk(policy: McpTrustPolicy): Risk {
  return policy.default_risk ?? (policy.trusted ? 'low' : 'medium');
}

const rank = (r: Risk) => RISKS.indexOf(r);
const raise = (r: Risk): Risk => RISKS[Math.min(rank(r) + 1, RISKS.length - 1)] ?? 'critical';

/**
 * A tool's declared risk. `approval: always` makes every call critical, which the gate asks a person about
 * at every autonomy level. A person's per-tool risk wins next. Otherwise the default, one step higher when
 * the tool may change things: MCP says a tool that is not read-only is destructive unless it says otherwise.
 * Annotations only ever raise risk, since a server could claim anything to look harmless.
 */
export function toolRisk(policy: McpTrustPolicy, tool: string, hints: ToolHints = {}): { risk: Risk; reason: string } {
  if (policy.approval === 'always') return { risk: 'critical', reason: 'the server\'s policy asks a person before every call' };
  const chosen = policy.tool_risk[tool];
  if (chosen) return { risk: chosen, reason: 'set for this tool in the server\'s policy' };
  const base = defaultRisk(policy);
  const destructive = hints.readOnlyHint !== true && hints.destructiveHint !== false;
  if (destructive) return { risk: raise(base), reason: `${policy.trusted ? 'trusted' : 'untrusted'} server's default ${base}, raised: the tool may change or delete things` };
  return { risk: base, reason: `${policy.trusted ? 'trusted' : 'untrusted'} server's default` };
}

/** Retrying an interrupted call is safe only when a trusted server says it is read-only or idempotent. */
export function toolIdempotent(policy: McpTrustPolicy, hints: ToolHints = {}): boolean {
  return policy.trusted && (hints.readOnlyHint === true || hints.idempotentHint === true);
}
