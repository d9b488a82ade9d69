// The tool executor: resolve → validate → scope → idempotency → gate → run → validate output, each outcome audited.
import type { z } from 'zod';
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { faultPoint } from '../util/faults';
import { newId } from '../util/ids';
import type { ExecutionErrorKind, ExecutionResult } from '../../../src-shared/contract/events';
import type { Gate, GateDecision } from './gate';
import type { ToolRegistry } from './registry';
import { runInProcess } from './runners/process-runner';
import type { ToolDefinition } from './types';

export interface ExecuteRequest {
  tool: string;
  input: unknown;
  traceId: string;
  taskId?: string | null;
  /** The same key again returns the stored result and runs nothing. */
  idempotencyKey?: string | null;
  actor: string;
  parentAuditId?: number | null;
  signal?: AbortSignal;
  /** Run again a call whose earlier run was interrupted (same key: an idempotent tool recognises it). */
  resumeInterrupted?: boolean;
  /** Names this call in crash points (JARVIS_FAULT=tool.returned:<label>); the task engine passes the step id. */
  faultLabel?: string;
  stepId?: string | null;
  /** An approval given for exactly this call. */
  approvalId?: string | null;
  /** Passed to the gate: untrusted content the proposing conversation held (see GateRequest). */
  untrustedSources?: readonly string[];
}

