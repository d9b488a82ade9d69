// Crash points for recovery tests: JARVIS_FAULT=<point>:<step id> makes the process SIGKILL itself there.
// Off unless that variable is set; a check is one string comparison.

const spec = process.env.JARVIS_FAULT ?? '';

/** Points: step.before_start, step.started, tool.returned, step.before_checkpoint, step.after_checkpoint. */
export function faultPoint(point: string, stepId: string): void {
  if (spec !== '' && spec === `${point}:${stepId}`) process.kill(process.pid, 'SIGKILL');
}
