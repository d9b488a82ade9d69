// The language-model port the task engine asks at llm_decide steps; the provider-backed agent implements it, tests script it.

export interface LlmToolInfo {
  name: string;
  description: string;
  risk: string;
  /** JSON Schema of the tool's input, offered to the model as the call's parameters. */
  input_schema?: unknown;
}

/** One call the model proposed at an earlier turn of this step, with what came of it. */
export interface LlmTurnCall {
  /** The child step that carried the call (also its call id in the conversation). */
  step_id: string;
  tool: string;
  input: Record<string, unknown>;
  status: string;
  output?: unknown;
  error?: { kind: string; message: string };
  /** The result brought content from outside Jarvis (a web page, a file, an MCP server…). */
  untrusted: boolean;
}

export interface LlmTurn {
  turn: number;
  /** What the model said beside its calls, if anything. */
  text: string | null;
  calls: LlmTurnCall[];
}

export interface LlmDecideRequest {
  /** What the person asked for (the event text or the step's goal). */
  intent: string;
  /** Outputs of every step that has run so far, by step id. */
  outputs: Record<string, unknown>;
  tools: LlmToolInfo[];
  traceId: string;
  taskId?: string;
  stepId?: string;
  /** 1 for the first question of this step, then one more after each round of calls. */
  turn?: number;
  threadId?: string | null;
  eventId?: string | null;
  /** The loop so far: each earlier turn's calls and their results. */
  turns?: LlmTurn[];
  /** Aborted when the task is cancelled. */
  signal?: AbortSignal;
}

export interface ProposedCall {
  tool: string;
  input: Record<string, unknown>;
}

/** Where the decision came from, for the audit trail and the next turn's history. */
export interface DecisionMeta {
  /** The recorded provider call (GET /v1/llm/context shows it). */
  llm_call_id?: string;
  /** What the model said beside its calls. */
  text?: string;
}

export type LlmDecision = (
  | { action: 'call'; tool: string; input: Record<string, unknown>; reason?: string }
  | { action: 'calls'; calls: ProposedCall[]; reason?: string }
  | { action: 'complete'; reply: string }
) &
  DecisionMeta;

export interface LlmPort {
  /** A short name for the audit trail (provider and model). */
  readonly name: string;
  decide(request: LlmDecideRequest): Promise<LlmDecision>;
}

/** The calls of a decision, whether it proposed one or several. */
export function callsOf(decision: LlmDecision): ProposedCall[] {
  if (decision.action === 'call') return [{ tool: decision.tool, input: decision.input }];
  if (decision.action === 'calls') return decision.calls;
  return [];
}
