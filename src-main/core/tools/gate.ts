// The executor's gate hook: every call asks it before running. The full policy engine plugs in here.
import type { Risk, ToolDefinition } from './types';

export type GateVerdict = 'allow' | 'require_approval' | 'deny';

export interface GateDecision {
  decision: GateVerdict;
  reason: string;
  /** The policy cell that decided, recorded in tool_call.attempted (e.g. "A2×low"). */
  cell: string;
  /** The risk after the call's arguments were considered. */
  risk?: Risk;
  /** For require_approval at run time: the approval a person must decide. */
  approvalId?: string;
}

export interface GateRequest {
  tool: ToolDefinition;
  input: unknown;
  /** Who asked: person, api, schedule, rule, llm… */
  actor: string;
  traceId: string;
  taskId: string | null;
  stepId?: string | null;
  /** An approval a person gave for exactly this call (the engine passes it when re-running the step). */
  approvalId?: string | null;
  /**
   * The injection guard's input: the tools whose untrusted results (web pages, files, MCP servers…) were in the
   * conversation when the model proposed this call. Empty or absent when the call did not come from such a conversation.
   */
  untrustedSources?: readonly string[];
}

export interface Gate {
  /** `plan` only predicts (no approvals created, nothing consumed); `run` decides and records. */
  evaluate(request: GateRequest, mode?: 'plan' | 'run'): GateDecision;
  /** Told what a call did, after it ran (e.g. which hosts are now known). */
  observe?(request: GateRequest, outcome: 'succeeded' | 'failed'): void;
}
