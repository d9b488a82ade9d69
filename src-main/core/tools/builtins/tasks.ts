// task.status and task.cancel: the fastpath's window onto Jarvis's own tasks.
import { z } from 'zod';
import { NO_PERMISSIONS, type ToolDefinition } from '../types';

export interface TaskControl {
  status(taskId: string | undefined): { task_id: string; goal: string; status: string }[];
  cancel(taskId: string): { task_id: string; status: string; previous: string };
}

const StatusInput = z.strictObject({ task_id: z.string().min(1).optional() });
const CancelInput = z.strictObject({ task_id: z.string().min(1) });

export function taskTools(tasks: TaskControl): ToolDefinition[] {
  return [
    {
      name: 'task.status',
      version: '1.0.0',
      description: 'Shows the status of one task, or of the most recent ones.',
      input: StatusInput,
      output: z.object({ tasks: z.array(z.object({ task_id: z.string(), goal: z.string(), status: z.string() })), summary: z.string() }),
      permissions: NO_PERMISSIONS,
      risk: 'none',
      idempotent: true,
      runner: {
        kind: 'inline',
        run: (raw) => {
          const { task_id } = StatusInput.parse(raw);
          const list = tasks.status(task_id);
          const summary = list.length === 0 ? 'No tasks yet.' : list.map((t) => `${t.task_id.slice(0, 8)} ${t.status}: ${t.goal}`).join('\n');
          return { tasks: list, summary };
        },
      },
      source: 'builtin',
      review: 'none',
    },
    {
      name: 'task.cancel',
      version: '1.0.0',
      description: 'Cancels a planned or running task.',
      input: CancelInput,
      output: z.object({ task_id: z.string(), status: z.string(), previous: z.string() }),
      permissions: NO_PERMISSIONS,
      risk: 'low',
      idempotent: true,
      runner: { kind: 'inline', run: (raw) => tasks.cancel(CancelInput.parse(raw).task_id) },
      source: 'builtin',
      review: 'none',
    },
  ];
}
