// Start-up recovery: tasks whose runner died are reconciled step by step, so nothing checkpointed runs twice.
import os from 'node:os';
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import { stmt } from '../db';
import type { ToolRegistry } from '../tools/registry';
import type { TaskRow } from './model';
import type { TaskStore } from './repo';

/** A lease owner is `host|pid|boot`; on this host a dead pid means the lease is void whatever its expiry. */
export function ownerIsDead(owner: string | null, self: string): boolean {
  if (!owner || owner === self) return false;
  const [host, pid] = owner.split('|');
  if (host !== os.hostname()) return false;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return true;
  if (n === process.pid) return true; // our pid, not our lease: the old holder is gone
  try {
    process.kill(n, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function leaseLapsed(task: TaskRow, self: string, now: number): boolean {
  if (task.lease_owner === self) return false;
  if (ownerIsDead(task.lease_owner, self)) return true;
  return task.lease_expires_at === null || Date.parse(task.lease_expires_at) <= now;
}

interface CallRow {
  id: string;
  status: 'running' | 'succeeded' | 'failed' | 'rejected';
  output: string | null;
}

/**
 * For each interrupted step: if its tool call finished and was recorded, adopt that result (never re-run);
 * if the tool never started, run it; if it was mid-flight, retry an idempotent tool with the same key, and
 * mark an at-most-once tool's step ambiguous for a person to decide. Returns the ids it put back in the queue.
 */
export function recoverTasks(d: { db: Db; audit: AuditLog; tasks: TaskStore; registry: ToolRegistry }, self: string, now: number): string[] {
  const requeued: string[] = [];
  for (const task of d.tasks.running()) {
    if (!leaseLapsed(task, self, now)) continue;
    d.audit.transaction(() => {
      const actions: { step_id: string; action: string }[] = [];
      let ambiguous = false;
      const at = new Date(now).toISOString();
      for (const step of d.tasks.steps(task.id).filter((s) => s.status === 'running')) {
        const call = stmt(d.db, 'SELECT id, status, output FROM tool_calls WHERE idempotency_key = ?').get(`${task.id}:${step.step_id}`) as CallRow | undefined;
        const interrupted = () => d.tasks.finishAttempt(task.id, step.step_id, step.attempts, 'interrupted', call?.id ?? null, null, at);
        if (step.kind === 'llm_decide' || !call) {
          interrupted();
          d.tasks.setStep(task.id, step.step_id, { status: 'pending', resume_interrupted: 0 });
          actions.push({ step_id: step.step_id, action: call ? 'retry' : 'run (never started)' });
        } else if (call.status === 'succeeded') {
          d.tasks.finishAttempt(task.id, step.step_id, step.attempts, 'succeeded', call.id, null, at);
          d.tasks.setStep(task.id, step.step_id, { status: 'succeeded', output: call.output ?? 'null', finished_at: at });
          actions.push({ step_id: step.step_id, action: 'adopted recorded result' });
        } else if (call.status === 'failed' || call.status === 'rejected') {
          interrupted();
          d.tasks.setStep(task.id, step.step_id, { status: 'pending', resume_interrupted: 0 });
          actions.push({ step_id: step.step_id, action: 'retry after recorded failure' });
        } else if (d.registry.get(step.tool ?? '')?.idempotent) {
          interrupted();
          d.tasks.setStep(task.id, step.step_id, { status: 'pending', resume_interrupted: 1 });
          actions.push({ step_id: step.step_id, action: 'retry (idempotent tool, same key)' });
        } else {
          interrupted();
          d.tasks.setStep(task.id, step.step_id, { status: 'ambiguous', error: JSON.stringify({ kind: 'ambiguous', message: 'Jarvis stopped while this at-most-once step was running; it may or may not have taken effect.' }) });
          actions.push({ step_id: step.step_id, action: 'ambiguous: waits for a person' });
          ambiguous = true;
          d.audit.append({ type: 'task.step_ambiguous', actor: 'engine', subject: task.id, traceId: task.trace_id, payload: { task_id: task.id, step_id: step.step_id, tool: step.tool, call_id: call.id } });
        }
      }
      d.audit.append({ type: 'task.interrupted', actor: 'engine', subject: task.id, traceId: task.trace_id, payload: { task_id: task.id, lease_owner: task.lease_owner, lease_expires_at: task.lease_expires_at } });
      d.tasks.setStatus(task.id, ambiguous ? 'waiting_approval' : 'pending', { lease: { owner: null, expires: null } });
      d.audit.append({ type: 'task.recovered', actor: 'engine', subject: task.id, traceId: task.trace_id, payload: { task_id: task.id, status: ambiguous ? 'waiting_approval' : 'pending', steps: actions } });
      if (!ambiguous) requeued.push(task.id);
    });
  }
  return requeued;
}
