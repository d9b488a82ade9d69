// Validation: the schema plus the checks that span steps (ids, tools, references, cycles, gotos), all problems at once.
import { describeCycle, dependencySites, executionOrder, findCycles, topologicalOrder, type DependencySite } from './graph';
import { friendlierMessages, issueProblems, toWorkflowProblems, type LocatedProblem, type WorkflowProblem } from './problems';
import { isPlainObject, type Location } from './refs';
import { WorkflowShape, type WorkflowDefinition as Definition } from './schema';

interface StepInfo {
  index: number;
  at: Location;
  raw: Record<string, unknown>;
  id: string | null;
  fallback: boolean;
  sites: DependencySite[];
}

/**
 * The checks no single field can make. They read the raw definition defensively, so they still run (and report)
 * when the schema has refused other parts of it; that is how every problem comes back in one answer.
 */
function crossCheck(raw: unknown, toolExists?: (name: string) => boolean): LocatedProblem[] {
  if (!isPlainObject(raw) || !Array.isArray(raw.steps)) return [];
  const problems: LocatedProblem[] = [];
  const steps: StepInfo[] = raw.steps.map((s: unknown, index) => {
    const at: Location = ['steps', index];
    const rawStep = isPlainObject(s) ? s : {};
    return { index, at, raw: rawStep, id: typeof rawStep.id === 'string' ? rawStep.id : null, fallback: rawStep.fallback === true, sites: dependencySites(rawStep, at) };
  });

  const byId = new Map<string, StepInfo>();
  for (const step of steps) {
    if (step.id === null) continue;
    const first = byId.get(step.id);
    if (first) problems.push({ at: [...step.at, 'id'], message: `"${step.id}" is already the id of steps[${first.index}]; step ids must be unique` });
    else byId.set(step.id, step);
  }

  if (toolExists) problems.push(...unknownTools(steps, toolExists));

  // Dependencies: each must name an existing step in the normal flow.
  const edges = new Map<string, { to: string; at: Location }[]>();
  for (const step of steps) {
    if (step.id === null || byId.get(step.id) !== step) continue;
    const out: { to: string; at: Location }[] = [];
    for (const site of step.sites) {
      const target = byId.get(site.step);
      const verb = site.via === 'depends_on' ? 'depends on' : 'refers to';
      if (!target) problems.push({ at: site.at, message: `${verb} step "${site.step}", which does not exist` });
      else if (target.fallback && target !== step) problems.push({ at: site.at, message: `${verb} fallback step "${site.step}"; fallback steps run only after another step fails, so nothing can wait for them` });
      else out.push({ to: site.step, at: site.at });
    }
    edges.set(step.id, out);
  }
  const nodes = [...byId.keys()];
  const cycles = findCycles({ nodes, edges });
  for (const { cycle, at } of cycles) problems.push({ at, message: `dependency cycle: ${describeCycle(cycle)} (each waits for the next, so none can start)` });

  problems.push(...gotoProblems(steps, byId));
  if (cycles.length === 0) {
    const normal = nodes.filter((id) => byId.get(id)?.fallback !== true);
    const order = topologicalOrder({ nodes: normal, edges });
    if (order !== null) problems.push(...fallbackInputProblems(steps, byId, order));
  }
  if (steps.length > 0 && steps.every((s) => s.fallback)) problems.push({ at: ['steps'], message: 'every step is a fallback step, so nothing would run' });
  return problems;
}

function unknownTools(steps: readonly StepInfo[], toolExists: (name: string) => boolean): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const check = (name: unknown, at: Location): void => {
    if (typeof name === 'string' && name !== '' && !toolExists(name)) problems.push({ at, message: `unknown tool "${name}"; no tool by that name is installed` });
  };
  for (const step of steps) {
    const kind = step.raw.kind;
    if (kind === undefined || kind === 'tool') check(step.raw.tool, [...step.at, 'tool']);
    else if (kind === 'llm_decide' && Array.isArray(step.raw.tools)) step.raw.tools.forEach((name, i) => check(name, [...step.at, 'tools', i]));
  }
  return problems;
}

