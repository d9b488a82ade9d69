// Stored workflow definitions: validated on every write, versioned, audited; a run becomes a durable task.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { StepSpec, TaskStore } from '../tasks';
import type { ToolRegistry } from '../tools/registry';
import { newId } from '../util/ids';
import type { TaskStatusView } from '../../../src-shared/contract/agent';
import { dependenciesOf, effectiveRetryPolicy, executionOrder, validateWorkflow, type WorkflowDefinition, type WorkflowProblem } from './index';

export interface StoredWorkflow {
  id: string;
  name: string;
  version: number;
  definition: WorkflowDefinition;
  created_at: string;
  updated_at: string;
}

interface Row {
  id: string;
  name: string;
  version: number;
  definition: string;
  created_at: string;
  updated_at: string;
}

/** Every problem with a definition at once, for a 400 that lists them all. */
export class WorkflowInvalidError extends Error {
  constructor(readonly problems: WorkflowProblem[]) {
    super(`The workflow has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export class WorkflowNameTakenError extends Error {
  constructor(readonly workflowName: string) {
    super(`A workflow named "${workflowName}" exists already; update it instead (PUT /v1/workflows/{id}).`);
  }
}

const toStored = (r: Row): StoredWorkflow => ({ ...r, definition: JSON.parse(r.definition) as WorkflowDefinition });

export class WorkflowStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly registry: ToolRegistry,
  ) {}

  private validate(raw: unknown): WorkflowDefinition {
    const result = validateWorkflow(raw, { toolExists: (name) => this.registry.get(name) !== undefined });
    if (!result.ok) throw new WorkflowInvalidError(result.problems);
    return result.definition;
  }

  create(raw: unknown, actor: string): StoredWorkflow {
    const def = this.validate(raw);
    const now = new Date().toISOString();
    const id = newId();
    return this.audit.transaction(() => {
      if (stmt(this.db, 'SELECT 1 FROM workflows WHERE name = ?').get(def.name)) throw new WorkflowNameTakenError(def.name);
      stmt(this.db, 'INSERT INTO workflows (id, name, definition, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(id, def.name, JSON.stringify(def), now, now);
      this.audit.append({ type: 'workflow.created', actor, subject: id, payload: { workflow_id: id, name: def.name, version: 1, steps: def.steps.length } });
      return this.require(id);
    });
  }

  update(id: string, raw: unknown, actor: string): StoredWorkflow | undefined {
    const def = this.validate(raw);
    return this.audit.transaction(() => {
      const current = this.get(id);
      if (!current) return undefined;
      const clash = stmt(this.db, 'SELECT id FROM workflows WHERE name = ? AND id <> ?').get(def.name, id);
      if (clash) throw new WorkflowNameTakenError(def.name);
      stmt(this.db, 'UPDATE workflows SET name = ?, definition = ?, version = version + 1, updated_at = ? WHERE id = ?').run(def.name, JSON.stringify(def), new Date().toISOString(), id);
      this.audit.append({ type: 'workflow.updated', actor, subject: id, payload: { workflow_id: id, name: def.name, version: current.version + 1 } });
      return this.require(id);
    });
  }

  get(id: string): StoredWorkflow | undefined {
    const row = stmt(this.db, 'SELECT * FROM workflows WHERE id = ? OR name = ?').get(id, id) as Row | undefined;
    return row ? toStored(row) : undefined;
  }

  private require(id: string): StoredWorkflow {
    const wf = this.get(id);
    if (!wf) throw new Error(`workflow ${id} vanished`);
    return wf;
  }

  list(): StoredWorkflow[] {
    return (stmt(this.db, 'SELECT * FROM workflows ORDER BY name').all() as Row[]).map(toStored);
  }

  /** Creates the workflow's task (queued) in one transaction with its audit row; the engine runs it. */
  run(wf: StoredWorkflow, tasks: TaskStore, runInput: unknown, actor: string): TaskStatusView {
    const def = wf.definition;
    const order = executionOrder(def);
    const byId = new Map(def.steps.map((s) => [s.id, s]));
    const fallbacks = def.steps.filter((s) => s.fallback).map((s) => s.id);
    const specs: StepSpec[] = [...order, ...fallbacks].map((id) => {
      const step = byId.get(id);
      if (!step) throw new Error(`step ${id} missing from ${def.name}`);
      const common = {
        id,
        depends_on: dependenciesOf(step),
        condition: step.when,
        retry_policy: effectiveRetryPolicy(def, step),
        on_error: step.on_error,
        fallback: step.fallback ?? false,
      };
      // An llm_decide step keeps its turn budget and tool allow-list in its input column.
      if (step.kind === 'llm_decide') return { ...common, kind: 'llm_decide', goal: step.goal, input: { max_turns: step.max_turns, tools: step.tools ?? null }, risk: 'none' };
      return { ...common, kind: 'tool', tool: step.tool, input: step.input, risk: this.registry.get(step.tool)?.risk ?? 'critical' };
    });
    const traceId = newId();
    return this.audit.transaction(() => {
      const task = tasks.create({ traceId, eventId: null, goal: `workflow ${def.name}`, intent: null, kind: 'workflow', workflowId: wf.id, runInput: runInput ?? {}, channel: 'api', actor, status: 'pending', steps: specs });
      this.audit.append({ type: 'workflow.run_started', actor, subject: wf.id, traceId, payload: { workflow_id: wf.id, name: def.name, version: wf.version, task_id: task.task_id } });
      return task;
    });
  }
}
