// The language-model port the task engine asks at llm_decide steps; providers implement it, tests script it.

export interface LlmToolInfo {
  name: string;
  description: string;
  risk: string;
}

export interface LlmDecideRequest {
  /** What the person asked for (the event text or the step's goal). */
  intent: string;
  /** Outputs of every step that has run so far, by step id. */
  outputs: Record<string, unknown>;
  tools: LlmToolInfo[];
  traceId: string;
}

export type LlmDecision =
  | { action: 'call'; tool: string; input: Record<string, unknown>; reason?: string }
  | { action: 'complete'; reply: string };

export interface LlmPort {
  /** A short name for the audit trail (provider and model). */
  readonly name: string;
  decide(request: LlmDecideRequest): Promise<LlmDecision>;
}