/** The fallback step a step's on_error sends it to, when it says so. */
function gotoTarget(step: StepInfo): string | null {
  const onError = step.raw.on_error;
  return isPlainObject(onError) && onError.action === 'goto' && typeof onError.step === 'string' && onError.step !== '' ? onError.step : null;
}

function gotoProblems(steps: readonly StepInfo[], byId: ReadonlyMap<string, StepInfo>): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const edges = new Map<string, { to: string; at: Location }[]>();
  for (const step of steps) {
    const target = gotoTarget(step);
    if (target === null) continue;
    const at: Location = [...step.at, 'on_error', 'step'];
    const found = byId.get(target);
    if (!found) problems.push({ at, message: `goes to step "${target}", which does not exist` });
    else if (found === step) problems.push({ at, message: 'a step cannot go to itself when it fails' });
    else if (!found.fallback) problems.push({ at, message: `goes to step "${target}", which is not a fallback step; add "fallback": true to it` });
    else if (step.id !== null && step.fallback) edges.set(step.id, [{ to: target, at }]);
  }
  // Fallback steps may hand on to further fallbacks, but never round in a circle.
  for (const { cycle, at } of findCycles({ nodes: [...edges.keys()], edges })) {
    problems.push({ at, message: `fallback steps go to each other in a loop: ${describeCycle(cycle)}` });
  }
  return problems;
}

/**
 * A fallback step runs when the step that sent it there has failed, so what it uses must have run before that
 * step in the execution order, and the failed step itself has no output to give.
 */
function fallbackInputProblems(steps: readonly StepInfo[], byId: ReadonlyMap<string, StepInfo>, order: readonly string[]): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  for (const origin of steps) {
    if (origin.fallback || origin.id === null || byId.get(origin.id) !== origin) continue;
    const ranBefore = new Set(order.slice(0, Math.max(0, order.indexOf(origin.id))));
    const visited = new Set<StepInfo>();
    for (let target = gotoTarget(origin); target !== null; ) {
      const fallback = byId.get(target);
      if (!fallback?.fallback || visited.has(fallback)) break;
      visited.add(fallback);
      for (const site of fallback.sites) {
        const dep = byId.get(site.step);
        if (!dep || dep.fallback || ranBefore.has(site.step)) continue; // missing and fallback targets are reported already
        const why = site.step === origin.id ? `a failed step has no output` : `"${site.step}" comes after "${origin.id}", so it has not run when "${origin.id}" fails`;
        problems.push({ at: site.at, message: `fallback step "${target}" uses step "${site.step}", but ${why}` });
      }
      target = gotoTarget(fallback);
    }
  }
  return problems;
}

/** The schema of a complete definition: its shape plus every check that spans steps except whether tools exist. */
export const WorkflowDefinition = WorkflowShape.superRefine((def, ctx) => {
  for (const p of crossCheck(def)) ctx.addIssue({ code: 'custom', message: p.message, path: [...p.at] });
});
export type WorkflowDefinition = Definition;

export type ValidationResult = { ok: true; definition: WorkflowDefinition; order: string[] } | { ok: false; problems: WorkflowProblem[] };

/**
 * Parses and checks a definition, reporting every problem at once: schema errors, unknown tools, duplicate ids,
 * dangling references, dependency cycles (named step by step), gotos to missing or non-fallback steps, fallback
 * steps using outputs that cannot exist, invalid or unsafe patterns and unknown error kinds. On success the
 * definition has its defaults filled in and `order` is executionOrder(definition).
 */
export function validateWorkflow(raw: unknown, opts: { toolExists(name: string): boolean }): ValidationResult {
  const parsed = WorkflowShape.safeParse(raw, { error: friendlierMessages });
  const located = [...(parsed.success ? [] : issueProblems(parsed.error.issues)), ...crossCheck(raw, (name) => opts.toolExists(name))];
  if (!parsed.success || located.length > 0) return { ok: false, problems: toWorkflowProblems(located) };
  return { ok: true, definition: parsed.data, order: executionOrder(parsed.data) };
}
