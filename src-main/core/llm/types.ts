// Provider-neutral chat shapes: what the agent sends any provider and what every provider's answer is mapped to.

/** A tool call as the model proposed it; `arguments` is the raw JSON text it wrote. */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/** A tool offered to the model; `name` is already in the wire-safe form (see tool-names.ts). */
export interface ChatTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required';

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ChatTool[];
  toolChoice: ToolChoice;
  maxOutput: number;
  temperature: number;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

export interface ChatUsage {
  input: number;
  output: number;
  /** true when the provider reported no counts and these are estimates (about four characters a token). */
  estimated: boolean;
}

export interface ChatResult {
  text: string;
  toolCalls: ChatToolCall[];
  finishReason: FinishReason;
  usage: ChatUsage;
  /** The model the provider says answered (may differ from the one asked for, e.g. an alias). */
  model: string;
  /** The answer as the provider sent it (the final object, or the streamed chunks folded into one), for the record. */
  raw: unknown;
}

export interface CallOptions {
  /** Ends the call early (the task was cancelled). */
  signal?: AbortSignal | undefined;
  /** Hears streamed text as it arrives. */
  onText?: ((delta: string) => void) | undefined;
}

/** One provider behind the port: turns a neutral request into its wire form and its answer back. */
export interface ChatProvider {
  readonly kind: 'openai' | 'anthropic';
  readonly model: string;
  /** Provider and address for messages and the audit trail; never the key. */
  readonly describe: string;
  /** The exact body this provider would send for the request (recorded as what the call received). */
  wireBody(request: ChatRequest): Record<string, unknown>;
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
}

/** Rough token count used for budgets and when a provider reports none: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
