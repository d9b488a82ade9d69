// Audit rows of a task's trace as sentences a person can follow, one line per row, with the raw type kept beside it.
import type { AuditEvent } from '../../../../src-shared/contract';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function gateCell(p: Record<string, unknown>): string | null {
  const gate = p.gate;
  if (gate && typeof gate === 'object' && 'cell' in gate) return str((gate as { cell: unknown }).cell);
  return str(p.cell);
}

/** One sentence for one audit row; unknown types fall back to their name and the payload's telling fields. */
export function describeEvent(e: AuditEvent): string {
  const p = e.payload;
  const step = str(p.step_id);
  const tool = str(p.tool);
  const onStep = step ? `step ${step}: ` : '';
  switch (e.type) {
    case 'event.ingested':
      return `Received ${str(p.channel) ?? 'an'} event${str(p.text) ? `: “${clip(String(p.text), 80)}”` : ''}.`;
    case 'routing.decided':
      return `Understood as ${str(p.intent) ?? str(p.lane) ?? 'a task'}${Array.isArray(p.steps) ? `, ${p.steps.length} step(s) planned` : ''}.`;
    case 'routing.unhandled':
      return 'Nothing understood this goal.';
    case 'tool_call.attempted':
      return `${onStep}${tool ?? 'a tool'} started${gateCell(p) ? ` (allowed by ${gateCell(p)})` : ''}.`;
    case 'tool_call.succeeded':
      return `${onStep}${tool ?? 'the tool'} succeeded${num(p.duration_ms) !== null ? ` in ${num(p.duration_ms)} ms` : ''}.`;
    case 'tool_call.failed':
      return `${onStep}${tool ?? 'the tool'} failed: ${clip(str(p.message) ?? str(p.reason) ?? 'no reason given')}`;
    case 'tool_call.rejected':
      return `${onStep}${tool ?? 'the tool'} was refused before running: ${clip(str(p.message) ?? str(p.reason) ?? 'no reason given')}`;
    case 'tool_call.replayed':
      return `${tool ?? 'The tool'} had already run with this key; its recorded result was used.`;
    case 'gate.required':
      return `${tool ?? 'A step'} needs your approval (${str(p.cell) ?? str(p.risk) ?? 'policy'}).`;
    case 'gate.approved':
      return `${tool ?? 'The step'} was approved by ${e.actor}${str(p.grant_id) ? ' with a grant' : ''}.`;
    case 'gate.rejected':
      return `${tool ?? 'The step'} was denied by ${e.actor}.`;
    case 'gate.denied':
      return `${tool ?? 'The step'} was refused by the policy: ${clip(str(p.reason) ?? 'no reason given')}.`;
    case 'gate.delegated_to_daemon':
      return `${tool ?? 'The step'} is confirmed on the daemon’s screen (${str(p.cell) ?? 'policy'}).`;
    case 'approval.expired':
      return `The approval for ${tool ?? 'a step'} expired.`;
    case 'safety.blocked':
      return `Blocked by a policy rule: ${clip(str(p.reason) ?? 'no reason given')}.`;
    case 'task.step_retry_scheduled':
      return `${onStep}retry ${num(p.next_attempt) ?? ''} in ${Math.round((num(p.delay_ms) ?? 0) / 1000)} s (${str(p.reason) ?? 'failed'}).`;
    case 'task.step_failed':
      return `${onStep}failed after ${num(p.attempts) ?? '?'} attempt(s): ${clip(str(p.message) ?? 'no reason given')}`;
    case 'task.step_skipped':
      return `${onStep}skipped (${str(p.reason) ?? 'condition'}).`;
    case 'task.paused':
    case 'task.resumed':
    case 'task.cancelled':
      return `Task ${e.type.slice('task.'.length)} by ${e.actor}.`;
    case 'response.sent':
      return `Reply: ${clip(str(p.text) ?? '')}`;
    default: {
      const tail = ['step_id', 'tool', 'status', 'reason', 'message']
        .map((k) => [k, p[k]] as const)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
        .map(([k, v]) => `${k}=${clip(String(v), 80)}`);
      return `${e.type}${tail.length ? ` ${tail.join(' ')}` : ''}`;
    }
  }
}

/** `HH:MM:SS` in local time, or the raw value when it is not a time. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
