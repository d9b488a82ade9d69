// Recorded provider calls: what each was given and what it answered, audited as llm.requested, llm.responded, llm.failed.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import type { LlmCallView } from '../../../src-shared/contract/llm';
import type { ContextRecord } from './context';
import type { ChatResult } from './types';

export interface NewCall {
  traceId: string;
  taskId: string | null;
  stepId: string | null;
  turn: number | null;
  threadId: string | null;
  purpose: 'decide' | 'test';
  provider: string;
  model: string;
  context: ContextRecord | Record<string, unknown>;
  /** The body as sent, without credentials (they travel in headers only). */
  request: Record<string, unknown>;
  messages: number;
  tools: number;
}

interface Row {
  id: string;
  trace_id: string;
  task_id: string | null;
  step_id: string | null;
  turn: number | null;
  thread_id: string | null;
  purpose: string;
  provider: string;
  model: string;
  prompt_version: string;
  context: string;
  request: string;
  status: 'requested' | 'responded' | 'failed';
  response: string | null;
  usage_input: number | null;
  usage_output: number | null;
  usage_estimated: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const preview = (text: string, n = 500) => (text.length > n ? `${text.slice(0, n)}…` : text);

export class LlmCallStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Stores what the call is about to receive and audits llm.requested, in one transaction; returns the call id. */
  begin(c: NewCall): string {
    const id = newId();
    const promptVersion = typeof c.context.prompt_version === 'string' ? c.context.prompt_version : 'none';
    const budget = (c.context as Partial<ContextRecord>).budget;
    this.audit.transaction(() => {
      stmt(
        this.db,
        `INSERT INTO llm_calls (id, trace_id, task_id, step_id, turn, thread_id, purpose, provider, model, prompt_version, context, request, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?)`,
      ).run(id, c.traceId, c.taskId, c.stepId, c.turn, c.threadId, c.purpose, c.provider, c.model, promptVersion, JSON.stringify(c.context), JSON.stringify(c.request), new Date().toISOString());
      this.audit.append({
        type: 'llm.requested',
        actor: 'llm',
        subject: c.taskId ?? c.purpose,
        traceId: c.traceId,
        payload: {
          call_id: id,
          purpose: c.purpose,
          provider: c.provider,
          model: c.model,
          prompt_version: promptVersion,
          task_id: c.taskId,
          step_id: c.stepId,
          turn: c.turn,
          thread_id: c.threadId,
          messages: c.messages,
          tools: c.tools,
          ...(budget ? { context_estimate: budget.used_estimate, context_limit: budget.limit, omitted: budget.omitted } : {}),
          untrusted_sources: (c.context as Partial<ContextRecord>).untrusted_sources ?? [],
        },
      });
    });
    return id;
  }

  responded(id: string, traceId: string, subject: string, result: ChatResult, durationMs: number): void {
    this.audit.transaction(() => {
      stmt(this.db, "UPDATE llm_calls SET status = 'responded', response = ?, usage_input = ?, usage_output = ?, usage_estimated = ?, finished_at = ? WHERE id = ?").run(
        JSON.stringify(result.raw ?? null),
        result.usage.input,
        result.usage.output,
        result.usage.estimated ? 1 : 0,
        new Date().toISOString(),
        id,
      );
      this.audit.append({
        type: 'llm.responded',
        actor: 'llm',
        subject,
        traceId,
        payload: {
          call_id: id,
          model: result.model,
          finish_reason: result.finishReason,
          usage: { input: result.usage.input, output: result.usage.output, total: result.usage.input + result.usage.output, estimated: result.usage.estimated },
          duration_ms: durationMs,
          tool_calls: result.toolCalls.map((c) => c.name),
          text: preview(result.text),
        },
      });
    });
  }

  failed(id: string, traceId: string, subject: string, error: { kind: string; message: string }, durationMs: number): void {
    this.audit.transaction(() => {
      stmt(this.db, "UPDATE llm_calls SET status = 'failed', error = ?, finished_at = COALESCE(finished_at, ?) WHERE id = ?").run(JSON.stringify(error), new Date().toISOString(), id);
      this.audit.append({ type: 'llm.failed', actor: 'llm', subject, traceId, payload: { call_id: id, reason: error.kind, message: error.message, duration_ms: durationMs } });
    });
  }

  byTrace(traceId: string): LlmCallView[] {
    const rows = stmt(this.db, 'SELECT * FROM llm_calls WHERE trace_id = ? ORDER BY created_at, rowid').all(traceId) as Row[];
    return rows.map((r) => ({
      id: r.id,
      trace_id: r.trace_id,
      task_id: r.task_id,
      step_id: r.step_id,
      turn: r.turn,
      thread_id: r.thread_id,
      purpose: r.purpose,
      provider: r.provider,
      model: r.model,
      prompt_version: r.prompt_version,
      status: r.status,
      context: JSON.parse(r.context) as Record<string, unknown>,
      request: JSON.parse(r.request) as Record<string, unknown>,
      response: r.response === null ? null : (JSON.parse(r.response) as unknown),
      usage: r.usage_input === null ? null : { input: r.usage_input, output: r.usage_output ?? 0, estimated: r.usage_estimated === 1 },
      error: r.error === null ? null : (JSON.parse(r.error) as { kind: string; message: string }),
      created_at: r.created_at,
      finished_at: r.finished_at,
    }));
  }
}
