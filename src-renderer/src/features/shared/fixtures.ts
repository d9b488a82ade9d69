// Contract-shaped values for the renderer's store tests: one place, so a contract change breaks them loudly.
import type { Approval, AuditEvent, Controls, Plan, StepState, TaskStatusView } from '../../../../src-shared/contract';

export function taskView(id: string, patch: Partial<TaskStatusView> = {}): TaskStatusView {
  return {
    task_id: id,
    trace_id: `trace-${id}`,
    kind: 'intent',
    workflow_id: null,
    goal: `goal ${id}`,
    intent: 'echo',
    status: 'pending',
    steps: [],
    reply: null,
    error: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function stepState(id: string, status: StepState['status'] = 'pending'): StepState {
  return { id, action: 'echo', kind: 'tool', input: {}, requires_approval: false, risk: 'none', status, attempts: 0, next_attempt_at: null, started_at: null, finished_at: null };
}

export function approval(id: string, patch: Partial<Approval> = {}): Approval {
  return {
    id,
    trace_id: `trace-${id}`,
    task_id: `task-${id}`,
    step_id: 's1',
    tool: 'daemon.file_move',
    input: { from: '/a', to: '/b' },
    risk: 'high',
    reasons: [],
    permissions: {},
    preview: {},
    requested_by: 'person',
    cell: 'A1×high',
    status: 'pending',
    created_at: '2025-01-01T00:00:00.000Z',
    expires_at: '2025-01-01T00:10:00.000Z',
    decided_by: null,
    decided_at: null,
    grant_id: null,
    ...patch,
  };
}

export function controls(patch: Partial<Controls> = {}): Controls {
  return { autonomy: 'A2', autonomy_history: [], kill_switch: { on: false, since: null, by: null }, policy: {}, paused_sources: [], ...patch };
}

export function plan(taskId: string): Plan {
  return {
    task_id: taskId,
    trace_id: `trace-${taskId}`,
    intent: 'screenshot',
    steps: [{ id: 's1', action: 'daemon.screenshot', input: {}, requires_approval: false, risk: 'medium', preview: { capability: 'screenshot' }, confirmations: ['daemon'] }],
  };
}

export function auditEvent(id: number, traceId: string, type = 'test.happened', payload: Record<string, unknown> = {}): AuditEvent {
  return { id, ts: '2025-01-01T00:00:00.000Z', trace_id: traceId, parent_id: null, type, actor: 'test', subject: null, payload, prev_hash: '', hash: `h${id}` };
}
