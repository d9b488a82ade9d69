// Built-in tools: trusted code that runs inline, declared with the same fields a manifest has.
import { z } from 'zod';
import { NO_PERMISSIONS, type Risk, type ToolDefinition } from '../types';
import { daemonTools, type DaemonPort } from './daemon';
import { safetyTools, type SafetyControl } from './safety-tools';
import { httpRequestTool } from './http-tool';
import { taskTools, type TaskControl } from './tasks';
import { timerTool, type TimerControl } from './timer';

export interface BuiltinDeps {
  httpAllowlist: readonly string[];
  tasks: TaskControl;
  timers: TimerControl;
  safety: SafetyControl;
  daemon: DaemonPort | null;
  /** A capability's risk from capabilities.json. */
  capabilityRisk: (cap: string) => Risk | null;
}

const echo: ToolDefinition = {
  name: 'echo',
  version: '1.0.0',
  description: 'Returns the text it is given.',
  input: z.strictObject({ text: z.string().max(10_000) }),
  output: z.object({ text: z.string() }),
  permissions: NO_PERMISSIONS,
  risk: 'none',
  idempotent: true,
  runner: { kind: 'inline', run: (input) => ({ text: (input as { text: string }).text }) },
  source: 'builtin',
  review: 'none',
};

const noop: ToolDefinition = {
  name: 'noop',
  version: '1.0.0',
  description: 'Does nothing; for tests and benchmarks of the pipeline itself.',
  input: z.strictObject({}).passthrough(),
  output: z.object({ ok: z.literal(true) }),
  permissions: NO_PERMISSIONS,
  risk: 'none',
  idempotent: true,
  runner: { kind: 'inline', run: () => ({ ok: true as const }) },
  source: 'builtin',
  review: 'none',
};

export function builtinTools(deps: BuiltinDeps): ToolDefinition[] {
  return [echo, noop, httpRequestTool(deps.httpAllowlist), timerTool(deps.timers), ...taskTools(deps.tasks), ...daemonTools(deps.daemon, deps.capabilityRisk), ...safetyTools(deps.safety)];
}
