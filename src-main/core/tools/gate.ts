// The executor's gate hook: every call asks it before running. The full policy engine plugs in here.
import type { ToolDefinition } from './types';

export type GateVerdict = 'allow' | 'require_approval' | 'deny';

export interface GateDecision {
  decision: GateVerdict;
  reason: string;
  /** The policy cell that decided, recorded in tool_call.attempted (e.g. "A2×low"). */
  cell: string;
}

export interface GateRequest {
  tool: ToolDefinition;
  input: unknown;
  /** Who asked: person, api, schedule, rule, llm… */
  actor: string;
  traceId: string;
  taskId: string | null;
}

export interface Gate {
  evaluate(request: GateRequest): GateDecision;
}

/**
 * Until the safety policy exists: run what is at most medium risk, refuse high and critical outright.
 * Failing closed keeps anything dangerous from running before approvals can be asked for.
 */
export const provisionalGate: Gate = {
  evaluate({ tool }) {
    switch (tool.risk) {
      case 'none':
      case 'low':
      case 'medium':
        return { decision: 'allow', reason: `${tool.risk} risk runs without approval`, cell: `provisional×${tool.risk}` };
      case 'high':
      case 'critical':
        return { decision: 'deny', reason: `${tool.risk}-risk actions need approval, and approvals are not available yet`, cell: `provisional×${tool.risk}` };
      default: {
        const never: never = tool.risk;
        return { decision: 'deny', reason: `unknown risk ${String(never)}`, cell: 'provisional×unknown' };
      }
    }
  },
};