interface StoredCall {
  id: string;
  tool: string;
  status: 'running' | 'succeeded' | 'failed' | 'rejected';
  output: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

type Failure = { kind: ExecutionErrorKind; message: string; details?: unknown };

/** A tool's own error, with a kind the executor reports as-is (e.g. permission_denied). */
export class ToolRunError extends Error {
  constructor(
    readonly kind: ExecutionErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const AUDIT_PREVIEW_CHARS = 2000;

/** Large outputs stay in tool_calls; the audit row carries a bounded preview. */
function preview(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length <= AUDIT_PREVIEW_CHARS ? value : { preview: `${text.slice(0, AUDIT_PREVIEW_CHARS)}…`, bytes: Buffer.byteLength(text) };
}

function describeZod(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
}

export interface ExecutorOptions {
  timeoutMs: number;
  /** Checks a call's arguments against what the tool is scoped to (e.g. hosts); returns why not, or null. */
  scope?: (tool: ToolDefinition, input: unknown) => string | null;
}

export class Executor {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly registry: ToolRegistry,
    private gate: Gate,
    private readonly options: ExecutorOptions,
  ) {}

  /** The policy engine replaces the provisional gate here. */
  setGate(gate: Gate): void {
    this.gate = gate;
  }

  async execute(req: ExecuteRequest): Promise<ExecutionResult> {
    const started = Date.now();
    const callId = newId();
    const base = { traceId: req.traceId, actor: req.actor, subject: req.tool, parentId: req.parentAuditId ?? null };
    const reject = (failure: Failure): ExecutionResult => {
      this.audit.append({ ...base, type: 'tool_call.rejected', payload: { call_id: callId, tool: req.tool, reason: failure.kind, message: failure.message, details: failure.details } });
      return { call_id: callId, tool: req.tool, status: 'rejected', error: failure, duration_ms: Date.now() - started, replayed: false };
    };

    const tool = this.registry.get(req.tool);
    if (!tool) return reject({ kind: 'unknown_tool', message: `No tool named "${req.tool}".` });
    const state = this.registry.state(tool);
    if (!state.enabled) return reject({ kind: 'disabled', message: `Tool "${tool.name}" is disabled: ${state.reason}.` });
    const parsed = tool.input.safeParse(req.input);
    if (!parsed.success) return reject({ kind: 'invalid_input', message: `Input for "${tool.name}" is invalid: ${describeZod(parsed.error)}.`, details: parsed.error.issues });
    const outOfScope = this.options.scope?.(tool, parsed.data) ?? tool.scope?.(parsed.data) ?? null;
    if (outOfScope) return reject({ kind: 'permission_denied', message: outOfScope });

    // The same key: a recorded success is returned and nothing runs. A recorded failure may be retried,
    // and an interrupted run only when the caller says so (it knows whether the tool is idempotent).
    let reuse: StoredCall | undefined;
    if (req.idempotencyKey) {
      const stored = stmt(this.db, 'SELECT * FROM tool_calls WHERE idempotency_key = ?').get(req.idempotencyKey) as StoredCall | undefined;
      if (stored?.status === 'succeeded' || (stored?.status === 'running' && !req.resumeInterrupted)) return this.replay(stored, req, base);
      reuse = stored;
    }
    const id = reuse?.id ?? callId;

    const gateRequest = { tool, input: parsed.data, actor: req.actor, traceId: req.traceId, taskId: req.taskId ?? null, stepId: req.stepId ?? null, approvalId: req.approvalId ?? null, untrustedSources: req.untrustedSources ?? [] };
    const gate: GateDecision = this.gate.evaluate(gateRequest, 'run');
    if (gate.decision === 'require_approval' && gate.approvalId) {
      // Not run and not failed: it waits for a person (the gate recorded gate.required and the approval).
      return { call_id: callId, tool: tool.name, status: 'waiting_approval', approval_id: gate.approvalId, duration_ms: Date.now() - started, replayed: false };
    }
    if (gate.decision !== 'allow') {
      return reject({ kind: 'gate_denied', message: `Not run: ${gate.reason}.`, details: { decision: gate.decision, cell: gate.cell } });
    }

    const startedAt = new Date().toISOString();
    this.audit.transaction(() => {
      if (reuse) {
        stmt(this.db, "UPDATE tool_calls SET status = 'running', input = ?, output = NULL, error = NULL, started_at = ?, finished_at = NULL WHERE id = ?").run(JSON.stringify(parsed.data ?? null), startedAt, id);
      } else {
        stmt(this.db, 'INSERT INTO tool_calls (id, trace_id, task_id, tool, input, idempotency_key, status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          id,
          req.traceId,
          req.taskId ?? null,
          tool.name,
          JSON.stringify(parsed.data ?? null),
          req.idempotencyKey ?? null,
          'running',
          startedAt,
        );
      }
      this.audit.append({
        ...base,
        type: 'tool_call.attempted',
        payload: {
          call_id: id,
          tool: tool.name,
          version: tool.version,
          input: preview(parsed.data),
          risk: tool.risk,
          // Reaching this row means the call's arguments were inside what the tool may reach.
          scope: 'passed',
          gate,
          idempotency_key: req.idempotencyKey ?? null,
          runner: tool.runner.kind,
          ...(reuse ? { retry_of: reuse.status } : {}),
        },
      });
    });

    let outcome: { ok: true; output: unknown } | { ok: false; error: Failure };
    try {
      const raw = await this.run(tool, parsed.data, req, { cell: gate.cell, risk: gate.risk ?? tool.risk });
      if (req.faultLabel) faultPoint('tool.returned', req.faultLabel);
      const out = tool.output.safeParse(raw);
      outcome = out.success ? { ok: true, output: out.data } : { ok: false, error: { kind: 'invalid_output', message: `"${tool.name}" returned output that does not match its schema: ${describeZod(out.error)}.` } };
    } catch (err) {
      outcome = { ok: false, error: err instanceof ToolRunError ? { kind: err.kind, message: err.message, details: err.details } : { kind: 'tool_error', message: (err as Error).message } };
    }

    this.gate.observe?.(gateRequest, outcome.ok ? 'succeeded' : 'failed');
    const duration = Date.now() - started;
    this.audit.transaction(() => {
      stmt(this.db, 'UPDATE tool_calls SET status = ?, output = ?, error = ?, finished_at = ? WHERE id = ?')
        .run(outcome.ok ? 'succeeded' : 'failed', outcome.ok ? JSON.stringify(outcome.output ?? null) : null, outcome.ok ? null : JSON.stringify(outcome.error), new Date().toISOString(), id);
      this.audit.append({
        ...base,
        type: outcome.ok ? 'tool_call.succeeded' : 'tool_call.failed',
        payload: outcome.ok
          ? { call_id: id, tool: tool.name, duration_ms: duration, output: preview(outcome.output) }
          : { call_id: id, tool: tool.name, duration_ms: duration, reason: outcome.error.kind, message: outcome.error.message, details: outcome.error.details },
      });
    });
    return outcome.ok
      ? { call_id: id, tool: tool.name, status: 'succeeded', output: outcome.output, duration_ms: duration, replayed: false }
      : { call_id: id, tool: tool.name, status: 'failed', error: outcome.error, duration_ms: duration, replayed: false };
  }

  private replay(stored: StoredCall, req: ExecuteRequest, base: { traceId: string; actor: string; subject: string; parentId: number | null }): ExecutionResult {
    this.audit.append({ ...base, type: 'tool_call.replayed', payload: { call_id: stored.id, tool: stored.tool, idempotency_key: req.idempotencyKey ?? null, status: stored.status } });
    const common = { call_id: stored.id, tool: stored.tool, duration_ms: 0, replayed: true };
    // Only a recorded success or an interrupted run gets here; a recorded failure is run again instead.
    if (stored.status === 'succeeded') return { ...common, status: 'succeeded', output: stored.output === null ? null : JSON.parse(stored.output) };
    return { ...common, status: 'failed', error: { kind: 'aborted', message: 'An earlier call with this idempotency key was interrupted; it was not run again.' } };
  }

  private async run(tool: ToolDefinition, input: unknown, req: ExecuteRequest, gate: { cell: string; risk: ToolDefinition['risk'] }): Promise<unknown> {
    const runner = tool.runner;
    switch (runner.kind) {
      case 'inline': {
        const timeout = AbortSignal.timeout(this.options.timeoutMs);
        const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
        return await Promise.race([
          Promise.resolve(runner.run(input, { traceId: req.traceId, signal, idempotencyKey: req.idempotencyKey ?? null, actor: req.actor, gate })),
          new Promise((_, reject) => {
            const fail = () => reject(new ToolRunError(timeout.aborted ? 'timeout' : 'aborted', timeout.aborted ? `"${tool.name}" did not finish within ${this.options.timeoutMs} ms.` : 'The call was cancelled.'));
            if (signal.aborted) fail();
            signal.addEventListener('abort', fail, { once: true });
          }),
        ]);
      }
      case 'process': {
        const result = await runInProcess({
          toolName: tool.name,
          entry: runner.entry,
          dir: runner.dir,
          input,
          permissions: tool.permissions,
          timeoutMs: Math.min(runner.timeoutMs, this.options.timeoutMs),
          maxOutputBytes: runner.maxOutputBytes,
          ...(req.signal ? { signal: req.signal } : {}),
          ...(req.idempotencyKey ? { context: { idempotencyKey: req.idempotencyKey } } : {}),
        });
        if (result.ok) return result.output;
        const { kind, message, permission, resource } = result.error;
        const mapped: ExecutionErrorKind = kind === 'bad_output' ? 'invalid_output' : kind;
        throw new ToolRunError(mapped, message, permission ? { permission, resource: resource ?? null } : undefined);
      }
      default: {
        const never: never = runner;
        throw new Error(`unknown runner ${JSON.stringify(never)}`);
      }
    }
  }
}
